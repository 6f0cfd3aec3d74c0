"""The documented request schema (enterprises.payload_schema) and the collecting parser (enterprises.payload)
accept and reject the same bodies, field by field.

Pydantic validating `EligibilityIn` is the oracle: for every leaf field of the published JSON Schema, for a set
of probe values and for arbitrary JSON values, the parser reports a problem at that field exactly when pydantic
does, except where the parser applies a business rule the schema states only in words (BUSINESS_RULES).
Likewise for leaving each field out and for adding an undeclared field to each object.
"""

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from accounts.regions import REGIONS
from core.api_errors import field_path
from enterprises.payload import parse
from enterprises.payload_schema import EligibilityIn, request_body_schema
from tests.enterprises.test_api import GOOD, NEW_PRODUCT

# The county-level units as the data migration writes them (accounts.selectors.county_units() reads them back).
UNITS = {code: name for code, name, kind, *_bureaus in REGIONS if kind != "city"}

DEMONSTRATION_BODY = copy.deepcopy(GOOD)
NEW_PRODUCT_BODY = {**copy.deepcopy(GOOD), "category": "new_product", "new_product": copy.deepcopy(NEW_PRODUCT)}
del NEW_PRODUCT_BODY["demonstration"]


def _valid_uscc(value):
    return value == GOOD["enterprise"]["uscc"]


def _region_ok(value):
    return value in UNITS or (len(value) == 6 and value.isdigit())


# Rules the parser applies beyond the per-field types (the schema's descriptions say them): for these
# (field, value) pairs the schema accepts and the parser rejects.
BUSINESS_RULES = {
    "enterprise.uscc": lambda v: isinstance(v, str) and not _valid_uscc(v),  # GB 32100 check character
    "enterprise.registered_region": lambda v: isinstance(v, str) and not _region_ok(v),
    "enterprise.tax_region": lambda v: isinstance(v, str) and not _region_ok(v),
    # The industry's size row (工业: employees and revenue) needs the figure.
    "enterprise.employees": lambda v: v is None,
    "enterprise.revenue_yuan": lambda v: v is None,
    # Founded after the reference date (2019-05-15).
    "enterprise.established_on": lambda v: isinstance(v, str) and v > "2019-05-15",
}


def leaves(schema, prefix=""):
    """Every leaf field path of the published JSON Schema."""
    for name, prop in schema["properties"].items():
        path = f"{prefix}{name}"
        if "properties" in prop:
            yield from leaves(prop, f"{path}.")
        else:
            yield path


def objects(schema, prefix=""):
    """Every object's path ('' for the body itself)."""
    yield prefix.rstrip(".")
    for name, prop in schema["properties"].items():
        if "properties" in prop:
            yield from objects(prop, f"{prefix}{name}.")


SCHEMA = request_body_schema()
LEAVES = list(leaves(SCHEMA))
OBJECTS = list(objects(SCHEMA))


def base_for(path):
    return NEW_PRODUCT_BODY if path.startswith("new_product") else DEMONSTRATION_BODY


def container(body, path):
    *parents, key = path.split(".")
    node = body
    for part in parents:
        node = node[part]
    return node, key


def with_value(path, value):
    body = copy.deepcopy(base_for(path))
    node, key = container(body, path)
    node[key] = value
    return body


def without(path):
    body = copy.deepcopy(base_for(path))
    node, key = container(body, path)
    node.pop(key, None)
    return body


def schema_problems(body):
    """The field paths pydantic reports (list items folded into their list, as the parser reports them)."""
    try:
        EligibilityIn.model_validate_json(json.dumps(body))
    except ValidationError as exc:
        return {field_path([p for p in e["loc"] if not isinstance(p, int)]) for e in exc.errors()}
    return set()


def parser_problems(body):
    parsed, errors = parse(json.dumps(body).encode(), county_units=UNITS)
    assert (parsed is None) == bool(errors)
    return {e["field"] for e in errors}


def assert_agree(path, value):
    body = with_value(path, value)
    schema_rejects = path in schema_problems(body)
    parser_rejects = path in parser_problems(body)
    if schema_rejects:
        assert parser_rejects, f"the schema rejects {path}={value!r}, the parser accepts it"
    elif parser_rejects:
        rule = BUSINESS_RULES.get(path)
        assert rule and rule(value), f"the parser rejects {path}={value!r}, the schema accepts it"


def test_the_base_bodies_are_valid_for_both():
    for body in (DEMONSTRATION_BODY, NEW_PRODUCT_BODY):
        assert schema_problems(body) == set()
        assert parser_problems(body) == set()


def test_the_schema_has_every_field():
    assert {"category", "reference_date", "enterprise.uscc", "enterprise.employees", "demonstration.areas",
            "demonstration.online_sales_share", "new_product.tech_level",
            "new_product.comparison.defect_rate.traditional"} <= set(LEAVES)  # fmt: skip
    assert len(LEAVES) == 2 + 12 + 5 + 5 + 5 * 2


PROBES = [
    None, True, False, 0, 1, -1, 2, 10**16, 1.5, 1.0, 0.5, -0.5, 1e20,
    "", "abc", "0", "1", "-1", "1.5", "0.5", " 2 ", "1e3", "1_000", "NaN", "Infinity", "0.001", "1.005", "0x10",
    "2019-05-15", "2012-03-01", "2019-02-30", "20190515", "2019-5-15", "2019-05-15T00:00:00", "2030-01-01",
    "321003", "320102", "yz-etdz", "yz-nowhere", "32100", GOOD["enterprise"]["uscc"],
    "demonstration", "new_product", "industry", "domestic_leading", "world_class", "production_control", "ERP",
    [], ["ERP"], ["ERP", "ERP"], ["ERP", "XYZ"], ["production_control"], [1], ["ERP", None], {}, {"a": 1},
]  # fmt: skip


@pytest.mark.parametrize("path", LEAVES)
def test_each_field_accepts_and_rejects_what_the_schema_does(path):
    for value in PROBES:
        assert_agree(path, value)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**18), 10**18) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12) | st.sampled_from(["1.25", "2019-05-15", "ERP", "rd_design", "other", "321003"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)  # fmt: skip


@settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(LEAVES), value=json_values)
def test_arbitrary_json_values_agree(path, value):
    assert_agree(path, value)


@pytest.mark.parametrize("path", LEAVES + [p for p in OBJECTS if p])
def test_required_fields_agree(path):
    body = without(path)
    schema_says = path in schema_problems(body)
    parser_says = path in parser_problems(body)
    if path in ("demonstration", "new_product"):
        # Optional in the schema, required by the parser for its category (the schema's description says so).
        assert not schema_says and parser_says
    else:
        assert schema_says == parser_says, path


@pytest.mark.parametrize("path", OBJECTS)
def test_undeclared_fields_are_refused_by_both(path):
    body = copy.deepcopy(base_for(path))
    node = body
    for part in filter(None, path.split(".")):
        node = node[part]
    node["colour"] = "red"
    extra = f"{path}.colour" if path else "colour"
    assert extra in schema_problems(body)
    assert extra in parser_problems(body)


def test_the_other_category_block_is_checked_when_sent_and_then_not_used():
    # The schema describes both blocks, so a block that is sent is held to it (schemathesis sends a wrong one).
    body = {**copy.deepcopy(DEMONSTRATION_BODY), "new_product": {"patents": "many"}}
    assert "new_product.patents" in parser_problems(body)
    assert "new_product.patents" in schema_problems(body)
    assert parser_problems({**copy.deepcopy(DEMONSTRATION_BODY), "new_product": "none"}) == {"new_product"}
    # Left out it is fine.
    assert parser_problems(copy.deepcopy(DEMONSTRATION_BODY)) == set()
