"""reviews.diff: two snapshot dicts, field by field with the form's labels, and the materials by SHA-256."""

import copy

import pytest
from django.utils import translation

from applications.forms import DEMONSTRATION, NEW_PRODUCT, resolve
from reviews.diff import diff_snapshots, material_changes, pair_rows
from tests.applications.core_helpers import demonstration_data, new_product_data

DEMO = resolve(DEMONSTRATION, year=2018)


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def _file(code, sha, name=None):
    return {"item_code": code, "item_name": f"材料{code}", "filename": name or f"{sha}.pdf", "sha256": sha * 8}


def snapshot(version=1, *, form=None, derived=None, enterprise=None, materials=None):
    return {
        "schema": "shenbao.application.v2",
        "version": version,
        "category": {"code": "demonstration"},
        "form": demonstration_data() if form is None else form,
        "derived": derived or {"investment_total_yuan": "554000.00", "online_sales_share": "0.2500"},
        "enterprise": enterprise or {"name": "甲企业", "uscc": "91321003X", "employees": 80},
        "materials": materials if materials is not None else [_file("licence", "a"), _file("audit", "b")],
    }


def by_path(result):
    return {row["path"]: row for row in result["fields"]}


def test_identical_versions_have_no_changes():
    result = diff_snapshots(snapshot(1), snapshot(2), definition=DEMO)
    assert (result["from"], result["to"], result["fields"], result["materials"]) == (1, 2, [], [])


def test_a_changed_field_with_its_label_and_values():
    after = snapshot(2)
    after["form"]["summary"] = "新的总结"
    rows = by_path(diff_snapshots(snapshot(1), after, definition=DEMO))
    assert list(rows) == ["summary"]
    row = rows["summary"]
    assert row["label"] == str(DEMO.item("summary").label) and row["section"] == "form"
    assert row["before"] == demonstration_data()["summary"] and row["after"] == "新的总结"


def test_a_table_cell_is_named_by_table_row_and_column_with_readable_values():
    after = snapshot(2)
    after["form"]["investments"][1]["amount_yuan"] = "99000.00"
    after["form"]["investments"][1]["kind"] = "service"
    rows = by_path(diff_snapshots(snapshot(1), after, definition=DEMO))
    assert set(rows) == {"investments.1.amount_yuan", "investments.1.kind"}
    assert rows["investments.1.amount_yuan"]["label"] == "投入清单第 2 行 · 金额（元）"
    assert rows["investments.1.amount_yuan"]["after_text"] == "99,000.00 元"
    assert rows["investments.1.kind"]["after_text"] == "服务"  # the vocabulary's label, not the code


def test_deleting_one_row_does_not_show_every_later_row_as_changed():
    before = snapshot(1)
    after = snapshot(2)
    removed = after["form"]["investments"].pop(0)
    rows = diff_snapshots(before, after, definition=DEMO)["fields"]
    assert {row["after"] for row in rows} == {None}  # only the removed row's cells, nothing "changed"
    assert {row["before"] for row in rows if row["path"].endswith("invoice_no")} == {removed["invoice_no"]}


def test_rows_are_paired_by_the_unique_column_then_in_order():
    table = DEMO.item("investments")
    before = [{"invoice_no": "A"}, {"invoice_no": "B"}, {"invoice_no": "C"}]
    after = [{"invoice_no": "C"}, {"invoice_no": "A"}, {"invoice_no": "X"}]
    assert pair_rows(table, before, after) == [(2, 0), (0, 1), (1, 2)]


def test_blank_and_missing_are_the_same():
    before, after = snapshot(1), snapshot(2)
    before["form"]["summary"] = ""
    after["form"].pop("summary")
    assert diff_snapshots(before, after, definition=DEMO)["fields"] == []


def test_group_and_matrix_cells_of_the_new_product_form():
    definition = resolve(NEW_PRODUCT, year=2018)
    before = {**snapshot(1), "form": new_product_data(), "category": {"code": "new_product"}}
    after = copy.deepcopy(before)
    after["form"]["sales"]["taxes_year_yuan"] = "1.00"
    after["form"]["comparison"]["defect_rate"]["new"] = "0.5"
    rows = by_path(diff_snapshots(before, {**after, "version": 2}, definition=definition))
    assert set(rows) == {"sales.taxes_year_yuan", "comparison.defect_rate.new"}
    assert rows["comparison.defect_rate.new"]["label"].count(" · ") == 2  # table · row · column


def test_derived_figures_and_profile():
    after = snapshot(2, derived={"investment_total_yuan": "600000.00", "online_sales_share": "0.2500"})
    after["enterprise"] = {"name": "甲企业", "uscc": "91321003X", "employees": 95}
    rows = by_path(diff_snapshots(snapshot(1), after, definition=DEMO))
    assert rows["derived.investment_total_yuan"]["label"] == "统计期内投入合计"
    assert rows["derived.investment_total_yuan"]["after_text"] == "600,000.00 元"
    assert rows["enterprise.employees"]["before"] == 80 and rows["enterprise.employees"]["after"] == 95
    assert rows["enterprise.employees"]["section"] == "profile"
    assert "derived.online_sales_share" not in rows


def test_material_replaced_added_removed_and_unchanged():
    before = [_file("licence", "a"), _file("audit", "b"), _file("evidence", "c")]
    after = [_file("licence", "d", "新执照.pdf"), _file("audit", "b", "改名.pdf"), _file("audit", "e")]
    changes = {(m["item"], m["change"]): m for m in material_changes(before, after + [])}
    assert set(changes) == {("licence", "replaced"), ("audit", "added"), ("evidence", "removed")}
    licence = changes[("licence", "replaced")]
    assert (licence["before_sha256"], licence["after_sha256"], licence["after_name"]) == (
        "a" * 8,
        "d" * 8,
        "新执照.pdf",
    )
    assert changes[("evidence", "removed")]["after_sha256"] is None
    assert (
        changes[("audit", "added")]["before_sha256"] is None and changes[("audit", "added")]["after_sha256"] == "e" * 8
    )
    # The same bytes under another name are not a change.
    assert all(m["before_sha256"] != "b" * 8 for m in changes.values())


def test_v1_snapshots_are_read_in_todays_keys():
    definition = resolve(NEW_PRODUCT, year=2018)
    form = new_product_data()
    old = copy.deepcopy(form)
    old["sales"] = {
        "enterprise_2017_yuan" if k == "enterprise_prev_year_yuan" else k: v for k, v in form["sales"].items()
    }
    before = {**snapshot(1), "schema": "shenbao.application.v1", "form": old, "category": {"code": "new_product"}}
    after = {**snapshot(2), "form": form, "category": {"code": "new_product"}}
    assert diff_snapshots(before, after, definition=definition)["fields"] == []
