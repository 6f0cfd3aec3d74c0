"""``{% load formatting %}``: the filters of core/formatting.py for templates.

``{{ amount|money }}`` → "620,000.00 元", ``{{ amount|money:"" }}`` → "620,000.00" (no unit),
``{{ amount|money_wan }}`` → "62.00 万元", ``{{ fraction|share }}`` → "50.0%",
``{{ points|percent }}`` → "-23.2%", ``{{ points|signed_percent }}`` → "+30.0%".
Blank or None gives "" (add ``|default:"—"`` where a page wants a dash).
Registered for every template in settings.TEMPLATES["OPTIONS"]["libraries"].
"""

from django import template

from core import formatting

register = template.Library()


@register.filter
def money(value, unit=formatting.YUAN):
    return formatting.money(value, unit=unit)


@register.filter
def money_wan(value):
    return formatting.money_wan(value)


@register.filter
def share(value):
    return formatting.share(value)


@register.filter
def percent(value):
    return formatting.percent(value)


@register.filter
def signed_percent(value):
    return formatting.percent(value, signed=True)
