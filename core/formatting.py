"""How figures are written for people: money and shares, the same on the pages, in the PDF and in messages.

Rules (one each, used everywhere):
- **Money**: thousands separators and two decimals, rounded half up, followed by the unit as the notice
  writes it: ``money(Decimal("620000"))`` → ``"620,000.00 元"``, ``money_wan(Decimal("620000"))`` →
  ``"62.00 万元"``. ``unit=""`` leaves the unit out (a table column headed "金额（元）"). The unit follows the
  language: "620,000.00 CNY" in English, where 万元 has no word, so ``money_wan`` writes yuan there.
- **Shares and percentages**: one decimal place, rounded half up: ``share(Decimal("0.5"))`` → ``"50.0%"``
  (a fraction 0..1), ``percent(Decimal("-23.2"), signed=True)`` → ``"-23.2%"`` (a value already in percent);
  ``signed=True`` writes ``+`` before a positive value.
- **Plain numbers** (``number``): as given, without trailing zeros or exponent: ``Decimal("90.50")`` → ``"90.5"``.

Input is a ``Decimal``, an ``int`` or a numeric string (``"620,000.5"``: ASCII or full-width commas and spaces
are ignored) — never a ``float`` (a ``TypeError``: binary fractions have no place in money).
``None`` and blank strings give ``BLANK`` (the empty string), so a paper form keeps an empty cell and a page
can say ``{{ value|money|default:"—" }}``; any other text that is not a number is returned unchanged, so
nothing that was submitted is hidden. Templates: ``{% load formatting %}`` (core/templatetags/formatting.py).
"""

from __future__ import annotations

import re
from decimal import MAX_PREC, ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext

from django.utils.translation import get_language, gettext

BLANK = ""
CENT = Decimal("0.01")
TENTH = Decimal("0.1")
HUNDRED = Decimal(100)
YUAN, WAN_YUAN = "元", "万元"
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_EXACT = Context(prec=MAX_PREC)  # scaling by a power of ten never rounds
_IGNORED = str.maketrans("", "", ",， \u00a0")


def to_decimal(value) -> Decimal | None:
    """The value as a Decimal; None when blank; raises ValueError for text that is not a number."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"{type(value).__name__} is not accepted for figures: use Decimal, int or str")
    if isinstance(value, int):
        return Decimal(value)
    text = str(value).strip().translate(_IGNORED)
    if not text:
        return None
    if not _NUMBER.fullmatch(text):
        raise ValueError(f"not a number: {value!r}")
    return Decimal(text)


def _round(number: Decimal, step: Decimal) -> Decimal:
    try:
        rounded = number.quantize(step, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than the default context holds (a huge figure)
        with localcontext() as ctx:
            ctx.prec = max(ctx.prec, number.adjusted() + 10)
            rounded = number.quantize(step, rounding=ROUND_HALF_UP)
    return rounded if rounded else abs(rounded)  # no "-0.00"


def _format(value, render):
    try:
        number = to_decimal(value)
    except ValueError:
        return str(value)
    if number is None or not number.is_finite():
        return BLANK if number is None else str(value)
    return render(number)


def _with_unit(text: str, unit: str) -> str:
    if unit == YUAN:
        unit = gettext("元")  # "CNY" in English
    return f"{text} {unit}" if unit else text


def _chinese() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


def money(value, *, unit: str = YUAN) -> str:
    """620000 → "620,000.00 元"; ``unit=""`` → "620,000.00"."""
    return _format(value, lambda n: _with_unit(f"{_round(n, CENT):,}", unit))


def money_wan(value, *, unit: str = WAN_YUAN) -> str:
    """An amount in yuan written in 万元: 620000 → "62.00 万元" (in English: "620,000.00 CNY")."""
    if unit == WAN_YUAN and not _chinese():
        return money(value)
    return _format(value, lambda n: _with_unit(f"{_round(n.scaleb(-4, _EXACT), CENT):,}", unit))


def percent(value, *, signed: bool = False) -> str:
    """A value in percent: Decimal("-23.25") → "-23.3%"; ``signed`` writes "+" before a positive one."""

    def render(n):
        rounded = _round(n, TENTH)
        return f"{'+' if signed and rounded > 0 else ''}{rounded}%"

    return _format(value, render)


def share(value, *, signed: bool = False) -> str:
    """A fraction as a percentage: Decimal("0.5") → "50.0%", "0.5716" → "57.2%"."""
    return _format(value, lambda n: percent(n * HUNDRED, signed=signed))


def number(value) -> str:
    """A plain number as given, without trailing zeros or exponent: "90.50" → "90.5", "1E+2" → "100"."""

    def render(n):
        text = format(n, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text

    return _format(value, render)


_SIZE_UNITS = (("MB", 1024 * 1024), ("KB", 1024))


def file_size(size: int, *, rounding: str = ROUND_HALF_UP) -> str:
    """A size in bytes for people: 20971520 → "20 MB", 1536 → "1.5 KB", 10 → "10 B" (binary units, at most
    two decimals, no trailing zeros). ``rounding=ROUND_UP`` for a file's own size, so that it never looks
    equal to the limit it exceeds."""
    for unit, factor in _SIZE_UNITS:
        if size >= factor:
            value = (Decimal(size) / Decimal(factor)).quantize(CENT, rounding=rounding)
            return f"{number(value)} {unit}"
    return f"{size} B"
