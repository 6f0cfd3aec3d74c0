import datetime as dt
import json
import threading
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from applications import services
from applications.models import Application, ReceiptCounter, Snapshot
from audit.models import Event
from core.errors import Conflict, DomainError, PermissionDeniedError
from tests.applications.core_helpers import complete, draft, make_call, make_profile
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_create_draft_has_the_two_sales_years(cast):
    call = make_call()
    application = draft(cast.enterprise_a, call)
    assert application.status == "draft"
    assert application.version == 1
    assert [row["year"] for row in application.data["sales"]] == [2017, 2018]
    assert Event.objects.filter(action="application.create", object_id=str(application.pk)).exists()


def test_only_one_application_per_category_and_enterprise(cast):
    call = make_call()
    draft(cast.enterprise_a, call)
    with pytest.raises(Conflict, match="已有"):
        draft(cast.enterprise_a, call)


def test_reviewers_cannot_create(cast):
    call = make_call()
    with pytest.raises(PermissionDeniedError):
        services.application_create(call=call, category=call.categories.first(), actor=cast.hanjiang_industry)


def test_cannot_create_in_a_closed_call(cast):
    call = make_call(opens_at=timezone.now() - dt.timedelta(days=10), deadline=timezone.now() - dt.timedelta(days=1))
    with pytest.raises(Conflict, match="不在受理时间"):
        draft(cast.enterprise_a, call)


def test_autosave_keeps_invalid_values_and_reports_them(cast):
    call = make_call()
    application = draft(cast.enterprise_a, call)
    data = dict(application.data)
    data["investments"] = [
        {"date": "2018-01-05", "content": "服务器", "kind": "hardware", "area": "rd_design", "supplier": "甲",
         "amount_yuan": "-5", "invoice_no": "A1"},
        {"date": "2016-12-31", "content": "软件", "kind": "software", "area": "rd_design", "supplier": "乙",
         "amount_yuan": "abc", "invoice_no": "a1"},
    ]  # fmt: skip
    application, errors = services.application_save_draft(
        application=application, data=data, version=1, actor=cast.enterprise_a
    )
    application.refresh_from_db()
    assert application.version == 2
    assert application.data["investments"][0]["amount_yuan"] == "-5"
    assert application.data["investments"][1]["amount_yuan"] == "abc"
    by_field = {e["field"]: e["message"] for e in errors}
    assert "不能为负数" in by_field["investments.0.amount_yuan"]
    assert "金额数字" in by_field["investments.1.amount_yuan"]
    assert "不在本批次投入统计期（2017-01-01 至 2018-12-31）" in by_field["investments.1.date"]
    assert "与第 1 行重复" in by_field["investments.1.invoice_no"]


def test_stale_version_is_a_conflict_and_changes_nothing(cast):
    call = make_call()
    colleague = UserFactory(organisation=cast.enterprise_a.organisation)
    application = draft(cast.enterprise_a, call)
    data = dict(application.data, summary="甲写的")
    services.application_save_draft(application=application, data=data, version=1, actor=cast.enterprise_a)
    stale = Application.objects.get(pk=application.pk)
    with pytest.raises(Conflict, match="已被同单位其他人修改"):
        services.application_save_draft(
            application=stale, data=dict(data, summary="乙写的"), version=1, actor=colleague
        )
    stale.refresh_from_db()
    assert stale.data["summary"] == "甲写的"
    assert stale.version == 2


def test_structure_errors_write_nothing(cast):
    call = make_call()
    application = draft(cast.enterprise_a, call)
    with pytest.raises(DomainError) as info:
        services.application_save_draft(
            application=application, data={"investments": "not a list"}, version=1, actor=cast.enterprise_a
        )
    assert info.value.errors[0]["field"] == "investments"
    application.refresh_from_db()
    assert application.version == 1


def test_other_enterprise_cannot_save(cast):
    call = make_call()
    application = draft(cast.enterprise_a, call)
    with pytest.raises(PermissionDeniedError):
        services.application_save_draft(application=application, data={}, version=1, actor=cast.enterprise_b)


def test_submit_freezes_snapshot_digest_and_receipt(cast):
    call = make_call(receipt_prefix="YZ2018")
    application = complete(cast.enterprise_a, call)
    application = services.application_submit(application=application, actor=cast.enterprise_a, declaration=True)
    application.refresh_from_db()
    assert application.status == "submitted"
    assert application.receipt_no == "YZ2018-SF-321003-0001"
    assert application.region_id == "321003"
    snapshot = Snapshot.objects.get(application=application)
    assert snapshot.version == 1
    assert snapshot.digest == application.digest == services.digest_of(snapshot.canonical_json.encode("utf-8"))
    body = json.loads(snapshot.canonical_json)
    assert body["schema"] == "shenbao.application.v2"
    assert body["receipt_no"] == application.receipt_no
    assert body["form"] == application.data
    assert body["derived"]["investment_total_yuan"] == "554000.00"
    assert body["enterprise"]["uscc"]
    assert len(body["materials"]) == 7 and all(len(m["sha256"]) == 64 for m in body["materials"])
    assert body["eligibility"]["eligible"] is True
    assert body["declaration"]["accepted"] is True and body["declaration"]["by"] == "ent_a"
    # canonical: re-serialising gives the same bytes
    assert services.canonical_json(body).decode() == snapshot.canonical_json
    assert Event.objects.filter(action="application.submit", object_id=str(application.pk)).exists()


def test_submitted_application_is_read_only(cast):
    call = make_call()
    application = services.application_submit(
        application=complete(cast.enterprise_a, call), actor=cast.enterprise_a, declaration=True
    )
    with pytest.raises(Conflict, match="不能"):
        services.application_save_draft(
            application=application, data=application.data, version=application.version, actor=cast.enterprise_a
        )


def test_submission_lists_everything_missing_at_once(cast):
    call = make_call()
    make_profile(cast.enterprise_a)
    application = draft(cast.enterprise_a, call)
    with pytest.raises(DomainError) as info:
        services.application_submit(application=application, actor=cast.enterprise_a, declaration=False)
    fields = {e["field"] for e in info.value.errors}
    assert {"summary", "areas", "investments", "declaration", "eligibility.investment"} <= fields
    application.refresh_from_db()
    assert application.status == "draft" and application.receipt_no is None
    assert not Snapshot.objects.exists() and not ReceiptCounter.objects.filter(last_number__gt=0).exists()


def test_missing_materials_block_submission(cast):
    call = make_call()
    application = complete(cast.enterprise_a, call)
    application.materials.filter(item__code="audit_report").delete()
    with pytest.raises(DomainError) as info:
        services.application_submit(application=application, actor=cast.enterprise_a, declaration=True)
    assert [e["field"] for e in info.value.errors] == ["materials.audit_report"]


def test_deadline_is_inclusive_to_the_second(cast):
    call = make_call()
    application = complete(cast.enterprise_a, call)
    with mock.patch("django.utils.timezone.now", return_value=call.deadline + dt.timedelta(seconds=1)):
        with pytest.raises(Conflict, match="截止"):
            services.application_submit(application=application, actor=cast.enterprise_a, declaration=True)
    application.refresh_from_db()
    assert application.status == "draft"
    with mock.patch("django.utils.timezone.now", return_value=call.deadline + dt.timedelta(microseconds=500)):
        services.application_submit(application=application, actor=cast.enterprise_a, declaration=True)
    application.refresh_from_db()
    assert application.status == "submitted"


def test_other_enterprise_cannot_submit(cast):
    call = make_call()
    application = complete(cast.enterprise_a, call)
    with pytest.raises(PermissionDeniedError):
        services.application_submit(application=application, actor=cast.enterprise_b, declaration=True)


def test_receipt_numbers_are_sequential_per_unit(cast):
    call = make_call(receipt_prefix="YZ2018")
    numbers = []
    for _i in range(3):
        user = UserFactory(organisation=OrganisationFactory(region_id="321003"))
        app = services.application_submit(application=complete(user, call), actor=user, declaration=True)
        numbers.append(app.receipt_no)
    other = UserFactory(organisation=OrganisationFactory(region_id="321002"))
    other_app = complete(other, call, "new_product", region="321002")
    other_app = services.application_submit(application=other_app, actor=other, declaration=True)
    assert numbers == ["YZ2018-SF-321003-0001", "YZ2018-SF-321003-0002", "YZ2018-SF-321003-0003"]
    assert other_app.receipt_no == "YZ2018-XC-321002-0001"


def test_withdraw_then_resubmit_keeps_receipt_and_adds_a_version(cast):
    call = make_call()
    application = services.application_submit(
        application=complete(cast.enterprise_a, call), actor=cast.enterprise_a, declaration=True
    )
    first_receipt, first_digest = application.receipt_no, application.digest
    services.application_withdraw(application=application, actor=cast.enterprise_a)
    application.refresh_from_db()
    assert application.status == "withdrawn"
    data = dict(application.data, summary=application.data["summary"] + "（修订）")
    application, errors = services.application_save_draft(
        application=application, data=data, version=application.version, actor=cast.enterprise_a
    )
    assert errors == []
    application = services.application_submit(application=application, actor=cast.enterprise_a, declaration=True)
    assert application.receipt_no == first_receipt
    assert application.digest != first_digest
    assert list(application.snapshots.values_list("version", flat=True)) == [2, 1]


def test_withdraw_only_when_submitted(cast):
    call = make_call()
    application = draft(cast.enterprise_a, call)
    with pytest.raises(Conflict):
        services.application_withdraw(application=application, actor=cast.enterprise_a)


def test_transition_conditional_update_refuses_a_moved_state(cast):
    call = make_call()
    application = services.application_submit(
        application=complete(cast.enterprise_a, call), actor=cast.enterprise_a, declaration=True
    )
    stale = Application.objects.get(pk=application.pk)
    services.application_withdraw(application=application, actor=cast.enterprise_a)
    with pytest.raises(Conflict, match="已被其他操作改变"):
        services.transition(application=stale, action="withdraw", actor=cast.enterprise_a)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks need PostgreSQL")
def test_concurrent_submissions_get_unique_gap_free_numbers():
    from django.db import connections

    call = make_call(receipt_prefix="YZC")
    users, apps = [], []
    for _i in range(12):
        user = UserFactory(organisation=OrganisationFactory(region_id="321003"))
        users.append(user)
        apps.append(complete(user, call))
    errors = []
    barrier = threading.Barrier(len(apps))

    def run(app, user):
        try:
            barrier.wait()
            services.application_submit(application=app, actor=user, declaration=True)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in zip(apps, users, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(Application.objects.filter(call=call).values_list("receipt_no", flat=True))
    assert numbers == [f"YZC-SF-321003-{n:04d}" for n in range(1, 13)]


def test_connection_vendor_known():
    assert connection.vendor in {"sqlite", "postgresql"}
