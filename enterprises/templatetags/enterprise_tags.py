"""Template filters of the enterprises app: ``{% load enterprise_tags %}``."""

from django import template

from enterprises.uscc import outside_yangzhou_hint as _outside_yangzhou_hint

register = template.Library()


@register.filter
def outside_yangzhou_hint(uscc, audience=""):
    """``{{ uscc|outside_yangzhou_hint }}`` for the enterprise, ``…:"reviewer"`` for the county reviewer; ""
    when the code was issued in Yangzhou (enterprises.uscc.outside_yangzhou_hint)."""
    return _outside_yangzhou_hint(str(uscc or ""), for_reviewer=audience == "reviewer") or ""
