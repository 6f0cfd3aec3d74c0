"""The inbox and the messages it shows, delivered by email and SMS after the deciding transaction commits."""
