"""Sending one message's email and SMS copies: the work of the `deliver` task.

Each channel is claimed with a conditional update (queued → sending) before anything is sent, so a task that
runs twice, or two workers given the same ids, send a copy at most once. A copy whose object has left the
state the message was written for is cancelled instead of sent.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext

from notifications import sms
from notifications.models import Delivery, Message
from notifications.state_checks import state_check_for

logger = logging.getLogger(__name__)

DECISION_CHANGED = "决定已变更，未发送"
NO_STATE_CHECK = "未登记对象状态检查，未发送"


def deliver_message(message_id: int) -> None:
    message = Message.objects.select_related("recipient").filter(pk=message_id).first()
    if message is None or not _has_queued(message):
        return
    refusal = _guard_refusal(message)
    if refusal:
        _finish_queued(message_id, Delivery.CANCELLED if refusal == DECISION_CHANGED else Delivery.FAILED, refusal)
        return
    _deliver_channel(message, "email", _send_email)
    _deliver_channel(message, "sms", _send_sms)


def _has_queued(message: Message) -> bool:
    return Delivery.QUEUED in (message.email_state, message.sms_state)


def _guard_refusal(message: Message) -> str:
    """Why the copies must not go out now ("" when they may)."""
    if not message.expected_state:
        return ""
    check = state_check_for(message.object_type)
    if check is None:
        # A missing registration is a programming error: better no email than one announcing a reversed decision.
        logger.error("no state check registered for %s (message %s)", message.object_type, message.pk)
        return NO_STATE_CHECK
    current = check(message.object_id)
    return "" if current is not None and str(current) == message.expected_state else DECISION_CHANGED


def _finish_queued(message_id: int, state: str, reason: str) -> None:
    now = timezone.now()
    for channel in ("email", "sms"):
        Message.objects.filter(pk=message_id, **{f"{channel}_state": Delivery.QUEUED}).update(
            **{f"{channel}_state": state, f"{channel}_reason": reason, f"{channel}_at": now}
        )


def _deliver_channel(message: Message, channel: str, send) -> None:
    claimed = Message.objects.filter(pk=message.pk, **{f"{channel}_state": Delivery.QUEUED}).update(
        **{f"{channel}_state": Delivery.SENDING}
    )
    if not claimed:
        return  # not asked for, already sent, cancelled meanwhile, or another worker has it
    try:
        send(message)
    except Exception as error:
        logger.exception("%s delivery failed for message %s", channel, message.pk)
        state, reason = Delivery.FAILED, f"{type(error).__name__}: {error}"[:200]
    else:
        state, reason = Delivery.SENT, ""
    Message.objects.filter(pk=message.pk).update(
        **{f"{channel}_state": state, f"{channel}_reason": reason, f"{channel}_at": timezone.now()}
    )


def absolute_link(message: Message) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{message.link}" if message.link else ""


def email_text(message: Message) -> str:
    # The email is in the primary language whatever language the worker runs in.
    with translation.override(settings.LANGUAGE_CODE):
        parts = [message.body.strip()]
        if message.link:
            parts.append(gettext("查看详情：%(url)s") % {"url": absolute_link(message)})
        parts.append(gettext("此邮件由系统自动发送，请勿直接回复。"))
        return "\n\n".join(part for part in parts if part)


def sms_text(message: Message) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        prefix = gettext("【扬州市工信局】")
    link = absolute_link(message)
    return f"{prefix}{message.subject}" + (f" {link}" if link else "")


def _send_email(message: Message) -> None:
    send_mail(
        subject=message.subject,
        message=email_text(message),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[message.recipient.email],
    )


def _send_sms(message: Message) -> None:
    sms.send(message.recipient.mobile, sms_text(message))
