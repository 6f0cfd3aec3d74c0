"""Logging filters, named in settings.LOGGING."""

import logging


class ForbiddenOnOneLine(logging.Filter):
    """A 403 is logged as one line — path and the reason the person was shown — instead of a traceback.

    Django logs a PermissionDenied with its traceback (`django.request`, WARNING); a refused request is the
    permission model answering, not a fault, and a traceback per refusal buries the real errors.
    """

    def filter(self, record):
        if getattr(record, "status_code", None) == 403 and record.exc_info:
            exception = record.exc_info[1]
            reason = " ".join(str(exception).split()) if exception is not None else ""
            if reason and isinstance(record.args, tuple):
                record.msg = f"{record.msg} (%s)"
                record.args = (*record.args, reason)
            record.exc_info = None
            record.exc_text = None
        return True
