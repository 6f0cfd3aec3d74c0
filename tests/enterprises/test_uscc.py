import pytest
from django.template import Context, Template
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from enterprises.uscc import (
    InvalidCreditCode,
    normalise,
    outside_yangzhou_hint,
    registration_authority_region,
    with_check_character,
)

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@pytest.mark.parametrize("code", ["91110000600037341L", "91110000710926094P", "91320214745555318W"])
def test_published_valid_codes(code):
    assert normalise(code) == code
    assert normalise(" " + code.lower() + " ") == code
    assert normalise(f"{code[:2]} {code[2:8]}-{code[8:]}") == code


@pytest.mark.parametrize(
    ("code", "reason", "words"),
    [
        ("91110000600037341N", "checksum", "校验位"),
        ("9111000060003IOZSV", "format", "I、O、S、V、Z"),
        ("A1110000600037341L", "format", "前8位应为数字"),
        ("9111", "length", "当前为4位"),
        ("", "length", "请填写"),
    ],
)
def test_invalid_codes_say_why(code, reason, words):
    with pytest.raises(InvalidCreditCode) as exc:
        normalise(code)
    assert exc.value.reason == reason and words in exc.value.message


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=ALPHABET + "IOSVZ -abc", min_size=0, max_size=20))
def test_agrees_with_stdnum_on_any_input(text):
    try:
        ours = normalise(text)
    except InvalidCreditCode:
        ours = None
    assert ours == (stdnum_uscc.validate(text) if stdnum_uscc.is_valid(text) else None)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789", min_size=8, max_size=8), st.text(alphabet=ALPHABET, min_size=9, max_size=9))
def test_valid_codes_built_with_stdnum_pass(head, tail):
    code = with_check_character(head + tail)
    assert stdnum_uscc.is_valid(code)
    assert normalise(code) == code


@pytest.mark.parametrize(
    "code, region",
    [("91110000600037341L", "110000"), ("91320214745555318W", "320214"), ("91320000MA1MDM1A2R", "320000")],
)
def test_codes_issued_outside_yangzhou_give_a_hint(code, region):
    hint = outside_yangzhou_hint(code)
    assert region in hint and "3210xx" in hint and "注册地和纳税地" in hint
    assert region in outside_yangzhou_hint(code, for_reviewer=True) and "请核对" in outside_yangzhou_hint(
        code, for_reviewer=True
    )


@pytest.mark.parametrize("code", ["91321003MA1MDM1A2R", "91321000MA1MDM1A2R", "91321011MA1MDM1A2R", "", "9132", None])
def test_codes_issued_in_yangzhou_or_unreadable_give_none(code):
    assert outside_yangzhou_hint(code) is None


def test_registration_authority_region():
    assert registration_authority_region("91321012ma1jd0u11j") == "321012"
    assert registration_authority_region("A1B2C3D4E5") is None


def test_the_reviewer_reads_the_hint_through_a_template_filter():
    template = Template('{% load enterprise_tags %}[{{ code|outside_yangzhou_hint:"reviewer" }}]')
    assert (
        template.render(Context({"code": "91110000600037341L"}))
        == f"[{outside_yangzhou_hint('91110000600037341L', for_reviewer=True)}]"
    )
    assert template.render(Context({"code": "91321003MA1MDM1A2R"})) == "[]"
