"""Logging filters and the JSON formatter, named in settings.LOGGING."""

import datetime
import json
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


class RequestId(logging.Filter):
    """Puts the id of the request being served (core.middleware, "-" outside a request) on every record."""

    def filter(self, record):
        from core.middleware import current_request_id

        record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line (LOG_FORMAT=json): time (UTC), level, logger, message, request id, and the
    traceback and the status code of a failed request when there are any."""

    def format(self, record):
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if (status := getattr(record, "status_code", None)) is not None:
            entry["status_code"] = status
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
