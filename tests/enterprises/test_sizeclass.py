"""划型 after 工信部联企业〔2011〕300号, every row at and around each bound.

The expected table is copied here by hand from ../shared/docs/domain.md §2 (in 万元), independently of the
table in enterprises/sizeclass.py.
"""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enterprises.sizeclass import INDUSTRIES, classify

# industry: (upper bounds, 中型 lower bounds, 小型 lower bounds); X people, Y revenue 万元, Z assets 万元
DOMAIN_TABLE = {
    "agriculture": ({"Y": 20000}, {"Y": 500}, {"Y": 50}),
    "industry": ({"X": 1000, "Y": 40000}, {"X": 300, "Y": 2000}, {"X": 20, "Y": 300}),
    "construction": ({"Y": 80000, "Z": 80000}, {"Y": 6000, "Z": 5000}, {"Y": 300, "Z": 300}),
    "wholesale": ({"X": 200, "Y": 40000}, {"X": 20, "Y": 5000}, {"X": 5, "Y": 1000}),
    "retail": ({"X": 300, "Y": 20000}, {"X": 50, "Y": 500}, {"X": 10, "Y": 100}),
    "transport": ({"X": 1000, "Y": 30000}, {"X": 300, "Y": 3000}, {"X": 20, "Y": 200}),
    "warehousing": ({"X": 200, "Y": 30000}, {"X": 100, "Y": 1000}, {"X": 20, "Y": 100}),
    "postal": ({"X": 1000, "Y": 30000}, {"X": 300, "Y": 2000}, {"X": 20, "Y": 100}),
    "accommodation": ({"X": 300, "Y": 10000}, {"X": 100, "Y": 2000}, {"X": 10, "Y": 100}),
    "catering": ({"X": 300, "Y": 10000}, {"X": 100, "Y": 2000}, {"X": 10, "Y": 100}),
    "information_transmission": ({"X": 2000, "Y": 100000}, {"X": 100, "Y": 1000}, {"X": 10, "Y": 100}),
    "software_it": ({"X": 300, "Y": 10000}, {"X": 100, "Y": 1000}, {"X": 10, "Y": 50}),
    "real_estate_development": ({"Y": 200000, "Z": 10000}, {"Y": 1000, "Z": 5000}, {"Y": 100, "Z": 2000}),
    "property_management": ({"X": 1000, "Y": 5000}, {"X": 300, "Y": 1000}, {"X": 100, "Y": 500}),
    "leasing_business_services": ({"X": 300, "Z": 120000}, {"X": 100, "Z": 8000}, {"X": 10, "Z": 100}),
    "other": ({"X": 300}, {"X": 100}, {"X": 10}),
}
EPSILON = {"X": 1, "Y": Decimal("0.000001"), "Z": Decimal("0.000001")}  # one person, one fen (0.01 yuan in 万元)


def to_args(values):
    """{'X': people, 'Y': 万元, 'Z': 万元} -> classify() arguments in people and yuan (other figures huge/irrelevant)."""
    return (
        values.get("X", 10**6),
        Decimal(values["Y"]) * 10000 if "Y" in values else Decimal(10) ** 13,
        Decimal(values["Z"]) * 10000 if "Z" in values else Decimal(10) ** 13,
    )


def minus(values, key):
    lowered = dict(values)
    lowered[key] = values[key] - EPSILON[key]
    return lowered


def cases():
    for industry, (upper, medium, small) in DOMAIN_TABLE.items():
        yield industry, "all at 小型 bounds", small, "small"
        yield industry, "all at 中型 bounds", medium, "medium"
        yield industry, "all at upper bounds", upper, "large"
        for key in small:
            yield industry, f"{key} just under 小型", minus(small, key), "micro"
        for key in medium:
            yield industry, f"{key} just under 中型", minus(medium, key), "small"
        for key in upper:
            yield industry, f"{key} just under upper", minus(upper, key), "medium"


def test_the_sixteen_rows_in_order():
    assert [code for code, _label in INDUSTRIES] == list(DOMAIN_TABLE)
    assert len(INDUSTRIES) == 16


@pytest.mark.parametrize(("industry", "case", "values", "expected"), list(cases()))
def test_bounds(industry, case, values, expected):
    result = classify(industry, *to_args(values))
    assert result.size_class == expected, (case, result.reason)
    assert result.reason


def test_hanjiang_manufacturer_is_small_and_says_why():
    result = classify("industry", 85, Decimal("26000000"), None)
    assert result.size_class == "small"
    assert "从业人员85人，低于中型下限300人" in result.reason
    assert "营业收入2600万元，达到小型下限300万元" in result.reason


def test_micro_names_the_indicator():
    result = classify("industry", 19, Decimal("26000000"), None)
    assert result.size_class == "micro"
    assert "从业人员19人，低于小型下限20人" in result.reason


def test_one_indicator_under_the_upper_bound_is_enough_for_sme():
    # 工业: 5000 staff but revenue 39,999.99万 → still 中小微 (and 中型 by its lower bounds).
    assert classify("industry", 5000, Decimal("399999999.99"), None).size_class == "medium"
    assert classify("industry", 999, Decimal("10") ** 12, None).size_class == "medium"
    assert classify("industry", 1000, Decimal("400000000"), None).size_class == "large"


def test_missing_figure_gives_unknown_with_reason():
    result = classify("construction", None, Decimal("1"), None)
    assert result.size_class == "unknown"
    assert "营业收入" not in result.reason.split("缺少")[1] and "资产总额" in result.reason
    assert classify("industry", 50, Decimal("5000000"), None).size_class == "small"  # assets not needed


def test_unknown_industry_is_an_error():
    with pytest.raises(ValueError):
        classify("mining", 1, 1, 1)


ORDER = {"micro": 0, "small": 1, "medium": 2, "large": 3}
industries = st.sampled_from([code for code, _label in INDUSTRIES])
people = st.integers(min_value=0, max_value=5000)
money = st.decimals(min_value=0, max_value=Decimal("5e9"), places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(industries, people, money, money, st.integers(min_value=0, max_value=3000), money)
def test_more_staff_or_revenue_or_assets_never_gives_a_smaller_class(industry, x, y, z, dx, dy):
    base = ORDER[classify(industry, x, y, z).size_class]
    assert ORDER[classify(industry, x + dx, y, z).size_class] >= base
    assert ORDER[classify(industry, x, y + dy, z).size_class] >= base
    assert ORDER[classify(industry, x, y, z + dy).size_class] >= base
