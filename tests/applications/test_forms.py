from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from applications import derived, forms
from applications.forms import DEMONSTRATION, NEW_PRODUCT, parse_post, resolve, validate
from tests.applications.core_helpers import as_post, demonstration_data, make_call, new_product_data


@pytest.mark.django_db
def test_complete_demo_data_is_valid_for_submission():
    call = make_call()
    for definition, data in [(DEMONSTRATION, demonstration_data()), (NEW_PRODUCT, new_product_data())]:
        definition = resolve(definition, year=call.year)
        clean, errors = validate(definition, data, call=call, for_submission=True)
        assert errors == []
        assert validate(definition, clean, call=call, for_submission=True) == (clean, [])


@pytest.mark.django_db
def test_post_round_trip():
    call = make_call()
    for definition, data in [(DEMONSTRATION, demonstration_data()), (NEW_PRODUCT, new_product_data())]:
        definition = resolve(definition, year=call.year)
        clean, _ = validate(definition, data, call=call)
        again, errors = validate(definition, parse_post(definition, as_post(definition, clean)), call=call)
        assert errors == [] and again == clean


@pytest.mark.parametrize(
    "amount, message",
    [
        ("-1", "不能为负数"),
        ("abc", "金额数字"),
        ("1.234", "两位小数"),
        ("1e5", "金额数字"),
        ("9999999999999", "超出上限"),
    ],
)
def test_bad_amounts(amount, message):
    data = {"investments": [{"amount_yuan": amount}]}
    _clean, errors = validate(DEMONSTRATION, data)
    assert any(message in e["message"] and e["field"] == "investments.0.amount_yuan" for e in errors)
    assert "「投入清单」第 1 行的“金额（元）”" in errors[0]["message"]


def test_amounts_are_normalised_to_two_places():
    clean, errors = validate(DEMONSTRATION, {"investments": [{"amount_yuan": "120,000"}]})
    assert errors == [] and clean["investments"][0]["amount_yuan"] == "120000.00"


def test_float_amounts_are_refused():
    _clean, errors = validate(DEMONSTRATION, {"investments": [{"amount_yuan": 0.1}]})
    assert errors and errors[0]["field"] == "investments.0.amount_yuan"


def test_required_only_for_submission():
    _c, draft_errors = validate(DEMONSTRATION, {})
    _c, submit_errors = validate(DEMONSTRATION, {}, for_submission=True)
    assert draft_errors == []
    assert {"summary", "areas", "investments", "sales"} <= {e["field"] for e in submit_errors}


def test_text_limit_names_the_limit():
    _c, errors = validate(DEMONSTRATION, {"summary": "字" * 20001})
    assert "最多 20000 个字" in errors[0]["message"]


def test_unknown_keys_are_structure_errors():
    with pytest.raises(forms.StructureError):
        validate(DEMONSTRATION, {"hack": 1})
    with pytest.raises(forms.StructureError):
        validate(DEMONSTRATION, {"investments": [{"amount_yuan": "1", "evil": "x"}]})
    with pytest.raises(forms.StructureError):
        validate(DEMONSTRATION, {"investments": [{"x": 1}] * 201})


@pytest.mark.django_db
def test_years_of_sales_are_the_calls_two_years():
    call = make_call()
    _c, errors = validate(DEMONSTRATION, {"sales": [{"year": 2015, "online_yuan": "1", "total_yuan": "2"}]}, call=call)
    assert "只能是 2017、2018 年" in errors[0]["message"]


def test_derived_demonstration_counts_only_the_period():
    import datetime as dt

    data = demonstration_data()
    data["investments"].append(
        dict(data["investments"][0], date="2016-12-31", invoice_no="OLD", amount_yuan="999999.00")
    )
    data["investments"].append(dict(data["investments"][0], date="2019-01-01", invoice_no="NEW", amount_yuan="1.00"))
    figures = derived.demonstration_figures(data, period=(dt.date(2017, 1, 1), dt.date(2018, 12, 31)))
    assert figures["investment_total_yuan"] == "554000.00"
    assert figures["investments_outside_period"] == 2
    assert figures["investment_by_year_yuan"] == {"2017": "336000.00", "2018": "218000.00"}
    assert figures["investment_by_area_yuan"] == {"production_control": "456000.00", "sales_operations": "98000.00"}
    assert figures["management_software_kinds"] == ["ERP", "MES"]
    assert figures["online_sales_share"] == "0.5792"
    facts = derived.demonstration_facts(figures)
    assert facts.investment_yuan == Decimal("554000.00") and facts.online_sales_share == Decimal("0.5792")


def test_derived_new_product():
    figures = derived.new_product_figures(new_product_data())
    assert figures["rd_investment_total_yuan"] == "370000.00"
    assert figures["patents"] == 2 and figures["ip_owned"] is True
    assert figures["comparison"]["operating_cost"]["change_percent"] == "-22.0"
    facts = derived.new_product_facts(figures)
    assert facts.comparison["defect_rate"] == (Decimal("2.0"), Decimal("1.2"))


def test_software_copyright_is_not_a_patent():
    data = new_product_data()
    for row in data["ip"]:
        row["type"] = "software_copyright"
    assert derived.new_product_figures(data)["patents"] == 0


@given(st.lists(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False), max_size=8))
def test_total_is_the_sum_of_valid_rows(amounts):
    import datetime as dt

    rows = [{"date": "2018-01-01", "amount_yuan": str(a), "area": "rd_design"} for a in amounts]
    figures = derived.demonstration_figures({"investments": rows}, period=(dt.date(2017, 1, 1), dt.date(2018, 12, 31)))
    assert Decimal(figures["investment_total_yuan"]) == sum(amounts, Decimal("0"))


def test_json_schema_lists_sections_and_is_closed():
    schema = forms.json_schema(NEW_PRODUCT)
    assert schema["additionalProperties"] is False
    assert [s["key"] for s in schema["x-sections"]] == ["product", "sales", "comparison", "technology", "ip"]
    assert schema["properties"]["ip"]["items"]["properties"]["type"]["enum"] == [
        "invention", "utility_model", "design", "software_copyright"
    ]  # fmt: skip
