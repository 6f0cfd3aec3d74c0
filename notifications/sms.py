"""The SMS interface: `send(mobile, text)` through the backend named by settings.SMS_BACKEND (a dotted path).

A backend is a class with `send(self, mobile: str, text: str) -> None` that raises on failure. The default,
`LoggingBackend`, writes one INFO line (logger `notifications.sms`) instead of sending, so development and
tests need no SMS gateway; production points SMS_BACKEND at a class that calls its provider.
"""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

DEFAULT_BACKEND = "notifications.sms.LoggingBackend"


class BaseBackend:
    def send(self, mobile: str, text: str) -> None:
        raise NotImplementedError


class LoggingBackend(BaseBackend):
    def send(self, mobile: str, text: str) -> None:
        # The middle digits stay out of the log: a log file is read by more people than the user table.
        logger.info("SMS to %s: %s", mask_mobile(mobile), " ".join(text.split()))


def mask_mobile(mobile: str) -> str:
    return f"{mobile[:3]}****{mobile[-4:]}" if len(mobile) >= 8 else "****"


def get_backend() -> BaseBackend:
    return import_string(getattr(settings, "SMS_BACKEND", DEFAULT_BACKEND))()


def send(mobile: str, text: str) -> None:
    get_backend().send(mobile, text)
