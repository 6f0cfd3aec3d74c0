"""Form definitions as versioned data of the call: serialisation, year-relative keys and labels, the version
an application keeps, and the reading of snapshots written before the keys became relative."""

import copy
import importlib
import json

import pytest
from django.apps import apps as django_apps

from applications import forms, services
from applications.forms import BUILTIN, DEMONSTRATION, NEW_PRODUCT, from_dict, resolve, to_dict
from applications.models import Application
from applications.pdf import build_context
from programmes.demo import builtin_form_definitions
from programmes.models import CategoryForm
from tests.applications.core_helpers import draft, make_call, new_product_data
from tests.applications.pdf_samples import sample

OLD_SALES = {
    "enterprise_2017_yuan": "24300000.00",
    "enterprise_2018_yuan": "28600000.00",
    "product_2018_yuan": "9800000.00",
    "taxes_2018_yuan": "1350000.00",
}


@pytest.mark.parametrize("definition", [DEMONSTRATION, NEW_PRODUCT])
def test_serialisation_round_trip_is_exact(definition):
    stored = json.loads(json.dumps(to_dict(definition), ensure_ascii=False))
    assert from_dict(stored) == definition
    assert to_dict(from_dict(stored)) == stored


def test_the_builtin_json_is_the_python_definitions():
    # programmes/form_definitions/2018.json is generated from applications/forms/definitions.py; regenerate with
    # python -c "…json.dumps({c: to_dict(d) for c, d in BUILTIN.items()}, ensure_ascii=False, indent=1)…"
    assert builtin_form_definitions() == {code: to_dict(d) for code, d in BUILTIN.items()}


def test_bad_definitions_are_refused():
    stored = to_dict(NEW_PRODUCT)
    with pytest.raises(ValueError):
        from_dict({**stored, "schema": "other"})
    broken = copy.deepcopy(stored)
    broken["sections"][0]["items"][0]["kind"] = "colour"
    with pytest.raises(ValueError):
        from_dict(broken)
    with pytest.raises(ValueError):
        to_dict(resolve(NEW_PRODUCT, year=2019))  # only the stored form is serialised


@pytest.mark.parametrize(
    "year, labels",
    [
        (2018, ["企业2017年度开票销售（元）", "企业2018年度开票销售（元）", "新产品（技术）2018年度开票销售（元）", "2018年度上缴税金（元）"]),
        (2019, ["企业2018年度开票销售（元）", "企业2019年度开票销售（元）", "新产品（技术）2019年度开票销售（元）", "2019年度上缴税金（元）"]),
    ],
)  # fmt: skip
def test_keys_have_no_years_and_labels_say_the_calls_years(year, labels):
    group = resolve(NEW_PRODUCT, year=year).item("sales")
    assert [f.key for f in group.fields] == [
        "enterprise_prev_year_yuan", "enterprise_year_yuan", "product_year_yuan", "taxes_year_yuan"
    ]  # fmt: skip
    assert [str(f.label) for f in group.fields] == labels
    keys = json.dumps({code: to_dict(d) for code, d in BUILTIN.items()})
    assert "2017" not in keys and "2018" not in keys  # no year is baked into the stored definitions


def test_validation_messages_name_the_label_of_the_calls_year():
    _clean, errors = forms.validate(resolve(NEW_PRODUCT, year=2019), {"sales": {"taxes_year_yuan": "-1"}})
    assert errors == [{"field": "sales.taxes_year_yuan", "message": "“2019年度上缴税金（元）”不能为负数。"}]
    with pytest.raises(forms.StructureError):
        forms.validate(NEW_PRODUCT, {"sales": {"taxes_2018_yuan": "1"}})  # the old keys are gone


@pytest.mark.django_db
def test_an_application_keeps_the_version_it_was_started_on(cast):
    call = make_call()
    first = draft(cast.enterprise_a, call, "new_product")
    category = first.category
    changed = to_dict(NEW_PRODUCT)
    changed["sections"][0]["items"][0]["label"] = "产品名称"
    CategoryForm.objects.create(category=category, version=2, definition=changed)
    first.refresh_from_db()
    assert first.form_version.version == 1
    assert forms.definition_for_application(first).item("product_name").label == "产品（技术）名称"
    assert forms.definition_for_category(category).item("product_name").label == "产品名称"
    second = draft(cast.enterprise_b, call, "new_product")
    assert second.form_version.version == 2
    assert forms.definition_for_application(second) is forms.definition_for_application(second)  # cached


@pytest.mark.django_db
def test_snapshot_records_the_form_version(cast):
    from tests.applications.core_helpers import complete

    call = make_call()
    application = complete(cast.enterprise_a, call, "new_product")
    application = services.application_submit(application=application, actor=cast.enterprise_a, declaration=True)
    frozen = json.loads(application.snapshots.get().canonical_json)
    assert frozen["form_version"] == {"id": application.form_version_id, "version": 1}
    assert frozen["form"]["sales"]["enterprise_year_yuan"] == "11200000.00"


def legacy_snapshot():
    """A snapshot as the 2018 call wrote it before the keys became relative (schema v1)."""
    snapshot = sample("new_product")
    snapshot["schema"] = "shenbao.application.v1"
    del snapshot["form_version"]
    snapshot["form"]["sales"] = dict(OLD_SALES)
    return snapshot


def test_old_snapshots_are_read_with_their_old_keys():
    snapshot = legacy_snapshot()
    before = json.dumps(snapshot, sort_keys=True)
    form = forms.snapshot_form(snapshot)
    assert form["sales"] == {
        "enterprise_prev_year_yuan": "24300000.00",
        "enterprise_year_yuan": "28600000.00",
        "product_year_yuan": "9800000.00",
        "taxes_year_yuan": "1350000.00",
    }
    assert json.dumps(snapshot, sort_keys=True) == before  # the snapshot itself is not changed
    current = sample("new_product")
    assert forms.snapshot_form(current) is current["form"]


def test_pdf_of_an_old_snapshot_shows_its_figures_as_before():
    old = build_context(legacy_snapshot(), verify_url="http://x/verify/abc")["sales"]
    new = build_context(sample("new_product"), verify_url="http://x/verify/abc")["sales"]
    assert (
        old
        == new
        == {
            "enterprise_prev_year": "24,300,000.00",
            "enterprise_year": "28,600,000.00",
            "product_year": "9,800,000.00",
            "taxes_year": "1,350,000.00",
        }
    )


@pytest.mark.django_db
def test_data_migration_renames_the_old_keys_of_drafts(cast):
    migration = importlib.import_module("applications.migrations.0002_application_form_version")
    call = make_call()
    application = draft(cast.enterprise_a, call, "new_product", new_product_data())
    old = dict(application.data, sales=dict(OLD_SALES))
    Application.objects.filter(pk=application.pk).update(data=old)
    migration.forward(django_apps, None)
    application.refresh_from_db()
    assert application.data["sales"]["taxes_year_yuan"] == "1350000.00"
    assert "taxes_2018_yuan" not in application.data["sales"]
    migration.backward(django_apps, None)
    application.refresh_from_db()
    assert application.data["sales"] == OLD_SALES
