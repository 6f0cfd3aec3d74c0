"""The `Prefer` request header (RFC 7240): a client asks for a shorter answer with `Prefer: return=minimal`.

Only `return=minimal` is understood; any other preference (or a malformed header) leaves the full answer, as the
RFC asks of a server that does not support a preference. The answer then says `Preference-Applied`.
"""

RETURN_MINIMAL = "return=minimal"


def prefers_minimal(value: str | None) -> bool:
    """Whether a `Prefer` header value holds `return=minimal` (token and value case-insensitive, spaces ignored,
    parameters after `;` ignored, several preferences separated by commas)."""
    if not value:
        return False
    for preference in value.split(","):
        token = preference.split(";", 1)[0].replace(" ", "").replace("\t", "").lower()
        if token in (RETURN_MINIMAL, 'return="minimal"'):
            return True
    return False
