"""Input the database cannot hold, refused before anything is stored: one check for JSON bodies and form posts.

Python's json module accepts JSON that neither SQLite nor PostgreSQL can keep: a lone surrogate (``"\\ud800"``,
unencodable as UTF-8: stored on SQLite, every later read of the row fails), NUL (``"\\u0000"``, refused by
PostgreSQL's text and jsonb), ``NaN``/``Infinity`` and numbers that overflow to infinity (``1e400``), and
nesting deep enough to exhaust the recursion limit. ``loads`` is the one JSON reader of request bodies: the
API's parser (``shenbao.api_input``) and the endpoints that read ``request.body`` themselves call it; the form
posts and query strings of every page go through ``check_querydict`` (``core.hostile``).

A refusal is an ``UnsafeInput`` (a ``DomainError``, 422) that lists every place found, each with its JSON path
(``data.investments.0.supplier``) or form field name as ``field``; nothing in the answer repeats the bad
character itself (a lone surrogate would break the JSON answer too).
"""

from __future__ import annotations

import json
import math
import re
from array import array
from decimal import Decimal
from itertools import accumulate
from typing import Any

from django.utils.translation import gettext as _

from core.errors import DomainError

# Deeper than any body the API takes (application data: 4 levels) by far; the scan below is iterative, so no
# body reaches the recursive json decoder (or pydantic, or merge_patch) deeper than this.
MAX_DEPTH = 64
# Enough to see what is wrong; a body with a million bad strings does not get a million errors back.
MAX_ERRORS = 20

_BAD_CHARS = re.compile("[\x00\ud800-\udfff]")
# The escapes that decode to NUL or a surrogate (raw NUL is not JSON; raw surrogates are seen while decoding).
# An escaped backslash before "u0000" matches too: it only costs the walk.
_SUSPECT_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")
_RAW_SURROGATE = re.compile("[\ud800-\udfff]")
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")  # as signed bytes: +1, -1
_NOT_BRACKET_BYTES = bytes(b for b in range(256) if b not in b"[{]}")
_OPEN, _PAIR = b"\x01", b"\x01\xff"


class UnsafeInput(DomainError):
    """The input holds what cannot be stored. 422; ``errors`` names every field."""


class InvalidJSON(DomainError):
    """Not JSON at all (as ninja answers it: 400, with the message in Chinese)."""

    status = 400


class _BadNumber:
    """What the decoder returns for NaN, ±Infinity or an overflowing number, so that the walk can name its path."""

    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text


def _too_deep(text: str) -> bool:
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return False  # the usual body: nothing to scan
    # Brackets inside strings do not nest; the others become +1 and -1 (one bytes.translate, which also drops
    # everything else: no UTF-8 sequence holds an ASCII byte), and the deepest point is the largest running sum
    # (C loops, no recursion). A run of opening brackets, the usual attack, is seen at once; a wide, shallow body
    # (many short lists) first loses its innermost pairs, one level a pass, in a few passes.
    outside = _JSON_STRING.sub("", text).encode("utf-8", "surrogatepass")
    steps = outside.translate(_STEPS, _NOT_BRACKET_BYTES)
    if _OPEN * (MAX_DEPTH + 1) in steps:
        return True
    passes = 0
    while steps and passes < 4:
        shorter = steps.replace(_PAIR, b"")
        if len(shorter) == len(steps):
            break
        steps, passes = shorter, passes + 1
    return passes + max(accumulate(array("b", steps)), default=0) > MAX_DEPTH


def _float(text: str, *, decimal: bool):
    if math.isinf(float(text)):
        return _BadNumber(text)
    return Decimal(text) if decimal else float(text)


def _segment(key) -> str:
    return _BAD_CHARS.sub("\ufffd", str(key))


def _join(path: str, key) -> str:
    return f"{path}.{_segment(key)}" if path else _segment(key)


def text_problem(text: str) -> str | None:
    """The message for a string the database cannot hold, or None."""
    found = _BAD_CHARS.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return _("不能包含空字符（U+0000），请删除后重试。")
    return _("含有无效的字符（不成对的 UTF-16 代理项），请删除后重试。")


def problems(value: Any, path: str = "") -> list[dict]:
    """Every string, key and number in `value` that cannot be stored, as {"field", "message"} (iterative)."""
    found = []
    stack = [(path, value)]
    while stack and len(found) < MAX_ERRORS:
        where, item = stack.pop()
        if isinstance(item, str):
            message = text_problem(item)
            if message:
                found.append({"field": where or None, "message": message})
        elif isinstance(item, _BadNumber) or (isinstance(item, float) and not math.isfinite(item)):
            found.append(
                {"field": where or None, "message": _("不是有效的数字（不接受 NaN、Infinity 或超出范围的数值）。")}
            )
        elif isinstance(item, dict):
            for key, child in reversed(list(item.items())):
                message = text_problem(key) if isinstance(key, str) else None
                if message:  # named by the object that holds it (the key itself cannot be repeated)
                    found.append({"field": where or None, "message": _("字段名%(problem)s") % {"problem": message}})
                stack.append((_join(where, key), child))
        elif isinstance(item, list | tuple):
            stack.extend((_join(where, i), child) for i, child in reversed(list(enumerate(item))))
    return found[:MAX_ERRORS]


def check(value: Any, path: str = "") -> Any:
    """`value` unchanged, or UnsafeInput naming every place that cannot be stored."""
    found = problems(value, path)
    if found:
        raise UnsafeInput(found[0]["message"], errors=found)
    return value


def loads(body: bytes | str, *, decimal: bool = False) -> Any:
    """json.loads for request bodies: InvalidJSON (400) for what is not JSON, UnsafeInput (422) for JSON that
    cannot be stored (NaN, Infinity, overflowing numbers, NUL, lone surrogates, nesting over MAX_DEPTH).
    `decimal=True`: numbers with a fraction or exponent as Decimal (money), else float."""
    text, raw_surrogates = body, False
    if isinstance(body, bytes | bytearray):
        encoding = json.detect_encoding(body)
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError:
            raw_surrogates = True  # as json.loads decodes bytes: surrogates pass, so that the walk can name them
            try:
                text = body.decode(encoding, "surrogatepass")
            except UnicodeDecodeError as exc:
                raise InvalidJSON(_("请求体不是有效的 JSON。")) from exc
    else:
        raw_surrogates = bool(_RAW_SURROGATE.search(text))
    if _too_deep(text):
        raise UnsafeInput(_("嵌套层数过多（最多 %(n)s 层）。") % {"n": MAX_DEPTH})
    bad_numbers = []

    def constant(name):
        bad_numbers.append(name)
        return _BadNumber(name)

    def number(text):
        value = _float(text, decimal=decimal)
        if isinstance(value, _BadNumber):
            bad_numbers.append(text)
        return value

    try:
        value = json.loads(text, parse_constant=constant, parse_float=number)
    except (ValueError, RecursionError) as exc:  # RecursionError: unreachable after the scan; kept as a net
        raise InvalidJSON(_("请求体不是有效的 JSON。")) from exc
    if not (bad_numbers or raw_surrogates or ("\\u" in text and _SUSPECT_ESCAPE.search(text))):
        return value  # the usual body: no bad number decoded, no surrogate, no escape that decodes to NUL or one
    return check(value)


def check_querydict(data, *, files=None) -> None:
    """A form post's or query string's keys and values (and uploaded file names), each named by its key."""
    found = []
    for key, values in data.lists():
        message = text_problem(key)
        if message:
            found.append({"field": _segment(key), "message": _("字段名%(problem)s") % {"problem": message}})
        for value in values:
            message = text_problem(value) if isinstance(value, str) else None
            if message:
                found.append({"field": _segment(key), "message": message})
                break
    for key, uploaded in files.lists() if files is not None else ():
        for item in uploaded:
            message = text_problem(getattr(item, "name", "") or "")
            if message:
                found.append({"field": _segment(key), "message": _("文件名%(problem)s") % {"problem": message}})
                break
    if found:
        raise UnsafeInput(found[0]["message"], errors=found[:MAX_ERRORS])
