"""Every role × every action × own / other object, through the services, the pages and the API.

One table says what each member of the cast may do with 甲's application (邗江区) in each of its states; the
three surfaces must all agree with it. "Own / other" is in the cast: 甲 owns the application and 乙 does not;
邗江's bureaus are its unit and 广陵's are not.

States: a draft never submitted (D); submitted (S); withdrawn, then edited and one file replaced (W) — staff
must read the submitted snapshot and its files, never the new edits or the new file.

Outcomes: ok; hidden (HTTP 404: the object does not exist for this person); denied (403: visible, not yours
to act on); state (409: yours, but not in this state); login (anonymous).
Each mutating attempt runs in a savepoint that is rolled back, so every row starts from the same state.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from accounts.models import ApiToken
from applications import selectors, services
from applications.forms import definition_for_application
from applications.material_samples import pdf_bytes
from applications.materials.selectors import material_for
from applications.materials.services import attach_material
from applications.models import Application, Material
from applications.pdf_cache import get_or_render_pdf
from tests.applications.core_helpers import as_post, complete, make_call
from tests.matrix import DENIED, HIDDEN, LOGIN, OK, STATE, service_outcome

pytestmark = pytest.mark.django_db

STATES = ("D", "S", "W")
ACTIONS = (
    "view",
    "edit",
    "upload",
    "download_current",
    "download_submitted",
    "pdf",
    "submit",
    "withdraw",
    "return",
)


def _row(**per_action):
    """action -> outcome in D, S, W ("ok ok state" etc.)."""
    return {action: dict(zip(STATES, spec.split(), strict=True)) for action, spec in per_action.items()}


_OWNER = _row(
    view="ok ok ok",
    edit="ok state ok",
    upload="ok state ok",
    download_current="ok ok ok",
    # The file the latest submission listed, which W replaced: the enterprise reads only its current files.
    download_submitted="ok ok hidden",
    pdf="state ok hidden",  # no PDF before submission (409) or after withdrawal (404: nothing stands)
    submit="ok state ok",
    withdraw="state ok state",
    **{"return": "denied denied denied"},  # never the enterprise's action: 403 whatever the state
)
_STRANGER = _row(**{action: "hidden hidden hidden" for action in ACTIONS})
_UNIT = _row(
    view="hidden ok ok",
    edit="hidden denied denied",
    upload="hidden denied denied",
    download_current="hidden ok hidden",  # W's new file is unsubmitted work
    download_submitted="hidden ok ok",
    pdf="hidden ok hidden",
    submit="hidden denied denied",
    withdraw="hidden denied denied",
    **{"return": "hidden ok state"},
)
_CITY = {**_UNIT, "return": dict(zip(STATES, ("hidden", "denied", "denied"), strict=True))}
_ADMIN = _row(
    view="ok ok ok",
    edit="denied denied denied",
    upload="denied denied denied",
    download_current="ok ok ok",
    download_submitted="ok ok ok",
    pdf="state ok hidden",
    submit="denied denied denied",
    withdraw="denied denied denied",
    **{"return": "denied denied denied"},
)
TABLE = {
    "enterprise_a": _OWNER,
    "enterprise_b": _STRANGER,
    "hanjiang_industry": _UNIT,
    "hanjiang_finance": _UNIT,
    "guangling_industry": _STRANGER,
    "guangling_finance": _STRANGER,
    "city_officer": _CITY,
    "expert": _STRANGER,
    "admin": _ADMIN,
    "anonymous": _row(**{action: "login login login" for action in ACTIONS}),
}


# ------------------------------------------------------------------------------------------- the states


@pytest.fixture(params=STATES)
def world(request, cast):
    """甲's complete application in the state under test, with the two files the table speaks of."""
    call = make_call()
    application = complete(cast.enterprise_a, call)
    item = application.category.material_items.get(code="business_licence")
    first = application.materials.get(item=item)
    files = {"current": first, "submitted": first}
    if request.param in {"S", "W"}:
        application = services.application_submit(application=application, actor=cast.enterprise_a, declaration=True)
    if request.param == "W":
        application = services.application_withdraw(application=application, actor=cast.enterprise_a)
        data = dict(application.data, summary="撤回后修改的总结：这段文字只有企业自己能看到。")
        application, _errors = services.application_save_draft(
            application=application, data=data, version=application.version, actor=cast.enterprise_a
        )
        replacement = SimpleUploadedFile("新营业执照.pdf", pdf_bytes("新营业执照"), content_type="application/pdf")
        files["current"] = attach_material(
            application=application, item=item, uploaded_file=replacement, actor=cast.enterprise_a
        )
    application.refresh_from_db()
    return {"state": request.param, "application": application, "files": files, "item": item, "cast": cast}


def expected(who, action, state):
    return TABLE[who][action][state]


# ------------------------------------------------------------------------------------------- surfaces


def service_attempt(world, user, action):
    application = Application.objects.get(pk=world["application"].pk)
    files = world["files"]
    if action == "view":
        return lambda: selectors.application_for(user, pk=application.pk)
    if action == "edit":
        data = dict(application.data, summary="改一句")
        return lambda: services.application_save_draft(
            application=application, data=data, version=application.version, actor=user
        )
    if action == "upload":
        upload = SimpleUploadedFile("补充.pdf", pdf_bytes("补充"), content_type="application/pdf")
        return lambda: attach_material(application=application, item=world["item"], uploaded_file=upload, actor=user)
    if action.startswith("download_"):
        material = files[action.removeprefix("download_")]
        return lambda: material_for(user, application=application, material_id=material.pk)
    if action == "pdf":
        return lambda: get_or_render_pdf(selectors.application_for(user, pk=application.pk))
    if action == "submit":
        return lambda: services.application_submit(application=application, actor=user, declaration=True)
    if action == "withdraw":
        return lambda: services.application_withdraw(application=application, actor=user)
    if action == "return":
        return lambda: services.transition(application=application, action="return", actor=user, comment="材料不全")
    raise AssertionError(action)


def test_services_follow_the_table(world):
    """Services are called directly (no selector in front): somebody who may not even see the application is
    refused by the service itself (403); only the reads answer "not found"."""
    cast, state = world["cast"], world["state"]
    failures = []
    for who in TABLE:
        if who == "anonymous":
            continue
        for action in ACTIONS:
            want = expected(who, action, state)
            mutating = action not in {"view", "pdf"} and not action.startswith("download_")
            if want == HIDDEN and mutating:
                want = DENIED
            got = service_outcome(service_attempt(world, getattr(cast, who), action))
            if got != want:
                failures.append(f"{who} {action} in {state}: expected {want}, got {got}")
    assert not failures, "\n".join(failures)


# Page and API status codes for each outcome. A page answers a conflict on withdrawal or a PDF before
# submission with a redirect and a message, the API with 409.
PAGE = {OK: {200, 302}, HIDDEN: {404}, DENIED: {403}, STATE: {409}, LOGIN: {302, 401}}
PAGE_STATE_REDIRECTS = {"withdraw", "pdf"}
API = {OK: {200, 201, 204}, HIDDEN: {404}, DENIED: {403}, STATE: {409}, LOGIN: {401}}


def _http_outcome(request, table, action, want):
    with transaction.atomic():
        response = request()
        transaction.set_rollback(True)
    allowed = set(table[want])
    if table is PAGE and want == STATE and action in PAGE_STATE_REDIRECTS:
        allowed = {302}
    return response, allowed


def page_request(client, world, action):
    application = Application.objects.get(pk=world["application"].pk)
    pk, files = application.pk, world["files"]
    xhr = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
    if action == "view":
        return lambda: client.get(reverse("applications:detail", args=[pk]))
    if action == "edit":
        post = as_post(definition_for_application(application), application.data)
        post.update(version=str(application.version), summary="改一句")
        return lambda: client.post(reverse("applications:autosave", args=[pk]), post)
    if action == "upload":
        url = reverse("applications:material_upload", args=[pk])
        upload = SimpleUploadedFile("补充.pdf", pdf_bytes("补充"), content_type="application/pdf")
        return lambda: client.post(url, {"item": world["item"].code, "file": upload}, **xhr)
    if action.startswith("download_"):
        material = files[action.removeprefix("download_")]
        return lambda: client.get(reverse("applications:material_download", args=[pk, material.pk]))
    if action == "pdf":
        return lambda: client.get(reverse("applications:pdf", args=[pk]))
    if action == "submit":
        post = as_post(definition_for_application(application), application.data)
        post.update(version=str(application.version), action="submit", declaration="on")
        return lambda: client.post(reverse("applications:detail", args=[pk]), post)
    if action == "withdraw":
        return lambda: client.post(reverse("applications:withdraw", args=[pk]), {"confirm": "yes"})
    return None  # the county's review pages come with the review issue; the table is checked by the API


def test_pages_follow_the_table(client, world):
    cast, state = world["cast"], world["state"]
    failures = []
    for who in TABLE:
        client.logout()
        if who != "anonymous":
            client.force_login(getattr(cast, who))
        for action in ACTIONS:
            request = page_request(client, world, action)
            if request is None:
                continue
            want = expected(who, action, state)
            response, allowed = _http_outcome(request, PAGE, action, want)
            if response.status_code not in allowed:
                failures.append(f"{who} {action} in {state}: expected {want} {allowed}, got {response.status_code}")
    assert not failures, "\n".join(failures)


def api_request(client, world, action, headers):
    application = Application.objects.get(pk=world["application"].pk)
    base, files = f"/api/v1/applications/{application.pk}", world["files"]
    if action == "view":
        return lambda: client.get(base, **headers)
    if action == "edit":
        body = {"data": {"summary": "改一句"}, "version": application.version}
        return lambda: client.patch(base, body, content_type="application/json", **headers)
    if action == "upload":
        upload = SimpleUploadedFile("补充.pdf", pdf_bytes("补充"), content_type="application/pdf")
        return lambda: client.post(f"{base}/materials", {"item": world["item"].code, "file": upload}, **headers)
    if action.startswith("download_"):
        material = files[action.removeprefix("download_")]
        return lambda: client.get(f"{base}/materials/{material.pk}/file", **headers)
    if action == "pdf":
        return lambda: client.get(f"{base}/pdf", **headers)
    if action == "submit":
        return lambda: client.post(f"{base}/submit", {"declaration": True}, content_type="application/json", **headers)
    if action == "withdraw":
        return lambda: client.post(f"{base}/withdraw", {}, content_type="application/json", **headers)
    return None


def test_api_follows_the_table(client, world):
    cast, state = world["cast"], world["state"]
    failures = []
    for who in TABLE:
        headers = {}
        if who != "anonymous":
            key, _token = ApiToken.issue(getattr(cast, who))
            headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
        for action in ACTIONS:
            want = expected(who, action, state)
            request = api_request(client, world, action, headers)
            if request is None:  # a declared transition: offered in `actions` exactly to whom the table allows
                if want in {OK, DENIED, STATE}:
                    offered = (
                        action
                        in client.get(f"/api/v1/applications/{world['application'].pk}", **headers).json()["actions"]
                    )
                    if offered != (want == OK):
                        failures.append(f"{who} {action} in {state}: offered={offered}, expected {want}")
                continue
            response, allowed = _http_outcome(request, API, action, want)
            if response.status_code not in allowed:
                failures.append(f"{who} {action} in {state}: expected {want} {allowed}, got {response.status_code}")
    assert not failures, "\n".join(failures)


def test_staff_read_the_snapshot_not_the_edits_made_after_withdrawal(client, cast):
    """W in detail: the county's page and API show the submitted summary and files, the enterprise's the new."""
    call = make_call()
    application = complete(cast.enterprise_a, call)
    application = services.application_submit(application=application, actor=cast.enterprise_a, declaration=True)
    submitted_summary = application.data["summary"]
    services.application_withdraw(application=application, actor=cast.enterprise_a)
    application.refresh_from_db()
    data = dict(application.data, summary="撤回后修改的总结：这段文字只有企业自己能看到。")
    services.application_save_draft(
        application=application, data=data, version=application.version, actor=cast.enterprise_a
    )
    item = application.category.material_items.get(code="business_licence")
    old = application.materials.get(item=item)
    new = attach_material(
        application=application,
        item=item,
        uploaded_file=SimpleUploadedFile("新营业执照.pdf", pdf_bytes("新"), content_type="application/pdf"),
        actor=cast.enterprise_a,
    )
    assert Material.all_versions.get(pk=old.pk).replaced_at is not None  # kept for the staff, not deleted

    key, _token = ApiToken.issue(cast.hanjiang_industry)
    staff = client.get(f"/api/v1/applications/{application.pk}", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert staff["data"]["summary"] == submitted_summary
    assert {m["id"] for m in staff["materials"]} >= {old.pk} and new.pk not in {m["id"] for m in staff["materials"]}
    client.force_login(cast.hanjiang_industry)
    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "只有企业自己能看到" not in page and "新营业执照" not in page

    key, _token = ApiToken.issue(cast.enterprise_a)
    own = client.get(f"/api/v1/applications/{application.pk}", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert "只有企业自己能看到" in own["data"]["summary"]
    assert new.pk in {m["id"] for m in own["materials"]} and old.pk not in {m["id"] for m in own["materials"]}

    # Resubmitting makes the new file the submitted one and releases the old.
    application.refresh_from_db()
    services.application_submit(application=application, actor=cast.enterprise_a, declaration=True)
    assert not Material.all_versions.filter(pk=old.pk).exists()
    assert Material.objects.get(pk=new.pk).submitted


def test_staff_downloads_are_audited(client, cast):
    from audit.models import Event

    call = make_call()
    application = complete(cast.enterprise_a, call)
    application = services.application_submit(application=application, actor=cast.enterprise_a, declaration=True)
    material = application.materials.first()
    url = reverse("applications:material_download", args=[application.pk, material.pk])
    client.force_login(cast.enterprise_a)
    assert client.get(url).status_code == 200
    assert not Event.objects.filter(action="material.download").exists()
    client.force_login(cast.hanjiang_finance)
    assert client.get(url).status_code == 200
    event = Event.objects.get(action="material.download")
    assert event.data["sha256"] == material.sha256 and event.actor_id == cast.hanjiang_finance.pk
