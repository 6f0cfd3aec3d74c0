"""core.jsonsafe: JSON and form values the database cannot hold are refused with the field's path (issue 11 §1–2)."""

import json
from decimal import Decimal

import pytest
from django.http import QueryDict

from core import jsonsafe
from core.jsonsafe import MAX_DEPTH, InvalidJSON, UnsafeInput, loads


def refused(body, **kwargs):
    with pytest.raises(UnsafeInput) as caught:
        loads(body, **kwargs)
    return caught.value.errors


def test_ordinary_json_passes_unchanged():
    body = {"data": {"name": "甲企业", "rows": [{"amount": 1.5, "n": 3, "ok": True, "x": None}]}, "version": 2}
    assert loads(json.dumps(body, ensure_ascii=False).encode()) == body
    assert loads('"😀 \\ud83d\\ude00"') == "😀 😀"  # a surrogate *pair* is one character: accepted


def test_decimal_mode_keeps_money_exact():
    assert loads(b'{"revenue": 500000.01, "n": 3}', decimal=True) == {"revenue": Decimal("500000.01"), "n": 3}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"data": {"name": "\\ud800"}}', "data.name"),
        ('{"data": {"name": "a\\udfffb"}}', "data.name"),
        ('{"data": {"rows": [{"x": "ok"}, {"x": "\\u0000"}]}}', "data.rows.1.x"),
        ('"\\ud800"', None),
    ],
)
def test_lone_surrogates_and_nul_are_refused_with_their_path(body, field):
    (error,) = refused(body)
    assert error["field"] == field
    assert "代理项" in error["message"] or "空字符" in error["message"]


def test_a_bad_key_is_named_without_repeating_the_bad_character():
    (error,) = refused('{"data": {"\\ud800": 1}}')
    assert error["field"] == "data" and error["message"].startswith("字段名")
    errors = refused('{"data": {"\\ud800": {"x": "\\u0000"}}}')
    assert [e["field"] for e in errors] == ["data", "data.\ufffd.x"]
    json.dumps(errors, ensure_ascii=False).encode()  # the answer itself must be encodable


def test_raw_surrogate_bytes_are_refused_like_the_escape():
    (error,) = refused(b'{"name": "\xed\xa0\x80"}')
    assert error["field"] == "name"


def test_every_bad_place_is_listed_in_document_order():
    errors = refused('{"a": "\\u0000", "b": [NaN, 1], "c": {"d": "\\ud800"}}')
    assert [e["field"] for e in errors] == ["a", "b.0", "c.d"]


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1.5e309"])
@pytest.mark.parametrize("decimal", [False, True])
def test_nan_infinity_and_overflow_are_refused(number, decimal):
    (error,) = refused(f'{{"x": {{"y": {number}}}}}', decimal=decimal)
    assert error["field"] == "x.y" and "数字" in error["message"]


def test_tiny_numbers_are_not_overflow():
    assert loads('{"x": 1e-400}') == {"x": 0.0}


def test_nesting_is_limited_without_recursion():
    assert loads("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None
    (error,) = refused("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    assert error["field"] is None and str(MAX_DEPTH) in error["message"]
    refused("[" * 100_000 + "]" * 100_000)
    refused('{"a":' * 100_000 + "1" + "}" * 100_000)
    refused("[" * 100_000)  # never closed: still refused before the recursive decoder sees it


def test_brackets_inside_strings_do_not_count_as_nesting():
    text = json.dumps({"note": "[" * 1000 + '\\"{' * 500})
    assert loads(text)["note"].startswith("[[[")


def test_a_wide_shallow_body_is_accepted():
    rows = [[i, [i]] for i in range(20_000)]
    assert loads(json.dumps(rows)) == rows


@pytest.mark.parametrize("body", [b"", b"{", b"{'a': 1}", b"\xff\xfe\xfd", b"[1,]"])
def test_what_is_not_json_is_invalid_json_400(body):
    with pytest.raises(InvalidJSON) as caught:
        loads(body)
    assert caught.value.status == 400 and caught.value.message == "请求体不是有效的 JSON。"


def test_the_errors_are_capped():
    errors = refused(json.dumps(["\x00"] * 500))
    assert len(errors) == jsonsafe.MAX_ERRORS


def test_form_values_keys_and_file_names_are_checked_by_key():
    jsonsafe.check_querydict(QueryDict("a=1&b=%E7%94%B2"))
    with pytest.raises(UnsafeInput) as caught:
        jsonsafe.check_querydict(QueryDict("summary=ok&investments.0.supplier=a%00b&x%00=1"))
    assert [e["field"] for e in caught.value.errors] == ["investments.0.supplier", "x\ufffd"]

    class Named:
        name = "证据\x00.pdf"

    files = QueryDict(mutable=True)
    files.setlist("files", [Named()])
    with pytest.raises(UnsafeInput) as caught:
        jsonsafe.check_querydict(QueryDict(), files=files)
    assert caught.value.errors[0]["field"] == "files" and caught.value.errors[0]["message"].startswith("文件名")


def test_an_escaped_backslash_before_u0000_is_text_not_nul():
    assert loads(r'{"a": "\\u0000 \\ud800"}') == {"a": "\\u0000 \\ud800"}


def test_raw_surrogate_characters_in_text_are_refused():
    (error,) = refused('{"a": ["ok", "\ud800"]}')
    assert error["field"] == "a.1"
