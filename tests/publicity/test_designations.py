"""The designation after the publicity: who may issue it, when, which entries are designated, the numbers and
kinds, the outcome of every applicant, the notifications, the audit, the public results and the permissions."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation
from applications.models import Application
from audit.models import Event
from notifications.models import Message
from publicity import designations
from publicity.models import Designation, Objection, Publicity, PublicityEntry
from tests.applications.core_helpers import make_call
from tests.evaluation.helpers import quick_application

_serial = itertools.count(1)
Status = Application.Status


def in_expert_review(call, organisation, *, code="demonstration", region=None):
    """An application of `organisation` (with its users) already in expert review."""
    n = next(_serial)
    category = call.categories.get(code=code)
    region = region or organisation.region_id or "321003"
    return Application.objects.create(
        call=call,
        category=category,
        enterprise=organisation,
        region_id=region,
        status=Status.EXPERT_REVIEW,
        receipt_no=f"{call.receipt_prefix}-{category.short_code}-{region}-D{n:04d}",
    )


def published(call, applications, *, code="demonstration", ended=True, officer):
    """A publicity of these applications whose period ended yesterday (or ends today)."""
    today = timezone.localdate()
    ends_on = today - dt.timedelta(days=1) if ended else today
    publicity = Publicity.objects.create(
        call=call,
        category=call.categories.get(code=code),
        starts_on=ends_on - dt.timedelta(days=6),
        ends_on=ends_on,
        supervision_phone="0514-87348176",
        supervision_contact="陈锦龙",
        published_by=officer,
    )
    for position, application in enumerate(applications, start=1):
        PublicityEntry.objects.create(
            publicity=publicity,
            application=application,
            position=position,
            enterprise_name=application.enterprise.name,
            category_name=application.category.name,
        )
    return publicity


def uphold(publicity, application, officer):
    """An upheld objection removed this application's entry (what the publicity's decide() leaves behind)."""
    entry = publicity.entries.get(application=application)
    Objection.objects.create(
        publicity=publicity,
        entry=entry,
        name="王某",
        mobile="13900000001",
        grounds="投资额不实",
        state=Objection.State.UPHELD,
        reply="经核实，异议成立。",
        decided_by=officer,
        decided_at=timezone.now(),
    )
    entry.removed_at = timezone.now()
    entry.removal_reason = "异议成立：投资额不实"
    entry.save()


@pytest.fixture
def scene(cast):
    """甲 and 乙 and a third enterprise published; 乙's entry removed by an upheld objection; a fourth
    applicant in expert review not published."""
    call = make_call()
    a = in_expert_review(call, cast.enterprise_a.organisation)
    b = in_expert_review(call, cast.enterprise_b.organisation, region="321002")
    c = quick_application(call)
    d = quick_application(call)
    publicity = published(call, [a, b, c], officer=cast.city_officer)
    uphold(publicity, b, cast.city_officer)
    return {"call": call, "category": call.categories.get(code="demonstration"), "a": a, "b": b, "c": c, "d": d}


def issue(cast, scene, **kwargs):
    return designations.designations_issue(
        actor=cast.city_officer, call=scene["call"], category=scene["category"], **kwargs
    )


def test_the_final_list_is_the_entries_not_removed(cast, scene):
    outcome = issue(cast, scene, kinds={str(scene["c"].pk): "pilot_enterprise"})
    designated = {d.application_id: d for d in outcome["designations"]}
    assert set(designated) == {scene["a"].pk, scene["c"].pk}
    assert {a.pk for a in outcome["not_selected"]} == {scene["b"].pk, scene["d"].pk}
    for key, status in (("a", Status.DESIGNATED), ("c", Status.DESIGNATED), ("b", Status.NOT_SELECTED)):
        scene[key].refresh_from_db()
        assert scene[key].status == status, key
    scene["d"].refresh_from_db()
    assert scene["d"].status == Status.NOT_SELECTED
    assert designated[scene["a"].pk].kind == "demonstration_enterprise"  # the default for the demonstration
    assert designated[scene["c"].pk].kind == "pilot_enterprise"
    assert not Designation.objects.filter(application=scene["b"]).exists()


def test_numbers_follow_the_published_order_and_the_year(cast, scene):
    outcome = issue(cast, scene)
    year = timezone.localdate().year
    assert [d.number for d in outcome["designations"]] == [f"扬工信认〔{year}〕1号", f"扬工信认〔{year}〕2号"]
    # A second call's category of the same year continues the series.
    other = make_call()
    e = quick_application(other, code="new_product")
    published(other, [e], code="new_product", officer=cast.city_officer)
    more = designations.designations_issue(
        actor=cast.city_officer, call=other, category=other.categories.get(code="new_product")
    )
    assert [(d.number, d.kind) for d in more["designations"]] == [(f"扬工信认〔{year}〕3号", "new_product")]


def test_before_the_period_ended_409(cast):
    call = make_call()
    a = in_expert_review(call, cast.enterprise_a.organisation)
    published(call, [a], ended=False, officer=cast.city_officer)
    with pytest.raises(designations.Conflict) as error:
        designations.designations_issue(
            actor=cast.city_officer, call=call, category=call.categories.get(code="demonstration")
        )
    assert error.value.status == 409 and "期满后" in error.value.message
    a.refresh_from_db()
    assert a.status == Status.EXPERT_REVIEW and not Designation.objects.exists()


def test_without_a_publicity_or_with_an_objection_pending_409(cast, scene):
    call = make_call()
    with pytest.raises(designations.Conflict):
        designations.designations_issue(
            actor=cast.city_officer, call=call, category=call.categories.get(code="demonstration")
        )
    publicity = designations.publicity_of(scene["call"], scene["category"])
    Objection.objects.create(
        publicity=publicity,
        entry=publicity.entries.get(application=scene["a"]),
        name="李某",
        mobile="13900000002",
        grounds="材料不实",
    )
    with pytest.raises(designations.Conflict) as error:
        issue(cast, scene)
    assert "异议" in error.value.message


def test_a_second_issuance_409(cast, scene):
    issue(cast, scene)
    with pytest.raises(designations.Conflict) as error:
        issue(cast, scene)
    assert error.value.status == 409 and "重复" in error.value.message


def test_kinds_are_checked_every_problem_at_once(cast, scene):
    with pytest.raises(designations.DomainError) as error:
        issue(cast, scene, kinds={str(scene["a"].pk): "new_product", str(scene["b"].pk): "pilot_enterprise"})
    fields = {e["field"] for e in error.value.errors}
    assert error.value.status == 422 and fields == {f"kinds.{scene['a'].pk}", f"kinds.{scene['b'].pk}"}
    assert not Designation.objects.exists()


def test_only_the_city_issues(cast, scene):
    for user in (cast.hanjiang_industry, cast.enterprise_a, cast.expert, cast.admin):
        with pytest.raises(designations.PermissionDeniedError):
            designations.designations_issue(actor=user, call=scene["call"], category=scene["category"])
    assert not Designation.objects.exists()


def test_every_applicant_is_told_its_outcome(cast, scene):
    cast.enterprise_a.email = "jia@example.com"
    cast.enterprise_a.save()
    issue(cast, scene)
    a_messages = Message.objects.filter(recipient=cast.enterprise_a)
    b_messages = Message.objects.filter(recipient=cast.enterprise_b)
    assert [m.kind for m in a_messages] == ["designation.designated"]
    assert "示范企业" in a_messages[0].body and "扬工信认〔" in a_messages[0].body
    assert a_messages[0].email_state == "queued" and a_messages[0].expected_state == Status.DESIGNATED
    assert [m.kind for m in b_messages] == ["designation.not_selected"]
    assert "未入选" in b_messages[0].subject


def test_the_issuance_is_audited(cast, scene):
    outcome = issue(cast, scene)
    event = Event.objects.get(action="designation.issue")
    assert event.actor_id == cast.city_officer.pk
    assert set(event.data["not_selected"]) == {a.pk for a in outcome["not_selected"]}
    assert {row["number"] for row in event.data["designated"]} == {d.number for d in outcome["designations"]}
    assert Event.objects.filter(action="application.designate").count() == 2
    assert Event.objects.filter(action="application.not_select").count() == 2


def test_the_certificates_are_made_after_the_commit(cast, scene, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            issue(cast, scene)
    for designation in Designation.objects.all():
        assert designation.certificate and len(designation.certificate_sm3) == 64


# ------------------------------------------------------------------------------------------------------- API


def post(client, call, headers, body):
    return client.post(f"/api/v1/calls/{call.pk}/designations", body, content_type="application/json", **headers)


def test_api_issue(client, api_token, cast, scene, monkeypatch):
    monkeypatch.setattr(designations, "_make_certificates", lambda ids: None)  # the PDFs: test_certificates
    for user in (cast.hanjiang_industry, cast.enterprise_a, cast.expert):
        response = post(client, scene["call"], api_token(user), {"category": "demonstration"})
        assert response.status_code == 403, user
    headers = api_token(cast.city_officer)
    response = post(client, scene["call"], headers, {"category": "demonstration", "kinds": {"0": "pilot_enterprise"}})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "kinds.0"
    response = post(client, scene["call"], headers, {"category": "demonstration"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert [d["application"] for d in body["designations"]] == [scene["a"].pk, scene["c"].pk]
    assert body["designations"][0]["kind_label"] == "示范企业"
    assert "/results/certificates/" in body["designations"][0]["verify_url"]
    assert {row["application"] for row in body["not_selected"]} == {scene["b"].pk, scene["d"].pk}
    assert post(client, scene["call"], headers, {"category": "demonstration"}).status_code == 409
    listed = client.get(f"/api/v1/calls/{scene['call'].pk}/designations?category=demonstration", **headers)
    assert [d["number"] for d in listed.json()] == [d["number"] for d in body["designations"]]


def test_api_before_the_period_409(client, api_token, cast):
    call = make_call()
    a = in_expert_review(call, cast.enterprise_a.organisation)
    published(call, [a], ended=False, officer=cast.city_officer)
    response = post(client, call, api_token(cast.city_officer), {"category": "demonstration"})
    assert response.status_code == 409 and "期满后" in response.json()["errors"][0]["message"]


def test_results_are_public(client, cast, scene, monkeypatch):
    monkeypatch.setattr(designations, "_make_certificates", lambda ids: None)
    issue(cast, scene)
    answer = client.get("/api/v1/results").json()
    [year] = answer["years"]
    assert year["year"] == scene["call"].year
    [category] = year["categories"]
    assert category["code"] == "demonstration"
    assert [d["enterprise"] for d in category["designations"]] == [
        scene["a"].enterprise.name,
        scene["c"].enterprise.name,
    ]
    assert client.get(f"/api/v1/results?year={scene['call'].year + 1}").json() == {"years": []}
    page = client.get("/results/")
    text = page.content.decode()
    assert page.status_code == 200 and scene["a"].enterprise.name in text and scene["c"].enterprise.name in text
    assert scene["b"].enterprise.name not in text  # removed by the upheld objection
    assert "扬工信认〔" in text


def test_the_city_page(client, cast, scene, monkeypatch):
    monkeypatch.setattr(designations, "_make_certificates", lambda ids: None)
    url = f"/designations/calls/{scene['call'].pk}/demonstration/"
    client.force_login(cast.enterprise_a)
    assert client.get(url).status_code == 403
    client.force_login(cast.city_officer)
    page = client.get(url)
    assert page.status_code == 200 and scene["c"].enterprise.name in page.content.decode()
    assert scene["b"].enterprise.name not in page.content.decode()
    response = client.post(url, {f"kind_{scene['c'].pk}": "pilot_enterprise"})
    assert response.status_code == 302
    assert Designation.objects.get(application=scene["c"]).kind == "pilot_enterprise"
    assert "已认定" in client.get(url).content.decode()


def test_the_enterprise_sees_its_outcome(client, cast, scene, monkeypatch):
    from django.template import Context, Template
    from django.test import RequestFactory

    monkeypatch.setattr(designations, "_make_certificates", lambda ids: None)
    issue(cast, scene)
    template = Template('{% include "publicity/_enterprise_outcome.html" %}')

    def render(user, application):
        request = RequestFactory().get("/")
        request.user = user
        return template.render(Context({"request": request, "application": application}))

    a = Application.objects.get(pk=scene["a"].pk)
    mine = render(cast.enterprise_a, a)
    assert 'data-designated="true"' in mine and "扬工信认〔" in mine and f"/designations/applications/{a.pk}/" in mine
    assert render(cast.enterprise_b, a).strip() == ""  # not theirs: nothing shown
    b = Application.objects.get(pk=scene["b"].pk)
    assert 'data-designated="false"' in render(cast.enterprise_b, b)
    before = in_expert_review(make_call(), cast.enterprise_a.organisation)
    assert render(cast.enterprise_a, before).strip() == ""


def test_certificate_permissions(client, api_token, cast, scene, monkeypatch):
    """Own enterprise and staff read it; anyone else gets 404, as for a certificate that does not exist."""
    monkeypatch.setattr(designations, "_make_certificates", lambda ids: None)
    monkeypatch.setattr("publicity.certificates.certificate_bytes", lambda designation: b"%PDF-1.7 test")
    issue(cast, scene)
    url = f"/api/v1/applications/{scene['a'].pk}/certificate.pdf"
    for user in (cast.enterprise_a, cast.hanjiang_industry, cast.city_officer):
        response = client.get(url, **api_token(user))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf", user
    for user in (cast.enterprise_b, cast.guangling_industry, cast.expert):
        assert client.get(url, **api_token(user)).status_code == 404, user
    assert client.get(url).status_code == 401
    # 乙's application was not designated: no certificate, 404 to its own enterprise too.
    other = f"/api/v1/applications/{scene['b'].pk}/certificate.pdf"
    assert client.get(other, **api_token(cast.enterprise_b)).status_code == 404
    client.force_login(cast.enterprise_b)
    assert client.get(f"/designations/applications/{scene['a'].pk}/certificate.pdf").status_code == 404
    client.force_login(cast.enterprise_a)
    assert client.get(f"/designations/applications/{scene['a'].pk}/certificate.pdf").status_code == 200


def test_city_bureau_exists(db):
    assert Organisation.objects.filter(kind=Organisation.Kind.CITY_INDUSTRY).count() == 1


def test_through_the_publicity_services(cast, monkeypatch):
    """Scored, published, objected to and upheld with the publicity's own services: the upheld entry is not
    designated, the other entry is, and the application outside the quota is not selected."""
    from publicity import services as publicity_services
    from tests.publicity import helpers

    monkeypatch.setattr(designations, "_make_certificates", lambda ids: None)
    publicity, apps = helpers.published(cast)  # three scored, the quota takes the first two
    entries = [e.application_id for e in publicity.entries.all()]
    assert entries == [apps[0].pk, apps[1].pk]
    objection = publicity_services.lodge_objection(
        publicity=publicity, application_id=apps[0].pk, name="张三", mobile="13812345678", grounds="投资额不实"
    )
    publicity_services.decide(actor=cast.city_officer, objection=objection, upheld=True, reply="异议成立。")
    with pytest.raises(designations.Conflict):  # the period runs
        designations.designations_issue(actor=cast.city_officer, call=publicity.call, category=publicity.category)
    helpers.shift(publicity, -(publicity.ends_on - publicity.starts_on).days - 1)
    outcome = designations.designations_issue(actor=cast.city_officer, call=publicity.call, category=publicity.category)
    assert [d.application_id for d in outcome["designations"]] == [apps[1].pk]
    assert {a.pk for a in outcome["not_selected"]} == {apps[0].pk, apps[2].pk}


def test_the_designation_closes_the_publicity_audited(cast, scene):
    from core.errors import DomainError
    from publicity import services as publicity_services

    publicity = designations.publicity_of(scene["call"], scene["category"])
    assert publicity.state == Publicity.State.PUBLISHED
    outcome = issue(cast, scene)
    publicity.refresh_from_db()
    assert outcome["publicity"].pk == publicity.pk and publicity.state == Publicity.State.CLOSED
    event = Event.objects.get(action="publicity.close")
    assert (event.object_id, event.from_state, event.to_state) == (str(publicity.pk), "published", "closed")
    assert event.actor_id == cast.city_officer.pk and event.data["designation"] is True
    # Objections are refused from then on, even were the dates open again (the state, not only the period).
    publicity.starts_on, publicity.ends_on = timezone.localdate(), timezone.localdate() + dt.timedelta(days=6)
    publicity.save(update_fields=["starts_on", "ends_on"])
    with pytest.raises(DomainError, match="已结束"):
        publicity_services.lodge_objection(
            publicity=publicity, application_id=scene["a"].pk, name="张三", mobile="13812345678", grounds="不实"
        )
    assert not publicity_services.close(actor=cast.city_officer, publicity=publicity)  # closed once only
    assert Event.objects.filter(action="publicity.close").count() == 1


def test_a_failed_issuance_leaves_the_publicity_open(cast, scene, monkeypatch):
    def fail(*_args):
        raise RuntimeError("mail queue down")

    monkeypatch.setattr(designations, "_tell_outcomes", fail)
    with pytest.raises(RuntimeError):
        issue(cast, scene)
    publicity = designations.publicity_of(scene["call"], scene["category"])
    assert publicity.state == Publicity.State.PUBLISHED  # one transaction: closed only with the designations
    assert not Event.objects.filter(action="publicity.close").exists() and not Designation.objects.exists()
