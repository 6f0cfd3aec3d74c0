"""Reads behind two of the city's actions: the experts still without a password (the bulk set-password links)
and whether a panel may be redrawn (nobody has declared or scored) and who was told of it."""

from __future__ import annotations

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.utils.translation import ngettext

from evaluation.models import Assignment, Panel
from evaluation.selectors import experts_list
from notifications.models import Message


def experts_without_password():
    """The pool's active experts whose active account has no usable password yet (created or imported without
    one): the recipients of the bulk set-password action."""
    return experts_list().filter(active=True, user__is_active=True, user__password__startswith=UNUSABLE_PASSWORD_PREFIX)


def panel_redraw_refusal(panel: Panel) -> str | None:
    """Why the panel can no longer be redrawn — an expert has declared (no conflict, or a conflict) or scored —
    or None while every assignment still waits for its declaration."""
    acted = panel.assignments.exclude(state=Assignment.State.ASSIGNED, declared_at__isnull=True).count()
    if acted:
        return ngettext(
            "已有 %(n)s 项评审任务作出声明或评分，不能重新抽取。",
            "已有 %(n)s 项评审任务作出声明或评分，不能重新抽取。",
            acted,
        ) % {"n": acted}
    return None


def notified_of_panel(panel: Panel) -> set[int]:
    """The users sent an assignment message of the panel (evaluation.messages.assignments_given)."""
    return set(
        Message.objects.filter(
            kind="evaluation.assigned", object_type=panel._meta.label_lower, object_id=str(panel.pk)
        ).values_list("recipient_id", flat=True)
    )
