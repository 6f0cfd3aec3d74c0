"""``{% load formatting %}``: the filters of core/formatting.py for templates.

``{{ amount|money }}`` → "620,000.00 元", ``{{ amount|money:"" }}`` → "620,000.00" (no unit),
``{{ amount|money_wan }}`` → "62.00 万元", ``{{ fraction|share }}`` → "50.0%",
``{{ points|percent }}`` → "-23.2%", ``{{ points|signed_percent }}`` → "+30.0%".
Blank or None gives "" (add ``|default:"—"`` where a page wants a dash).
``{% translate "截止时间" %}{% colon %}…`` writes the label separator of the page's language: "：" in Chinese,
": " in English (a Chinese colon inside an English sentence reads as a typo).
``{{ region.name|translated_name }}``: a name stored as data (county-level unit, industry, category, material)
in the page's language (core/i18n.py).
Registered for every template in settings.TEMPLATES["OPTIONS"]["libraries"].
"""

from django import template
from django.utils.translation import get_language

from core import formatting, i18n

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


@register.simple_tag
def colon():
    return "：" if (get_language() or "zh-hans").startswith("zh") else ": "


@register.filter
def translated_name(value):
    return i18n.translated_name(value)
