from django import template

from notifications.selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def inbox_unread_count(context):
    """The signed-in user's unread messages, for the header badge (one COUNT on an indexed column)."""
    user = context.get("user")
    return unread_count(user) if user is not None else 0
