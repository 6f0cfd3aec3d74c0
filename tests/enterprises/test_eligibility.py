"""Every rule of the notice's section 二 at its exact boundary (Civil Code §1259: 超过 excludes, 不少于/以上 include)."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from accounts.models import Region
from accounts.regions import REGIONS
from accounts.selectors import clear_county_units, county_units
from enterprises import eligibility as el
from enterprises.eligibility import DefaultThresholds, DemonstrationFacts, EnterpriseFacts, NewProductFacts, evaluate

# The county-level units as the data migration writes them, without the database: the engine is pure.
UNITS = {code: name for code, name, kind, *_bureaus in REGIONS if kind != "city"}

REF = dt.date(2019, 5, 15)
DEMO = DefaultThresholds(code="demonstration")
NEW = DefaultThresholds(code="new_product")

ENTERPRISE = EnterpriseFacts(
    uscc="91321003MA1MDM1A2R",
    registered_region="321003",
    tax_region="321003",
    independent_legal_person=True,
    established_on=dt.date(2012, 3, 1),
    industry="industry",
    employees=85,
    revenue_yuan=Decimal("26000000"),
    assets_yuan=None,
    sound_management=True,
    good_credit=True,
    illegal_record=False,
)
DEMONSTRATION = DemonstrationFacts(
    investment_yuan=Decimal("620000"),
    areas=("production_control",),
    management_software=("ERP", "MES"),
    control_projects=0,
    online_sales_share=None,
)
COMPARISON = {
    "operating_cost": (Decimal(100), Decimal(80)),
    "development_cycle_days": (Decimal(90), Decimal(90)),
    "defect_rate": (Decimal("0.05"), Decimal("0.03")),
    "productivity": (Decimal(10), Decimal(12)),
    "energy_utilisation": (Decimal("0.8"), Decimal("0.8")),
}
NEW_PRODUCT = NewProductFacts(
    rd_investment_yuan=Decimal("300000"),
    industrialized=True,
    tech_level="domestic_leading",
    patents=1,
    ip_owned=True,
    comparison=COMPARISON,
)


@pytest.fixture(autouse=True)
def pure_units(monkeypatch):
    """The engine's default source of units is the Region table; these unit tests give it the data directly."""
    monkeypatch.setattr(el, "_units_source", lambda: UNITS)


def check(result, code):
    return next(c for c in result.checks if c.code == code)


def demo(enterprise=ENTERPRISE, category=DEMO, reference_date=REF, **changes):
    facts = dataclasses.replace(DEMONSTRATION, **changes)
    return evaluate(category, enterprise=enterprise, demonstration=facts, reference_date=reference_date)


def newp(category=NEW, **changes):
    facts = dataclasses.replace(NEW_PRODUCT, **changes)
    return evaluate(category, enterprise=ENTERPRISE, new_product=facts, reference_date=REF)


def ent(**changes):
    return dataclasses.replace(ENTERPRISE, **changes)


def test_good_cases_are_eligible():
    assert demo().eligible
    assert newp().eligible
    assert [c.code for c in demo().checks] == list(el.COMMON_CHECKS) + ["investment", "areas"]
    assert [c.code for c in newp().checks] == list(el.COMMON_CHECKS) + list(el.CATEGORY_CHECKS["new_product"])


@pytest.mark.parametrize(
    ("amount", "passed"),
    [("499999.99", False), ("500000", False), ("500000.00", False), ("500000.01", True), ("10000000", True)],
)
def test_investment_must_exceed_500000(amount, passed):
    result = demo(investment_yuan=Decimal(amount))
    c = check(result, "investment")
    assert c.passed is passed and result.eligible is passed
    assert "500,000.00 元" in c.message and f"{Decimal(amount):,.2f} 元" in c.message


def test_threshold_is_data_not_code():
    call_2019 = DefaultThresholds(code="demonstration", investment_exceeds_yuan=Decimal("600000"))
    assert not check(demo(category=call_2019, investment_yuan=Decimal("599999.99")), "investment").passed
    assert "600,000.00 元" in check(demo(category=call_2019, investment_yuan=Decimal("1")), "investment").message
    assert check(demo(category=call_2019, investment_yuan=Decimal("600000.01")), "investment").passed


@pytest.mark.parametrize(
    ("share", "passed"), [("0.4999", False), ("0.5", True), ("0.50", True), ("1", True), (None, False)]
)
def test_online_share_at_least_50_percent(share, passed):
    result = demo(areas=("sales_operations",), management_software=(), online_sales_share=share and Decimal(share))
    c = check(result, "areas")
    assert c.passed is passed
    assert "50.0%" in c.message


@pytest.mark.parametrize(
    ("software", "projects", "passed"),
    [
        (("ERP",), 0, False),
        (("ERP", "ERP"), 1, False),  # two of the same kind are one kind
        (("ERP", "CRM"), 0, True),
        ((), 2, True),
        ((), 1, False),
        (("PDM_PLM",), 1, False),
    ],
)
def test_production_control_two_software_kinds_or_two_projects(software, projects, passed):
    c = check(demo(areas=("production_control",), management_software=software, control_projects=projects), "areas")
    assert c.passed is passed
    assert "2项以上" in c.message


@pytest.mark.parametrize("area", ["rd_design", "product_service_innovation"])
def test_rd_design_and_innovation_qualify_when_claimed(area):
    c = check(demo(areas=(area,), management_software=()), "areas")
    assert c.passed and "评审" in c.message


def test_one_qualifying_area_is_enough_and_none_fails():
    assert check(
        demo(areas=("sales_operations", "production_control"), online_sales_share=Decimal("0.1")), "areas"
    ).passed
    c = check(demo(areas=(), management_software=()), "areas")
    assert not c.passed and "至少申报一个" in c.message
    both_fail = demo(
        areas=("sales_operations", "production_control"), management_software=(), online_sales_share=Decimal("0.1")
    )
    c = check(both_fail, "areas")
    assert not c.passed and "10.0%" in c.message and "0项" in c.message


@pytest.mark.parametrize(("amount", "passed"), [("299999.99", False), ("300000", True), ("300000.01", True)])
def test_rd_investment_at_least_300000(amount, passed):
    c = check(newp(rd_investment_yuan=Decimal(amount)), "rd_investment")
    assert c.passed is passed and "300,000.00 元" in c.message


@pytest.mark.parametrize(
    ("founded", "passed"),
    [(dt.date(2018, 5, 15), True), (dt.date(2018, 5, 16), False), (dt.date(2018, 5, 14), True), (None, False)],
)
def test_operating_one_full_year(founded, passed):
    c = check(demo(enterprise=ent(established_on=founded)), "operating_years")
    assert c.passed is passed
    if founded:
        assert "2018-05-15" in c.message


def test_operating_years_on_29_february():
    leap = dt.date(2020, 2, 29)
    assert check(
        demo(enterprise=ent(established_on=dt.date(2019, 2, 28)), reference_date=leap), "operating_years"
    ).passed
    assert not check(
        demo(enterprise=ent(established_on=dt.date(2019, 3, 1)), reference_date=leap), "operating_years"
    ).passed


def test_min_operating_years_is_a_threshold():
    two_years = DefaultThresholds(code="demonstration", min_operating_years=2)
    assert not check(
        demo(enterprise=ent(established_on=dt.date(2017, 5, 16)), category=two_years), "operating_years"
    ).passed
    assert check(
        demo(enterprise=ent(established_on=dt.date(2017, 5, 15)), category=two_years), "operating_years"
    ).passed


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"registered_region": "320102"}, "registered_region"),
        ({"registered_region": "321000"}, "registered_region"),
        ({"tax_region": "310101"}, "tax_region"),
        ({"independent_legal_person": False}, "independent_legal_person"),
        ({"sound_management": False}, "sound_management"),
        ({"good_credit": False}, "good_credit"),
        ({"illegal_record": True}, "no_illegal_record"),
        ({"employees": 300, "revenue_yuan": Decimal("20000000")}, "size_class"),
        ({"employees": 1000, "revenue_yuan": Decimal("400000000")}, "size_class"),
    ],
)
def test_each_common_rule_fails_alone(changes, code):
    result = demo(enterprise=ent(**changes))
    assert not result.eligible
    assert [c.code for c in result.checks if not c.passed] == [code]


@pytest.mark.parametrize("region", list(UNITS))
def test_all_nine_units_are_in_yangzhou(region):
    assert len(UNITS) == 9
    assert check(demo(enterprise=ent(registered_region=region, tax_region=region)), "registered_region").passed


def test_units_are_an_argument_of_the_engine():
    result = evaluate(DEMO, enterprise=ENTERPRISE, demonstration=DEMONSTRATION, reference_date=REF, units={})
    assert not check(result, "registered_region").passed and not check(result, "tax_region").passed
    renamed = {"321003": "新邗江区"}
    result = evaluate(DEMO, enterprise=ENTERPRISE, demonstration=DEMONSTRATION, reference_date=REF, units=renamed)
    assert check(result, "registered_region").passed and "新邗江区" in check(result, "registered_region").message


@pytest.fixture
def units_from_the_database(monkeypatch):
    monkeypatch.setattr(el, "_units_source", county_units)
    clear_county_units()
    yield
    clear_county_units()  # the rows of this test are rolled back without a signal


@pytest.mark.django_db
def test_regions_are_read_from_the_region_rows(units_from_the_database):
    assert county_units() == UNITS  # the data migration's rows
    assert not check(demo(enterprise=ent(registered_region="321099", tax_region="321099")), "tax_region").passed
    Region.objects.create(
        code="321099", name="扬州新区", kind=Region.Kind.ZONE, industry_bureau="新区经发局", finance_bureau="新区财政局"
    )
    result = demo(enterprise=ent(registered_region="321099", tax_region="321099"))
    assert check(result, "registered_region").passed and "扬州新区" in check(result, "tax_region").message
    Region.objects.filter(code="321099").delete()  # deleting a row clears the memo too
    assert "321099" not in county_units()
    assert "321000" not in county_units()  # the city itself is not a county-level unit


def test_micro_is_allowed_and_size_message_names_class():
    result = demo(enterprise=ent(employees=5))
    assert result.eligible and result.size_class == "micro"
    assert "微型" in check(result, "size_class").message


def test_allowed_size_classes_is_a_threshold():
    medium_ok = DefaultThresholds(code="demonstration", allowed_size_classes="micro,small,medium")
    assert demo(enterprise=ent(employees=300, revenue_yuan=Decimal("20000000")), category=medium_ok).eligible


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"industrialized": False}, "industrialized"),
        ({"tech_level": "other"}, "tech_level"),
        ({"patents": 0}, "patents"),
        ({"ip_owned": False}, "ip_owned"),
    ],
)
def test_each_new_product_rule_fails_alone(changes, code):
    result = newp(**changes)
    assert [c.code for c in result.checks if not c.passed] == [code]


@pytest.mark.parametrize("level", ["domestic_leading", "international_advanced"])
def test_tech_levels_that_qualify(level):
    assert check(newp(tech_level=level), "tech_level").passed


def test_patents_threshold_is_data():
    assert not check(newp(category=DefaultThresholds(code="new_product", min_patents=2)), "patents").passed


@pytest.mark.parametrize(
    ("key", "values", "passed", "words"),
    [
        ("operating_cost", (Decimal(100), Decimal(101)), False, "运营成本"),  # cost up: worse
        ("development_cycle_days", (Decimal(90), Decimal(91)), False, "产品研制周期"),
        ("defect_rate", (Decimal("0.05"), Decimal("0.06")), False, "产品不良品率"),
        ("productivity", (Decimal(10), Decimal(9)), False, "生产效率"),  # productivity down: worse
        ("energy_utilisation", (Decimal("0.8"), Decimal("0.7")), False, "能源利用率"),
        ("productivity", (Decimal(10), None), False, "缺少：生产效率"),
        ("energy_utilisation", (Decimal("0.8"), Decimal("0.9")), True, "能源利用率"),
    ],
)
def test_comparison_three_lower_two_higher(key, values, passed, words):
    comparison = dict(COMPARISON)
    comparison[key] = values
    c = check(newp(comparison=comparison), "comparison")
    assert c.passed is passed
    assert words in c.message


def test_comparison_all_equal_fails_and_missing_key_fails():
    c = check(newp(comparison={k: (Decimal(1), Decimal(1)) for k in el.INDICATORS}), "comparison")
    assert not c.passed and "至少一项优于" in c.message
    partial = {k: v for k, v in COMPARISON.items() if k != "defect_rate"}
    assert "产品不良品率" in check(newp(comparison=partial), "comparison").message


def test_missing_category_facts_fail_with_a_message_saying_so():
    result = evaluate(DEMO, enterprise=ENTERPRISE, reference_date=REF)
    assert not result.eligible
    assert {c.code for c in result.checks if not c.passed} == {"investment", "areas"}
    assert all("申报书尚未填写" in c.message for c in result.failed)
    result = evaluate(NEW, enterprise=ENTERPRISE, reference_date=REF)
    assert {c.code for c in result.failed} == set(el.CATEGORY_CHECKS["new_product"])


def test_as_dict_shape():
    data = demo().as_dict()
    assert set(data) == {"eligible", "size_class", "size_reason", "checks"}
    assert set(data["checks"][0]) == {"code", "passed", "message"}


def test_works_with_a_category_row(db):
    from tests.factories import CallFactory

    category = CallFactory().categories.get(code="demonstration")
    category.investment_exceeds_yuan = Decimal("700000")
    assert not check(demo(category=category), "investment").passed


def test_unknown_category_is_refused():
    with pytest.raises(ValueError):
        evaluate(DefaultThresholds(code="x"), enterprise=ENTERPRISE, reference_date=REF)
