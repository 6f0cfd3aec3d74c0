"""Public verification, /verify/<digest> and GET /api/v1/verify/{digest}: the public facts and what the copy is
now (current, withdrawn, returned, superseded) when found, 404 when not, 400 / 422 for a bad digest."""

import datetime as dt
import re

import pytest

from applications import services
from applications.models import Application, Snapshot
from applications.pdf import local_time
from applications.verification import normalise_digest, verification_for
from audit.models import Event
from programmes.models import SHANGHAI
from tests.applications.core_helpers import complete, make_call
from tests.applications.pdf_samples import canonical, digest_of, sample
from tests.factories import CallFactory, OrganisationFactory


@pytest.fixture
def submitted(db):
    call = CallFactory()
    enterprise = OrganisationFactory(name="扬州市邗江区智造云科技有限公司")
    application = Application.objects.create(
        call=call,
        category=call.categories.get(code="demonstration"),
        enterprise=enterprise,
        status=Application.Status.SUBMITTED,
        receipt_no="YZ2018-SF-321003-0001",
    )
    snapshot = sample("demonstration")
    snapshot["application_id"] = application.pk
    digest = digest_of(snapshot)
    Snapshot.objects.create(
        application=application, version=1, canonical_json=canonical(snapshot).decode(), digest=digest
    )
    return snapshot, digest


def test_found_shows_exactly_the_four_facts(client, submitted):
    snapshot, digest = submitted
    response = client.get(f"/verify/{digest}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "核验通过" in html
    assert 'data-testid="receipt-no">YZ2018-SF-321003-0001<' in html
    assert 'data-testid="enterprise-name">扬州市邗江区智造云科技有限公司<' in html
    assert 'data-testid="category-name">示范/试点企业<' in html
    assert 'data-testid="submitted-at">2019年05月15日 10:00:00（北京时间）<' in html
    # nothing else of the application
    for secret in [
        snapshot["enterprise"]["uscc"],
        snapshot["enterprise"]["mobile"],
        snapshot["enterprise"]["legal_representative"],
        "186000",
        "186,000.00",
        "用友",
        snapshot["materials"][0]["sha256"],
        snapshot["materials"][0]["filename"],
        "demo_enterprise",
    ]:
        assert secret not in html, secret


def test_facts_come_from_the_frozen_snapshot(submitted):
    _snapshot, digest = submitted
    # a later rename of the organisation does not change what was submitted
    Application.objects.get().enterprise.__class__.objects.update(name="改名后的企业")
    facts = verification_for(digest)
    assert facts == {
        "status": "current",
        "receipt_no": "YZ2018-SF-321003-0001",
        "version": 1,
        "submitted_at": dt.datetime(2019, 5, 15, 10, 0, tzinfo=SHANGHAI),
        "latest_version": 1,
        "superseded_by": None,
        "withdrawn_at": None,
        "returned_at": None,
        "enterprise": "扬州市邗江区智造云科技有限公司",
        "category": "示范/试点企业",
        "message": "核验通过：这是当前有效的申请书（第 1 版，提交时间 2019年05月15日 10:00:00（北京时间））。",
    }
    assert facts["submitted_at"].utcoffset() == dt.timedelta(hours=8)


def test_verification_is_public(client, submitted):
    _snapshot, digest = submitted
    client.logout()
    assert client.get(f"/verify/{digest}").status_code == 200


def test_not_found_is_404(client, db):
    response = client.get("/verify/" + "0" * 64)
    assert response.status_code == 404
    assert "未找到" in response.content.decode()


def test_a_tampered_snapshot_digest_is_not_found(client, submitted):
    snapshot, digest = submitted
    snapshot["form"]["investments"][0]["amount_yuan"] = "1186000.00"
    assert client.get(f"/verify/{digest_of(snapshot)}").status_code == 404


@pytest.mark.parametrize("bad", ["abc", "g" * 64, "0" * 63, "0" * 65, "%3Cscript%3E"])
def test_bad_digest_is_400_with_a_message(client, db, bad):
    response = client.get(f"/verify/{bad}")
    assert response.status_code == 400
    html = response.content.decode()
    assert "64 位十六进制" in html
    assert "<script>" not in html


def test_upper_case_digest_redirects_to_the_canonical_address(client, submitted):
    _snapshot, digest = submitted
    response = client.get(f"/verify/{digest.upper()}")
    assert response.status_code == 302
    assert response["Location"] == f"/verify/{digest}"


def test_the_form_carries_a_typed_digest_to_its_page(client, submitted):
    _snapshot, digest = submitted
    assert client.get("/verify/").status_code == 200
    response = client.get("/verify/", {"digest": f"  {digest[:32]} {digest[32:].upper()} "})
    assert response.status_code == 302 and response["Location"] == f"/verify/{digest}"
    assert client.get("/verify/", {"digest": "nope"}).status_code == 400


def test_only_get(client, submitted):
    _snapshot, digest = submitted
    assert client.post(f"/verify/{digest}").status_code == 405


def test_normalise_digest():
    assert normalise_digest("A" * 64) == "a" * 64
    assert normalise_digest(None) is None
    assert normalise_digest("a" * 64 + "\n") == "a" * 64


# ------------------------------------------------------------------- what the copy is now, through the services


def submit(application, user):
    return services.application_submit(application=application, actor=user, declaration=True)


@pytest.fixture
def lifecycle(cast):
    """甲's complete demonstration application, submitted once (version 1)."""
    application = submit(complete(cast.enterprise_a, make_call()), cast.enterprise_a)
    return application


def event_time(application, action):
    event = Event.objects.filter(action=action, object_id=str(application.pk)).latest("occurred_at")
    return event.occurred_at.astimezone(SHANGHAI).replace(microsecond=0)


def page(client, digest):
    response = client.get(f"/verify/{digest}")
    html = response.content.decode()
    result = re.search(r'data-testid="verify-result"[^>]*>(.*?)</p>', html, re.S).group(1)
    return response, html, re.sub(r"<[^>]+>", "", result).strip()


def api(client, digest):
    return client.get(f"/api/v1/verify/{digest}")


def test_the_latest_standing_submission_is_current(client, lifecycle):
    application = lifecycle
    facts = verification_for(application.digest)
    assert facts["status"] == "current"
    assert facts["version"] == facts["latest_version"] == 1
    assert facts["submitted_at"] == application.submitted_at.astimezone(SHANGHAI)
    assert facts["receipt_no"] == application.receipt_no
    assert facts["enterprise"] == application.enterprise.name
    assert facts["category"] == application.category.name
    response, html, result = page(client, application.digest)
    assert response.status_code == 200
    assert result == facts["message"]
    assert result.startswith("核验通过：这是当前有效的申请书（第 1 版，提交时间 ")
    assert local_time(application.submitted_at.isoformat()) in result
    assert 'data-status="current"' in html and 'class="pass"' in html
    assert f'data-testid="receipt-no">{application.receipt_no}<' in html


def test_a_withdrawn_copy_says_so_with_the_time(client, cast, lifecycle):
    application = services.application_withdraw(application=lifecycle, actor=cast.enterprise_a)
    withdrawn_at = event_time(application, "application.withdraw")
    facts = verification_for(application.digest)
    assert facts["status"] == "withdrawn"
    assert facts["withdrawn_at"] == withdrawn_at
    assert facts["returned_at"] is None and facts["superseded_by"] is None
    shown = local_time(withdrawn_at.isoformat())
    assert facts["message"] == f"该申请书（第 1 版）确由本系统提交，但企业已于 {shown} 撤回，目前不在审核中。"
    response, html, result = page(client, application.digest)
    assert response.status_code == 200
    assert result == facts["message"]
    assert "核验通过" not in html and "已提交申请书" not in html
    assert f'data-testid="withdrawn-at">{shown}<' in html
    assert f'data-testid="receipt-no">{application.receipt_no}<' in html
    assert 'data-status="withdrawn"' in html and 'class="fail"' in html


def test_a_returned_copy_says_so_with_the_time(client, cast, lifecycle):
    application = services.transition(
        application=lifecycle, action="return", actor=cast.hanjiang_industry, comment="材料不全"
    )
    returned_at = event_time(application, "application.return")
    facts = verification_for(application.digest)
    assert facts["status"] == "returned"
    assert facts["returned_at"] == returned_at and facts["withdrawn_at"] is None
    shown = local_time(returned_at.isoformat())
    assert facts["message"] == f"该申请书（第 1 版）确由本系统提交，但已于 {shown} 退回修改，目前不在审核中。"
    _response, html, result = page(client, application.digest)
    assert result == facts["message"]
    assert f'data-testid="returned-at">{shown}<' in html
    assert "材料不全" not in html  # the county's comment is not public


def test_after_withdraw_and_resubmit_the_old_copy_is_superseded_and_the_new_one_current(client, cast, lifecycle):
    old_digest = lifecycle.digest
    services.application_withdraw(application=lifecycle, actor=cast.enterprise_a)
    application = submit(Application.objects.get(pk=lifecycle.pk), cast.enterprise_a)
    assert application.digest != old_digest

    old = verification_for(old_digest)
    new_submitted_at = application.submitted_at.astimezone(SHANGHAI)
    assert old["status"] == "superseded"
    assert old["version"] == 1 and old["latest_version"] == 2
    assert old["superseded_by"] == {"version": 2, "submitted_at": new_submitted_at}
    assert old["withdrawn_at"] is None  # the withdrawal is history: the copy is replaced, not withdrawn
    assert old["receipt_no"] == application.receipt_no
    shown = local_time(new_submitted_at.isoformat())
    assert old["message"] == (
        f"该申请书（第 1 版）确由本系统提交，但已被第 2 版（提交时间 {shown}）取代，不是当前有效的版本。"
    )
    response, html, result = page(client, old_digest)
    assert response.status_code == 200
    assert result == old["message"]
    assert "核验通过" not in html
    assert f'data-testid="superseded-by">第 2 版（提交时间 {shown}）<' in html
    assert f'data-testid="receipt-no">{application.receipt_no}<' in html

    new = verification_for(application.digest)
    assert new["status"] == "current" and new["version"] == new["latest_version"] == 2
    assert new["message"] == f"核验通过：这是当前有效的申请书（第 2 版，提交时间 {shown}）。"
    assert page(client, application.digest)[2] == new["message"]


def test_a_superseded_copy_stays_superseded_when_the_latest_is_withdrawn(cast, lifecycle):
    old_digest = lifecycle.digest
    services.application_withdraw(application=lifecycle, actor=cast.enterprise_a)
    application = submit(Application.objects.get(pk=lifecycle.pk), cast.enterprise_a)
    services.application_withdraw(application=application, actor=cast.enterprise_a)
    assert verification_for(old_digest)["status"] == "superseded"
    assert verification_for(application.digest)["status"] == "withdrawn"


def test_unknown_digest_is_none(db):
    assert verification_for("0" * 64) is None


# ------------------------------------------------------------------------------------------------------ the API


def test_api_current(client, lifecycle):
    application = lifecycle
    response = api(client, application.digest)
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "status": "current",
        "receipt_no": application.receipt_no,
        "version": 1,
        "submitted_at": application.submitted_at.astimezone(SHANGHAI).isoformat(),
        "latest_version": 1,
        "superseded_by": None,
        "withdrawn_at": None,
        "returned_at": None,
        "enterprise": application.enterprise.name,
        "category": application.category.name,
        "message": verification_for(application.digest)["message"],
    }
    assert body["submitted_at"].endswith("+08:00")


def test_api_withdrawn(client, cast, lifecycle):
    application = services.application_withdraw(application=lifecycle, actor=cast.enterprise_a)
    body = api(client, application.digest).json()
    assert body["status"] == "withdrawn"
    assert body["withdrawn_at"] == event_time(application, "application.withdraw").isoformat()
    assert body["message"] == page(client, application.digest)[2]


def test_api_returned(client, cast, lifecycle):
    application = services.transition(
        application=lifecycle, action="return", actor=cast.hanjiang_industry, comment="材料不全"
    )
    body = api(client, application.digest).json()
    assert body["status"] == "returned"
    assert body["returned_at"] == event_time(application, "application.return").isoformat()
    assert body["withdrawn_at"] is None


def test_api_superseded_and_current(client, cast, lifecycle):
    old_digest = lifecycle.digest
    services.application_withdraw(application=lifecycle, actor=cast.enterprise_a)
    application = submit(Application.objects.get(pk=lifecycle.pk), cast.enterprise_a)
    old = api(client, old_digest).json()
    assert old["status"] == "superseded"
    assert old["superseded_by"] == {
        "version": 2,
        "submitted_at": application.submitted_at.astimezone(SHANGHAI).isoformat(),
    }
    assert "已被第 2 版" in old["message"] and "取代" in old["message"]
    new = api(client, application.digest).json()
    assert new["status"] == "current" and new["version"] == 2 and new["superseded_by"] is None


def test_api_is_public_and_accepts_upper_case(client, lifecycle):
    client.logout()
    assert api(client, lifecycle.digest.upper()).json()["status"] == "current"


def test_api_unknown_digest_is_404_with_the_error_body(client, db):
    response = api(client, "0" * 64)
    assert response.status_code == 404
    assert response.json() == {"errors": [{"field": None, "message": "未找到：系统中没有与该摘要一致的已提交申请书。"}]}


def test_api_bad_digest_is_422(client, db):
    response = api(client, "abc")
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "digest" and "64 位十六进制" in error["message"]


def test_api_documents_its_answers(client, db):
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/verify/{digest}"]["get"]
    assert set(operation["responses"]) >= {"200", "404"}
    assert operation.get("security") in (None, [])  # public


def test_a_verification_reads_little(cast, lifecycle, django_assert_num_queries):
    with django_assert_num_queries(2):  # the snapshot with its application, the latest version
        verification_for(lifecycle.digest)
    old_digest = lifecycle.digest
    services.application_withdraw(application=lifecycle, actor=cast.enterprise_a)
    with django_assert_num_queries(3):  # and the withdrawal's event
        verification_for(old_digest)
    submit(Application.objects.get(pk=lifecycle.pk), cast.enterprise_a)
    with django_assert_num_queries(3):  # and the latest snapshot's submission time
        verification_for(old_digest)
