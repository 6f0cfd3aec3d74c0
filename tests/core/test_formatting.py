"""One way to write money and shares (core/formatting.py): the pages, the PDF and the messages use it."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from core.formatting import BLANK, money, money_wan, number, percent, share, to_decimal


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("620000"), "620,000.00 元"),
        ("620000", "620,000.00 元"),
        (620000, "620,000.00 元"),
        (0, "0.00 元"),
        (Decimal("0.00"), "0.00 元"),
        (Decimal("0.004"), "0.00 元"),
        (Decimal("0.005"), "0.01 元"),  # half up, not half even
        (Decimal("0.015"), "0.02 元"),
        (Decimal("2.675"), "2.68 元"),
        (Decimal("-0.004"), "0.00 元"),  # never "-0.00"
        (Decimal("-1234.565"), "-1,234.57 元"),
        ("120,000.5", "120,000.50 元"),  # ASCII and full-width commas, spaces are ignored
        ("1，200 000", "1,200,000.00 元"),
        ("99999999999999.99", "99,999,999,999,999.99 元"),
        ("123456789012345678901234567890.125", "123,456,789,012,345,678,901,234,567,890.13 元"),  # beyond 28 digits
        ("1E+3", "1,000.00 元"),
    ],
)
def test_money(value, expected):
    assert money(value) == expected


def test_money_without_unit_and_in_wan():
    assert money("186000", unit="") == "186,000.00"
    assert money_wan(Decimal("620000")) == "62.00 万元"
    assert money_wan("500000") == "50.00 万元"
    assert money_wan("49") == "0.00 万元" and money_wan("50") == "0.01 万元"  # 0.0050 万元 rounds half up
    assert money_wan("-15000") == "-1.50 万元"
    assert money_wan("123456789012345678901234567890123.125") == "12,345,678,901,234,567,890,123,456,789.01 万元"


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_blank_is_empty(blank):
    assert BLANK == ""
    assert money(blank) == money_wan(blank) == share(blank) == percent(blank) == number(blank) == ""


def test_text_that_is_not_a_number_is_shown_as_it_is():
    assert money("abc") == "abc" and share("n/a") == "n/a" and number("1.2.3") == "1.2.3"


@pytest.mark.parametrize("value", [0.5, 1.0, True])
def test_floats_and_booleans_are_refused(value):
    with pytest.raises(TypeError):
        money(value)
    with pytest.raises(TypeError):
        to_decimal(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("0.5"), "50.0%"),
        ("0.5716", "57.2%"),
        (0, "0.0%"),
        (1, "100.0%"),
        (Decimal("0.0005"), "0.1%"),  # 0.05% rounds half up to 0.1%
        (Decimal("0.00049"), "0.0%"),
        (Decimal("-0.25"), "-25.0%"),
    ],
)
def test_share_is_a_fraction_written_with_one_decimal(value, expected):
    assert share(value) == expected


def test_percent_and_signed_percent():
    assert percent("-23.25") == "-23.3%" and percent("23.25") == "23.3%"
    assert percent("30", signed=True) == "+30.0%" and percent("-20", signed=True) == "-20.0%"
    assert percent("0", signed=True) == "0.0%" and percent("-0.01", signed=True) == "0.0%"
    assert share("0.5", signed=True) == "+50.0%"


def test_number_keeps_what_was_given_without_trailing_zeros():
    assert number("90.50") == "90.5" and number("1250.00") == "1250" and number("1E+2") == "100"
    assert number(Decimal("-0.0")) == "0" and number("0.005") == "0.005"


def test_to_decimal():
    assert to_decimal("1,234.5") == Decimal("1234.5") and to_decimal(7) == Decimal(7) and to_decimal(None) is None
    with pytest.raises(ValueError):
        to_decimal("12a")


def test_template_filters():
    template = Template(
        "{% load formatting %}{{ a|money }}|{{ a|money:'' }}|{{ a|money_wan }}|{{ s|share }}|{{ p|percent }}|"
        "{{ p|signed_percent }}|{{ none|money|default:'—' }}"
    )
    rendered = template.render(Context({"a": "620000", "s": "0.5", "p": "30", "none": None}))
    assert rendered == "620,000.00 元|620,000.00|62.00 万元|50.0%|30.0%|+30.0%|—"
