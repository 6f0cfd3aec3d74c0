"""{% idle_warning %}: the idle-session warning's script on pages of a staff session opened with a password
(accounts/middleware.py ends such a session after 30 idle minutes; static/js/idle.js warns 2 minutes before)."""

from django import template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html

from accounts import two_factor

register = template.Library()


@register.simple_tag(takes_context=True)
def idle_warning(context):
    request = context.get("request")
    session = getattr(request, "session", None)
    if session is None or not session.get(two_factor.REQUIRED_SESSION_KEY):
        return ""
    return format_html(
        '<script src="{}" defer></script><script src="{}" defer data-idle-seconds="{}" data-warn-seconds="{}"'
        ' data-keepalive-url="{}"></script>',
        reverse("javascript-catalog"),
        static("js/idle.js"),
        int(two_factor.IDLE_TIMEOUT.total_seconds()) - two_factor.ACTIVITY_RESOLUTION_SECONDS,
        int(two_factor.IDLE_WARNING.total_seconds()),
        reverse("accounts:keepalive"),
    )
