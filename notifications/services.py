"""Writes: queue notifications inside the deciding transaction, cancel them, mark them read.

Other apps call `notify(...)` where they decide something (a transition, an opinion, a reminder), inside
their own `transaction.atomic`: the inbox rows are part of that transaction, and the email/SMS copies are
handed to the `deliver` task only when it commits. A rolled-back decision leaves neither a message nor a mail.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import PermissionDeniedError
from notifications.models import Delivery, Message
from notifications.rules import allowed
from notifications.selectors import messages_visible_to
from notifications.state_checks import register_state_check, unregister_state_check

__all__ = [
    "cancel_pending",
    "inbox_mark_all_read",
    "message_mark_read",
    "notify",
    "register_state_check",
    "unregister_state_check",
]

NOT_REQUESTED = "未要求"
NO_EMAIL = "无电子邮箱"
NO_MOBILE = "无手机号码"
CANCELLED = "已撤销，未发送"


def notify(
    *,
    recipients: Iterable,
    subject: str,
    body: str,
    link: str = "",
    obj=None,
    kind: str = "",
    expected_state: str = "",
    email: bool = True,
    sms: bool = False,
) -> list[Message]:
    """One inbox message per active recipient; email (and SMS if asked) sent by a task after commit.

    `link` is a path on this site ("/applications/12/"), made absolute with SITE_URL in the email. With
    `expected_state`, the copies are sent only if `obj` is still in that state when the task runs (a state
    check must be registered for the object's model, see notifications.state_checks).
    """
    _check_link(link)
    if len(kind) > Message._meta.get_field("kind").max_length:
        raise ValueError(f"kind is a short code: {kind!r}")
    if expected_state and obj is None:
        raise ValueError("expected_state needs the object whose state it is")
    object_type, object_id = (obj._meta.label_lower, str(obj.pk)) if obj is not None else ("", "")
    messages = [
        Message(
            recipient=user,
            subject=subject[:200],
            body=body,
            link=link,
            object_type=object_type,
            object_id=object_id,
            kind=kind,
            expected_state=expected_state,
            **_channel("email", requested=email, address=user.email),
            **_channel("sms", requested=sms, address=user.mobile),
        )
        for user in _active_distinct(recipients)
    ]
    Message.objects.bulk_create(messages)
    to_send = [m.pk for m in messages if Delivery.QUEUED in (m.email_state, m.sms_state)]
    if to_send:
        transaction.on_commit(lambda: _schedule(to_send), robust=True)
    return messages


def _schedule(message_ids):
    from notifications.tasks import deliver  # the task module imports delivery; keep services importable alone

    deliver.delay(message_ids)


def _check_link(link: str) -> None:
    # Only paths on this site: the inbox redirects to the link, and a message must not send anyone elsewhere.
    if link and (not link.startswith("/") or link.startswith("//") or "\\" in link):
        raise ValueError(f"link must be a path on this site: {link!r}")


def _active_distinct(recipients: Iterable) -> list:
    seen, users = set(), []
    for user in recipients:
        if user is not None and user.is_active and user.pk not in seen:
            seen.add(user.pk)
            users.append(user)
    return users


def _channel(channel: str, *, requested: bool, address: str | None) -> dict:
    if not requested:
        state, reason = Delivery.SKIPPED, NOT_REQUESTED
    elif not address:
        state, reason = Delivery.SKIPPED, NO_EMAIL if channel == "email" else NO_MOBILE
    else:
        state, reason = Delivery.QUEUED, ""
    return {f"{channel}_state": state, f"{channel}_reason": reason}


def cancel_pending(obj, kind: str | None = None) -> int:
    """Cancel the copies not sent yet of messages about `obj` (of one kind, if given): a decision reversed.

    Call it inside the reversing transaction; the inbox rows stay (they record what was said). Returns the
    number of messages that had a copy cancelled.
    """
    messages = Message.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    if kind is not None:
        messages = messages.filter(kind=kind)
    messages = messages.filter(Q(email_state=Delivery.QUEUED) | Q(sms_state=Delivery.QUEUED))
    ids = list(messages.values_list("pk", flat=True))
    now = timezone.now()
    for channel in ("email", "sms"):
        Message.objects.filter(pk__in=ids, **{f"{channel}_state": Delivery.QUEUED}).update(
            **{f"{channel}_state": Delivery.CANCELLED, f"{channel}_reason": CANCELLED, f"{channel}_at": now}
        )
    return len(ids)


def message_mark_read(*, message: Message, user) -> Message:
    if not allowed(user, "notifications.read_message", message):
        raise PermissionDeniedError(_("只能阅读本人的消息。"))
    if message.read_at is None:
        # Conditional: the first reading is the one kept, whichever of two tabs was first.
        now = timezone.now()
        Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=now)
        message.refresh_from_db(fields=["read_at"])
    return message


def inbox_mark_all_read(*, user) -> int:
    return messages_visible_to(user).filter(read_at__isnull=True).update(read_at=timezone.now())
