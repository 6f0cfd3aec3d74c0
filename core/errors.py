"""Domain errors shared by services, views and the API.

A service raises one of these with a message meant for the person using the system (in Chinese);
views show it, the API maps it to its status code.
"""


class DomainError(Exception):
    """A rule of the domain refused the action. API: 422 unless a subclass says otherwise."""

    status = 422

    def __init__(self, message, *, field=None, errors=None):
        super().__init__(message)
        self.message = message
        # errors: a list of {"field", "message"} when several problems are reported at once.
        self.errors = errors or [{"field": field, "message": message}]


class Conflict(DomainError):
    """The object changed meanwhile or is in the wrong state for the action. API: 409."""

    status = 409


class PermissionDeniedError(DomainError):
    status = 403
