def load():
    """Demo data of this app (filled by its issue)."""
