"""Forwarding batches: assemble from the own unit's recommended applications, each bureau seals once, forward in
one transaction; who sees which batch (services, API and pages)."""

import json

import pytest
from django.urls import reverse

from accounts.services import api_token_issue
from applications.models import Application
from applications.rules import allowed
from audit.models import Event
from core.errors import Conflict, DomainError, PermissionDeniedError
from notifications.models import Message
from reviews import batches
from reviews.models import Batch, BatchDocument, BatchItem, BatchSeal
from reviews.seals.crypto import sm3_hex
from tests.applications.core_helpers import make_call
from tests.reviews.batch_helpers import assembled, recommended_in_unit, sealed
from tests.reviews.helpers import submitted

pytestmark = pytest.mark.django_db
S = Application.Status
Kind = BatchDocument.Kind


def _year():
    from django.utils import timezone

    from programmes.models import SHANGHAI

    return timezone.now().astimezone(SHANGHAI).year


def test_a_batch_gets_the_units_next_number_its_items_documents_and_manifest(cast):
    first, second = recommended_in_unit(cast, 2, codes=("demonstration", "new_product"))
    batch = assembled(cast, [first])
    assert batch.number == f"邗工信〔{_year()}〕1号"
    assert batch.state == Batch.State.ASSEMBLED and batch.region_id == "321003"
    assert list(batch.items.values_list("application_id", "round")) == [(first.pk, first.review_round)]
    following = assembled(cast, [second], by="hanjiang_finance")
    assert following.number == f"邗工信〔{_year()}〕2号"

    body = json.loads(batch.manifest)
    assert batch.manifest_digest == sm3_hex(batch.manifest.encode())
    assert [(a["receipt_no"], a["snapshot_sha256"]) for a in body["applications"]] == [
        (first.receipt_no, first.snapshots.get().digest)
    ]
    listed = {d["kind"]: d for d in body["documents"]}
    assert set(listed) == {Kind.SUMMARY_XLSX, Kind.SUMMARY_PDF, Kind.LETTER_PDF}
    for kind, entry in listed.items():
        data = batches.read_document(batches.document_of(batch, kind))
        assert entry["sm3"] == sm3_hex(data) and entry["size"] == len(data)
    assert Event.objects.filter(action="batch.assemble", object_id=str(batch.pk)).count() == 1


def test_only_the_own_units_recommended_applications_of_one_call_and_each_once(cast):
    mine = recommended_in_unit(cast, 1)[0]
    other_unit = recommended_in_unit(cast, 1, region="321002")[0]
    not_yet = submitted(cast)  # 甲 (邗江), no opinion yet
    with pytest.raises(DomainError) as caught:
        batches.batch_assemble(
            actor=cast.hanjiang_industry, application_ids=[mine.pk, other_unit.pk, not_yet.pk, 987654]
        )
    assert caught.value.status == 422
    errors = {e["field"]: e["message"] for e in caught.value.errors}
    assert set(errors) == {"applications.1", "applications.2", "applications.3"}
    # Another unit's application reads exactly like one that does not exist.
    assert errors["applications.1"] == f"申报书 {other_unit.pk}：不存在或无权查看。"
    assert errors["applications.3"] == "申报书 987654：不存在或无权查看。"
    assert "县区已推荐" in errors["applications.2"]
    assert not Batch.objects.exists()

    batch = assembled(cast, [mine])
    with pytest.raises(DomainError) as again:
        assembled(cast, [mine])
    assert again.value.errors[0]["message"] == f"申报书 {mine.pk}：已在上报批次 {batch.number} 中。"

    elsewhere = recommended_in_unit(cast, 1, call=make_call())[0]
    later = recommended_in_unit(cast, 1)[0]
    with pytest.raises(DomainError) as calls:
        assembled(cast, [elsewhere, later])
    assert calls.value.errors[-1]["field"] == "applications"


@pytest.mark.parametrize("who", ["enterprise_a", "city_officer", "expert", "admin"])
def test_only_county_reviewers_assemble(cast, who):
    application = recommended_in_unit(cast, 1)[0]
    with pytest.raises(PermissionDeniedError):
        batches.batch_assemble(actor=getattr(cast, who), application_ids=[application.pk])


def test_each_bureau_seals_once_and_forwarding_needs_both(cast):
    batch = assembled(cast, recommended_in_unit(cast, 1))
    with pytest.raises(Conflict):
        batches.batch_forward(batch=batch, actor=cast.hanjiang_industry)
    batches.batch_seal(batch=batch, actor=cast.hanjiang_industry)
    with pytest.raises(Conflict) as twice:
        batches.batch_seal(batch=batch, actor=cast.hanjiang_industry)
    assert twice.value.status == 409
    with pytest.raises(Conflict):
        batches.batch_forward(batch=batch, actor=cast.hanjiang_finance)
    assert BatchSeal.objects.filter(batch=batch).count() == 1
    batch.refresh_from_db()
    assert batch.state == Batch.State.ASSEMBLED
    for who in ("guangling_industry", "city_officer", "enterprise_a"):
        with pytest.raises(PermissionDeniedError):
            batches.batch_seal(batch=batch, actor=getattr(cast, who))
    batches.batch_seal(batch=batch, actor=cast.hanjiang_finance)
    batch.refresh_from_db()
    assert batch.state == Batch.State.SEALED
    assert sorted(batch.documents.filter(kind=Kind.LETTER_PDF).values_list("seals", flat=True)) == [0, 1, 2]
    assert Event.objects.filter(action="batch.seal", object_id=str(batch.pk)).count() == 2


def test_forward_moves_every_application_and_tells_the_city(cast):
    applications = recommended_in_unit(cast, 2)
    batch = sealed(cast, assembled(cast, applications))
    batches.batch_forward(batch=batch, actor=cast.hanjiang_finance)
    batch.refresh_from_db()
    assert batch.state == Batch.State.FORWARDED
    assert batch.forwarded_by == cast.hanjiang_finance and batch.forwarded_at is not None
    assert set(Application.objects.filter(pk__in=[a.pk for a in applications]).values_list("status", flat=True)) == {
        S.FORWARDED
    }
    assert Event.objects.filter(action="application.forward").count() == 2
    assert Event.objects.filter(action="batch.forward", object_id=str(batch.pk)).count() == 1
    message = Message.objects.get(recipient=cast.city_officer, kind="batch.forward")
    assert batch.number in message.subject and message.link == reverse("reviews:batch_detail", args=[batch.pk])
    with pytest.raises(Conflict):
        batches.batch_forward(batch=batch, actor=cast.hanjiang_finance)
    with pytest.raises(Conflict):
        batches.batch_seal(batch=batch, actor=cast.hanjiang_industry)


def test_one_refused_transition_leaves_every_application_and_the_batch_as_they_were(cast):
    first, second = recommended_in_unit(cast, 2)
    batch = sealed(cast, assembled(cast, [first, second]))
    # As if the second had moved meanwhile: its forward transition is refused (409) after the first went through.
    Application.objects.filter(pk=second.pk).update(status=S.NOT_RECOMMENDED)
    with pytest.raises(Conflict):
        batches.batch_forward(batch=batch, actor=cast.hanjiang_industry)
    first.refresh_from_db()
    assert first.status == S.RECOMMENDED
    batch.refresh_from_db()
    assert batch.forwarded_at is None and batch.state == Batch.State.SEALED
    assert not Event.objects.filter(action__in=["application.forward", "batch.forward"]).exists()
    assert not Message.objects.filter(kind="batch.forward").exists()


def test_the_selector_is_the_view_rule(cast):
    hanjiang = sealed(cast, assembled(cast, recommended_in_unit(cast, 1)))
    hanjiang = batches.batch_forward(batch=hanjiang, actor=cast.hanjiang_industry)
    guangling = assembled(cast, recommended_in_unit(cast, 1, region="321002"), by="guangling_industry")
    for name in ("hanjiang_industry", "hanjiang_finance", "guangling_industry", "city_officer", "enterprise_a",
                 "expert", "admin", "anonymous"):  # fmt: skip
        user = getattr(cast, name)
        visible = set(batches.batches_visible_to(user))
        for batch in (hanjiang, guangling):
            assert (batch in visible) == allowed(user, "reviews.view_batch", batch), (name, batch.number)
    assert set(batches.batches_visible_to(cast.city_officer)) == {hanjiang}


# --------------------------------------------------------------------------------------------------- API


def test_api_assemble_seal_forward_and_read(cast, client, api_token):
    applications = recommended_in_unit(cast, 2, codes=("demonstration", "new_product"))
    industry, finance = api_token(cast.hanjiang_industry), api_token(cast.hanjiang_finance)
    response = client.post(
        "/api/v1/batches",
        {"applications": [a.pk for a in applications]},
        content_type="application/json",
        **industry,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    batch_id = body["id"]
    assert body["state"] == "assembled" and body["actions"] == ["seal"]
    assert body["manifest"]["applications"][0]["receipt_no"] in {a.receipt_no for a in applications}
    assert body["manifest_digest"] == Batch.objects.get(pk=batch_id).manifest_digest
    assert {d["kind"] for d in body["documents"]} == {"summary_xlsx", "summary_pdf", "letter_pdf", "manifest"}
    assert body["verification"]["valid"] is False and body["seals"] == []

    assert client.post(f"/api/v1/batches/{batch_id}/forward", **industry).status_code == 409
    assert client.post(f"/api/v1/batches/{batch_id}/seal", **industry).status_code == 200
    again = client.post(f"/api/v1/batches/{batch_id}/seal", **industry)
    assert again.status_code == 409 and again.json()["errors"][0]["message"] == "本部门已在该批次上盖章。"
    sealed_body = client.post(f"/api/v1/batches/{batch_id}/seal", **finance).json()
    assert [(s["bureau"], s["valid"]) for s in sealed_body["seals"]] == [("industry", True), ("finance", True)]
    assert sealed_body["verification"]["valid"] is True
    assert sealed_body["actions"] == ["forward"]

    forwarded = client.post(f"/api/v1/batches/{batch_id}/forward", **finance)
    assert forwarded.status_code == 200 and forwarded.json()["state"] == "forwarded"
    assert {a["status"] for a in forwarded.json()["applications"]} == {"forwarded"}

    city = api_token(cast.city_officer)
    listing = client.get("/api/v1/batches", **city).json()
    assert listing["count"] == 1 and listing["results"][0]["seals_valid"] is True
    detail = client.get(f"/api/v1/batches/{batch_id}", **city).json()
    assert all(d["valid"] for d in detail["verification"]["documents"])


def test_api_a_page_far_past_the_end_is_empty_not_an_error(cast, client):
    key, _token = api_token_issue(user=cast.city_officer)
    response = client.get("/api/v1/batches", {"page": 10**20}, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200, response.content
    assert response.json()["results"] == []
    client.force_login(cast.city_officer)
    assert client.get(reverse("reviews:batch_list"), {"page": 10**20}).status_code == 200


def test_api_422_lists_refused_ids_and_404_hides_other_units_batches(cast, client, api_token):
    guangling_application = recommended_in_unit(cast, 1, region="321002")[0]
    guangling_batch = assembled(cast, [guangling_application], by="guangling_industry")
    industry = api_token(cast.hanjiang_industry)
    refused = client.post(
        "/api/v1/batches", {"applications": [guangling_application.pk]}, content_type="application/json", **industry
    )
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"field": "applications.0", "message": f"申报书 {guangling_application.pk}：不存在或无权查看。"}
    ]
    empty = client.post("/api/v1/batches", {"applications": []}, content_type="application/json", **industry)
    assert empty.status_code == 422
    for path in ("", "/summary.xlsx", "/summary.pdf", "/letter.pdf", "/manifest.json"):
        assert client.get(f"/api/v1/batches/{guangling_batch.pk}{path}", **industry).status_code == 404
    assert client.post(f"/api/v1/batches/{guangling_batch.pk}/seal", **industry).status_code == 404
    # The city sees a batch only once it was forwarded.
    city = api_token(cast.city_officer)
    assert client.get(f"/api/v1/batches/{guangling_batch.pk}", **city).status_code == 404
    assert client.get("/api/v1/batches", **city).json()["count"] == 0
    assert client.get("/api/v1/batches", **industry).json()["count"] == 0
    enterprise = api_token(cast.enterprise_a)
    assert (
        client.post("/api/v1/batches", {"applications": [1]}, content_type="application/json", **enterprise).status_code
        == 403
    )


def test_api_downloads_are_the_sealed_versions_once_sealed(cast, client, api_token):
    batch = assembled(cast, recommended_in_unit(cast, 1))
    industry = api_token(cast.hanjiang_industry)
    unsealed = client.get(f"/api/v1/batches/{batch.pk}/letter.pdf", **industry)
    assert unsealed.status_code == 200 and unsealed["Content-Type"] == "application/pdf"
    assert "filename*=UTF-8''" in unsealed["Content-Disposition"]
    sealed(cast, batch)
    letter = client.get(f"/api/v1/batches/{batch.pk}/letter.pdf", **industry).content
    assert letter.startswith(unsealed.content) and len(letter) > len(unsealed.content)  # incremental updates
    xlsx = client.get(f"/api/v1/batches/{batch.pk}/summary.xlsx", **industry)
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    manifest = client.get(f"/api/v1/batches/{batch.pk}/manifest.json", **industry)
    assert len(json.loads(manifest.content)["signatures"]) == 2
    assert Event.objects.filter(action="batch.download", object_id=str(batch.pk)).count() == 4


# --------------------------------------------------------------------------------------------------- pages


def test_pages_assemble_seal_and_forward(cast, client):
    applications = recommended_in_unit(cast, 2)
    client.force_login(cast.hanjiang_industry)
    listing = client.get(reverse("reviews:batch_list"))
    assert listing.status_code == 200 and "组建上报批次" in listing.content.decode()
    picker = client.get(reverse("reviews:batch_new")).content.decode()
    assert all(a.receipt_no in picker for a in applications)
    created = client.post(reverse("reviews:batch_new"), {"applications": [applications[0].pk]})
    batch = Batch.objects.get()
    assert created.status_code == 302 and created["Location"] == reverse("reviews:batch_detail", args=[batch.pk])
    assert list(BatchItem.objects.values_list("application_id", flat=True)) == [applications[0].pk]
    picker = client.get(reverse("reviews:batch_new")).content.decode()
    assert applications[0].receipt_no not in picker and applications[1].receipt_no in picker

    page = client.get(created["Location"]).content.decode()
    assert batch.number in page and 'id="seal-button"' in page and "工信部门盖章" in page
    assert 'id="forward-button"' not in page
    client.post(reverse("reviews:batch_seal", args=[batch.pk]))
    client.force_login(cast.hanjiang_finance)
    page = client.get(created["Location"]).content.decode()
    assert "财政部门盖章" in page
    client.post(reverse("reviews:batch_seal", args=[batch.pk]))
    page = client.get(created["Location"]).content.decode()
    assert "两个部门的电子印章均已核验通过。" in page and 'id="forward-button"' in page
    assert client.post(reverse("reviews:batch_forward", args=[batch.pk])).status_code == 302
    document = client.get(reverse("reviews:batch_document", args=[batch.pk, "summary.pdf"]))
    assert document.status_code == 200 and document.content.startswith(b"%PDF-")

    client.force_login(cast.city_officer)
    city = client.get(reverse("reviews:batch_list")).content.decode()
    assert batch.number in city and 'data-seals-valid="yes"' in city and "邗江区" in city
    assert "组建上报批次" not in city
    client.force_login(cast.guangling_industry)
    assert client.get(reverse("reviews:batch_detail", args=[batch.pk])).status_code == 404


def test_the_picker_refuses_with_the_reasons(cast, client):
    application = recommended_in_unit(cast, 1)[0]
    client.force_login(cast.hanjiang_finance)
    response = client.post(reverse("reviews:batch_new"), {"applications": [application.pk, 987654]})
    assert response.status_code == 422
    assert "申报书 987654：不存在或无权查看。" in response.content.decode()
    client.force_login(cast.enterprise_a)
    assert client.get(reverse("reviews:batch_new")).status_code == 403


def test_a_number_taken_while_rendering_renders_again_with_the_next(cast, monkeypatch):
    first, second = recommended_in_unit(cast, 2)
    real_render, calls = batches._render, []

    def render_while_another_batch_is_made(plan):
        calls.append(plan["letter"].number)
        if len(calls) == 1:  # another reviewer of the unit finishes a batch meanwhile
            monkeypatch.setattr(batches, "_render", real_render)
            assembled(cast, [second], by="hanjiang_finance")
            monkeypatch.setattr(batches, "_render", render_while_another_batch_is_made)
        return real_render(plan)

    monkeypatch.setattr(batches, "_render", render_while_another_batch_is_made)
    batch = assembled(cast, [first])
    year = _year()
    assert calls == [f"邗工信〔{year}〕1号", f"邗工信〔{year}〕2号"]
    assert batch.number == f"邗工信〔{year}〕2号"
    letter = batches.read_document(batches.document_of(batch, Kind.LETTER_PDF))
    assert batch.documents.filter(seals=0).count() == 4 and letter.startswith(b"%PDF-")
