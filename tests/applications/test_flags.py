"""Automatic flags (issue 9 item 4): each kind positive and negative, who sees the other enterprise, the API,
the incremental recompute at submission and resubmission, the command."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from applications import flags as flags_mod
from applications import services
from applications.flags import flag_filter_q, flags_for, read_submission, recompute_flags
from applications.models import Application, ApplicationFlag, FlagKey, Material, Snapshot
from applications.selectors import frozen_submission
from enterprises.models import EnterpriseProfile
from reviews import services as review_services
from tests.applications.core_helpers import complete, make_call, make_profile, valid_uscc

pytestmark = pytest.mark.django_db


def submit(user, call, code="demonstration", *, region="321003", before=None):
    application = complete(user, call, code, region=region)
    if before is not None:
        before(application)
    return services.application_submit(application=application, actor=user, declaration=True)


def kinds(application):
    return sorted(ApplicationFlag.objects.filter(application=application).values_list("kind", flat=True))


def flags_of(application, kind):
    return list(ApplicationFlag.objects.filter(application=application, kind=kind))


def with_invoices(*numbers):
    def change(application):
        data = application.data
        for row, number in zip(data["investments"], numbers, strict=False):
            row["invoice_no"] = number
        services.application_save_draft(
            application=application, data=data, version=application.version, actor=application.created_by
        )

    return change


def moved_in(application):
    """The enterprise's credit code was issued in Nanjing (320106), not Yangzhou."""
    EnterpriseProfile.objects.filter(organisation=application.enterprise).update(uscc=valid_uscc("320106"))


@pytest.fixture
def call():
    return make_call()


@pytest.fixture
def pair(cast, call):
    """甲 (邗江) and 乙 (广陵) submit the demo form with the same invoice numbers in one call."""
    a = submit(cast.enterprise_a, call)
    b = submit(cast.enterprise_b, call, region="321002")
    return a, b


# ------------------------------------------------------------------------------------------- invoices


def test_shared_invoice_flags_both_applications_pointing_at_each_other(pair):
    a, b = pair
    on_a, on_b = flags_of(a, "duplicate_invoice"), flags_of(b, "duplicate_invoice")
    assert {f.other_application_id for f in on_a} == {b.pk}
    assert {f.other_application_id for f in on_b} == {a.pk}
    assert len(on_a) == len(a.data["investments"])  # every number of the demo list is shared
    assert "No.32001711040" in " ".join(f.message for f in on_a)
    assert "乙企业" not in on_a[0].message  # the stored reason never names the other enterprise


def test_invoice_numbers_are_compared_normalised(cast, call):
    submit(cast.enterprise_a, call, before=with_invoices("A-1", "A-2", "A-3", "X 12"))
    b = submit(cast.enterprise_b, call, region="321002", before=with_invoices("ｘ12", "B-2", "B-3", "B-4"))
    assert [f.details["value"] for f in flags_of(b, "duplicate_invoice")] == ["X12"]


def test_invoice_in_another_call_is_not_flagged(cast, call):
    a = submit(cast.enterprise_a, call)
    b = submit(cast.enterprise_b, make_call(code="yz-other"), region="321002")
    assert "duplicate_invoice" not in kinds(a) + kinds(b)


def test_different_invoices_are_not_flagged(cast, call):
    a = submit(cast.enterprise_a, call, before=with_invoices("A-1", "A-2", "A-3", "A-4"))
    b = submit(cast.enterprise_b, call, region="321002", before=with_invoices("B-1", "B-2", "B-3", "B-4"))
    assert kinds(a) == kinds(b) == []


# ------------------------------------------------------------------------------------------- files


def same_file(application):
    item = application.materials.order_by("item__sort_order").first().item_id
    Material.all_versions.filter(application=application, item_id=item).update(sha256="ab" * 32)


def test_same_file_from_two_enterprises_is_flagged(cast, call):
    a = submit(cast.enterprise_a, call, before=lambda app: (with_invoices("A1", "A2", "A3", "A4")(app), same_file(app)))
    b = submit(cast.enterprise_b, call, region="321002", before=same_file)
    assert [f.other_application_id for f in flags_of(a, "duplicate_file")] == [b.pk]
    assert [f.other_application_id for f in flags_of(b, "duplicate_file")] == [a.pk]
    assert "SHA-256" in flags_of(a, "duplicate_file")[0].message


def test_same_file_in_one_enterprises_two_applications_is_not_a_file_flag(cast, call):
    a = submit(cast.enterprise_a, call, before=same_file)
    b = submit(cast.enterprise_a, call, "new_product", before=same_file)
    assert flags_of(a, "duplicate_file") == flags_of(b, "duplicate_file") == []


def test_different_files_are_not_flagged(pair):
    a, b = pair
    assert flags_of(a, "duplicate_file") == flags_of(b, "duplicate_file") == []


def test_a_group_larger_than_the_limit_gets_one_flag_each(monkeypatch, cast, call):
    monkeypatch.setattr(flags_mod, "GROUP_LIMIT", 1)
    a, b = submit(cast.enterprise_a, call), submit(cast.enterprise_b, call, region="321002")
    on_a = flags_of(a, "duplicate_invoice")
    assert all(f.other_application_id is None and f.details["count"] == 1 for f in on_a)
    assert "另有 1 份" in on_a[0].message
    assert len(flags_of(b, "duplicate_invoice")) == len(on_a)


# ------------------------------------------------------------------------------------------- the form alone


def frozen(cast, call, code="demonstration"):
    application = submit(cast.enterprise_a, call, code)
    return application, frozen_submission(application)


def test_submitted_totals_agree_with_their_line_items(cast, call):
    for code in ("demonstration", "new_product"):
        application, snapshot = frozen(cast, call, code)
        assert "total_mismatch" not in kinds(application)


def test_a_frozen_total_differing_from_the_sum_of_the_line_items_is_flagged(cast, call):
    application, snapshot = frozen(cast, call)
    snapshot["derived"]["investment_total_yuan"] = "1.00"
    sub = read_submission(application.pk, application.enterprise_id, application.category_id, snapshot, call)
    (kind, details), *_ = sub.own
    assert kind == "total_mismatch"
    assert details["problems"] == [{"figure": "investment_total_yuan", "declared": "1.00", "sum": "554000.00"}]
    flag = ApplicationFlag(kind=kind, details=details)
    assert flags_mod.describe(flag, other=None) == "提交时的“投入总额”为 1.00 元，按明细重新合计为 554,000.00 元。"


def test_a_part_larger_than_its_total_is_flagged(cast, call):
    application, snapshot = frozen(cast, call, "new_product")
    snapshot["form"]["sales"]["product_year_yuan"] = "99999999.00"
    sub = read_submission(application.pk, application.enterprise_id, application.category_id, snapshot, call)
    assert sub.own[0][1]["problems"][0]["figure"] == "product_over_enterprise"
    demo, snapshot = frozen(cast, call)
    snapshot["form"]["sales"][0]["online_yuan"] = "99999999.00"
    sub = read_submission(demo.pk, demo.enterprise_id, demo.category_id, snapshot, call)
    problems = sub.own[0][1]["problems"]
    assert {"figure": "online_sales_yuan", "declared": "12800000.00", "sum": "107599999.00"} in problems
    assert problems[-1] == {
        "figure": "online_over_total",
        "year": 2017,
        "part": "99999999.00",
        "total": "9800000.00",
    }


def test_line_items_outside_the_investment_period(cast, call):
    application = submit(cast.enterprise_a, call)
    assert "outside_period" not in kinds(application)
    call.investment_period_start = dt.date(2017, 9, 1)
    call.save()
    recompute_flags(call)
    (flag,) = flags_of(application, "outside_period")
    assert [row["row"] for row in flag.details["rows"]] == [1]  # the 2017-06 row
    assert "投入清单第 1 行" in flag.message and "2017-09-01" in flag.message


def test_credit_code_issued_outside_yangzhou(cast, call):
    a = submit(cast.enterprise_a, call)
    assert "outside_yangzhou" not in kinds(a)

    make_profile(cast.enterprise_b, region="321002")
    b = submit(cast.enterprise_b, call, region="321002", before=moved_in)
    (flag,) = flags_of(b, "outside_yangzhou")
    assert flag.details["region"] == "320106" and "320106" in flag.message


def test_enterprise_applying_in_both_categories(cast, call):
    a = submit(cast.enterprise_a, call)
    assert "both_categories" not in kinds(a)
    n = submit(cast.enterprise_a, call, "new_product")
    assert [f.other_application_id for f in flags_of(a, "both_categories")] == [n.pk]
    assert [f.other_application_id for f in flags_of(n, "both_categories")] == [a.pk]
    (row,) = flags_for(cast.hanjiang_industry, a)
    assert row["other"]["id"] == n.pk and n.category.name in row["message"] and n.receipt_no in row["message"]
    assert flags_of(a, "both_categories")[0].message == "该企业在本批次还提交了另一个类别的申报书。"


# ------------------------------------------------------------------------------------------- who sees what


def test_other_enterprise_is_named_only_for_staff_who_may_see_it(cast, pair):
    a, b = pair
    city = flags_for(cast.city_officer, a)
    assert city and all(row["other"]["enterprise"] == "乙企业（广陵）有限公司" for row in city)
    assert city[0]["other"]["url"] == f"/applications/{b.pk}/" and b.receipt_no in city[0]["message"]
    county = flags_for(cast.hanjiang_industry, a)
    assert len(county) == len(city)
    assert all(row["other"] is None and "另一家企业" in row["message"] for row in county)
    assert all("乙企业" not in row["message"] and b.receipt_no not in row["message"] for row in county)
    html = render_to_string("applications/_flags.html", {"flags": county})
    assert "另一家企业" in html and "乙企业" not in html and f"/applications/{b.pk}/" not in html
    html = render_to_string("applications/_flags.html", {"flags": city})
    assert f'href="/applications/{b.pk}/"' in html


def test_enterprises_never_see_flags(cast, pair):
    a, _b = pair
    assert flags_for(cast.enterprise_a, a) == []
    assert flags_for(cast.guangling_industry, a) == []  # another unit's application


def test_flag_filter_q(pair, call):
    a, b = pair
    assert set(Application.objects.filter(flag_filter_q("duplicate_invoice")).values_list("pk", flat=True)) == {
        a.pk,
        b.pk,
    }
    assert not Application.objects.filter(flag_filter_q("both_categories")).exists()
    assert Application.objects.filter(flag_filter_q()).count() == 2


# ------------------------------------------------------------------------------------------- API


def test_api_flags(client, cast, pair, api_token):
    a, b = pair
    response = client.get(f"/api/v1/applications/{a.pk}/flags", **api_token(cast.city_officer))
    assert response.status_code == 200
    rows = response.json()
    assert {row["kind"] for row in rows} == {"duplicate_invoice"}
    assert rows[0]["other"]["id"] == b.pk and rows[0]["label"] == "发票号码重复"
    response = client.get(f"/api/v1/applications/{a.pk}/flags", **api_token(cast.hanjiang_finance))
    assert response.status_code == 200 and response.json()[0]["other"] is None


def test_api_flags_refused_to_the_enterprise_and_hidden_from_others(client, cast, pair, api_token):
    a, _b = pair
    response = client.get(f"/api/v1/applications/{a.pk}/flags", **api_token(cast.enterprise_a))
    assert response.status_code == 403
    assert "审核人员" in response.json()["errors"][0]["message"]
    for user in (cast.enterprise_b, cast.guangling_industry, cast.expert):
        response = client.get(f"/api/v1/applications/{a.pk}/flags", **api_token(user))
        assert response.status_code == 404, user


# ------------------------------------------------------------------------------------------- recomputing


def as_set(call):
    return set(
        ApplicationFlag.objects.filter(application__call=call).values_list(
            "application_id", "kind", "other_application_id", "message"
        )
    )


def test_incremental_recompute_at_submission_matches_the_bulk_one(cast, call):
    submit(cast.enterprise_a, call, before=same_file)
    submit(cast.enterprise_a, call, "new_product")
    submit(cast.enterprise_b, call, region="321002", before=same_file)
    incremental = as_set(call)
    assert {kind for _a, kind, _o, _m in incremental} == {"duplicate_invoice", "duplicate_file", "both_categories"}
    recompute_flags(call)
    assert as_set(call) == incremental


def test_a_submission_computes_its_flags_from_the_snapshot_it_froze_without_reading_it_back(cast, call):
    """The submission hands its frozen snapshot to the flags (one query and one parse fewer under the rush);
    what they compute is what reading the snapshot back computes."""
    submit(cast.enterprise_b, call, region="321002")

    with CaptureQueriesContext(connection) as queries:
        a = submit(cast.enterprise_a, call, before=moved_in)
    snapshot_reads = [q["sql"] for q in queries if "canonical_json" in q["sql"] and q["sql"].startswith("SELECT")]
    assert snapshot_reads == []
    handed = as_set(call)
    assert {kind for _a, kind, _o, _m in handed} >= {"duplicate_invoice", "outside_yangzhou"}
    flags_mod.recompute_for_application(Application.objects.get(pk=a.pk))  # reads the latest snapshot back
    assert as_set(call) == handed
    recompute_flags(call)
    assert as_set(call) == handed


def test_a_first_submission_sharing_nothing_deletes_no_flags(cast, call):
    """Pair and category flags exist only while two applications share a value or an enterprise: the first
    submission of values nobody has touches no flag of anyone (the common case of the deadline rush)."""
    with CaptureQueriesContext(connection) as queries:
        a = submit(cast.enterprise_a, call)
    flag_deletes = [q["sql"] for q in queries if q["sql"].startswith("DELETE") and "applicationflag" in q["sql"]]
    assert flag_deletes == []
    assert kinds(a) == []
    assert FlagKey.objects.filter(application=a).count() > 0


def test_resubmission_without_the_shared_invoice_clears_both_sides(cast, pair):
    a, b = pair
    review_services.opinion_give(application=a, actor=cast.hanjiang_finance, decision="return", comment="发票请核实")
    a.refresh_from_db()
    with_invoices("N-1", "N-2", "N-3", "N-4")(a)
    a.refresh_from_db()
    services.application_submit(application=a, actor=cast.enterprise_a, declaration=True)
    assert kinds(a) == kinds(b) == []
    assert set(FlagKey.objects.filter(application=a, kind="invoice").values_list("value", flat=True)) == {
        "N-1",
        "N-2",
        "N-3",
        "N-4",
    }


def test_flags_read_the_submitted_snapshot_not_the_draft(cast, pair):
    a, b = pair
    # A later edit of the draft (returned or not) changes nothing until it is submitted.
    Application.objects.filter(pk=a.pk).update(data={})
    recompute_flags(a.call)
    assert "duplicate_invoice" in kinds(a)
    assert json.loads(Snapshot.objects.get(application=a).canonical_json)["form"]["investments"]


def test_drafts_are_not_flagged(cast, call):
    a = submit(cast.enterprise_a, call)
    complete(cast.enterprise_b, call, region="321002")  # the same invoices, never submitted
    recompute_flags(call)
    assert kinds(a) == []


def test_command(cast, pair, call):
    keys = set(FlagKey.objects.values_list("application_id", "kind", "value", "label"))
    ApplicationFlag.objects.all().delete()
    FlagKey.objects.all().delete()  # the bulk path writes them again (COPY on PostgreSQL)
    out = StringIO()
    call_command("recompute_flags", "--call", str(call.pk), stdout=out)
    assert call.code in out.getvalue()
    assert "duplicate_invoice" in kinds(pair[0])
    assert set(FlagKey.objects.values_list("application_id", "kind", "value", "label")) == keys
    with pytest.raises(CommandError):
        call_command("recompute_flags", "--call", "999999", stdout=StringIO())


def test_a_county_reviewer_sees_the_name_of_an_enterprise_of_its_own_unit(cast, call):
    from accounts.models import User
    from tests.factories import OrganisationFactory, UserFactory

    neighbour = UserFactory(
        username="ent_c", role=User.Role.ENTERPRISE, organisation=OrganisationFactory(name="丙企业（邗江）有限公司")
    )
    a = submit(cast.enterprise_a, call)
    c = submit(neighbour, call)
    rows = flags_for(cast.hanjiang_finance, a)
    assert rows and all(row["other"]["id"] == c.pk for row in rows)
    assert "丙企业（邗江）有限公司" in rows[0]["message"] and c.receipt_no in rows[0]["message"]
    assert flags_for(cast.guangling_finance, a) == []
