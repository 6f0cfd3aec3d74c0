"""Who may read which message: its recipient, nobody else (administrators included: an inbox is personal)."""

import rules
from django.db.models import Q

from core.rules import NOTHING, object_rule


@object_rule(q=lambda user: Q(recipient_id=user.pk) if user.is_authenticated else NOTHING)
def is_recipient(user, message):
    return user.is_authenticated and message is not None and message.recipient_id == user.pk


rules.add_perm("notifications.read_message", is_recipient.predicate)


def allowed(user, perm, obj=None) -> bool:
    """The rule itself, without Django's "a superuser may do anything" shortcut of `user.has_perm`."""
    return rules.has_perm(perm, user, obj)
