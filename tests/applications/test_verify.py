"""The public verification page /verify/<digest>: four facts when found, 404 when not, 400 for a bad digest."""

import pytest

from applications.models import Application, Snapshot
from applications.views_verify import normalise_digest, verification_facts
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
    facts = verification_facts(digest)
    assert facts == {
        "receipt_no": "YZ2018-SF-321003-0001",
        "enterprise_name": "扬州市邗江区智造云科技有限公司",
        "category_name": "示范/试点企业",
        "submitted_at": "2019年05月15日 10:00:00（北京时间）",
    }


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
