"""Publicity (公示): publishing the proposed list, the period, real-name objections during it, the city's
decision (upheld takes the entry off with the reason), the cached public page, permissions."""

import datetime as dt
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.material_samples import ofd_bytes
from audit.models import Event
from core.errors import Conflict, DomainError, PermissionDeniedError
from publicity import period, services
from publicity.models import Objection, ObjectionFile, Publicity
from tests.publicity.helpers import CONTACT, PHONE, evidence, proposed, published, shift

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 100


def _post_json(client, url, headers, body):
    response = client.post(url, data=json.dumps(body), content_type="application/json", **headers)
    return response.status_code, response.json()


def _object(
    client, publicity, application, *, name="张三", mobile="13812345678", grounds="该企业投入数据不实。", files=()
):
    data = {"application": application.pk, "name": name, "mobile": mobile, "grounds": grounds}
    if files:
        data["files"] = list(files)
    return client.post(f"/api/v1/publicity/{publicity.pk}/objections", data=data)


# ---------------------------------------------------------------------------------------------- the period


def test_calendar_and_working_day_periods():
    assert period.end_of(dt.date(2026, 3, 2), 7) == dt.date(2026, 3, 8)  # inclusive: 2..8 is seven days
    # Seven working days from Monday 28 September 2026 step over the National Day holiday (1–7 October).
    end = period.end_of(dt.date(2026, 9, 28), 7, working_days=True)
    assert end > dt.date(2026, 10, 7)
    assert period.end_of(dt.date(2026, 3, 2), 5, working_days=True) == dt.date(2026, 3, 6)  # Mon–Fri
    assert period.end_of(dt.date(2026, 3, 6), 2, working_days=True) == dt.date(2026, 3, 9)  # Fri, then Mon
    with pytest.raises(DomainError):
        period.end_of(dt.date(2026, 3, 2), 0)
    with pytest.raises(DomainError, match="2099"):
        period.end_of(dt.date(2099, 3, 2), 3, working_days=True)


# ---------------------------------------------------------------------------------------------- publishing


def test_publish_defaults_to_the_proposed_selection_seven_days_and_is_audited(client, cast, api_token):
    call, category, apps = proposed(cast)
    status, body = _post_json(
        client,
        f"/api/v1/calls/{call.pk}/publicity",
        api_token(cast.city_officer),
        {"category": category.code, "supervision_phone": PHONE, "supervision_contact": CONTACT},
    )
    assert status == 201, body
    assert [e["application"] for e in body["entries"]] == [apps[0].pk, apps[1].pk]  # quota 2 of 3
    today = period.local_today()
    assert body["starts_on"] == today.isoformat() and body["ends_on"] == (today + dt.timedelta(days=6)).isoformat()
    assert body["phase"] == "open" and body["supervision_phone"] == PHONE
    event = Event.objects.get(action="publicity.publish")
    assert event.data["applications"] == [apps[0].pk, apps[1].pk]


def test_publish_only_applications_of_the_selection_or_expert_review(cast):
    call, category, apps = proposed(cast)
    apps[2].status = "recommended"
    apps[2].save(update_fields=["status"])
    kwargs = {"supervision_phone": PHONE, "supervision_contact": CONTACT}
    with pytest.raises(DomainError, match=str(apps[2].pk)):
        services.publish(actor=cast.city_officer, call=call, category=category, application_ids=[apps[2].pk], **kwargs)
    publicity = services.publish(
        actor=cast.city_officer, call=call, category=category, application_ids=[apps[1].pk], days=3, **kwargs
    )
    assert list(publicity.entries.values_list("application_id", flat=True)) == [apps[1].pk]
    with pytest.raises(Conflict):  # one live publicity per category
        services.publish(actor=cast.city_officer, call=call, category=category, **kwargs)


def test_publish_working_days(cast):
    call, category, _apps = proposed(cast)
    start = period.local_today() + dt.timedelta(days=1)
    publicity = services.publish(
        actor=cast.city_officer,
        call=call,
        category=category,
        starts_on=start,
        days=7,
        working_days=True,
        supervision_phone=PHONE,
        supervision_contact=CONTACT,
    )
    assert publicity.ends_on == period.end_of(start, 7, True) and publicity.ends_on >= start + dt.timedelta(days=8)


@pytest.mark.parametrize("who", ["enterprise_a", "hanjiang_industry", "hanjiang_finance", "expert"])
def test_only_the_city_publishes_and_decides(client, cast, api_token, who):
    publicity, apps = published(cast)
    objection = services.lodge_objection(
        publicity=publicity, application_id=apps[0].pk, name="张三", mobile="13812345678", grounds="不实"
    )
    headers = api_token(getattr(cast, who))
    status, _ = _post_json(
        client, f"/api/v1/calls/{publicity.call_id}/publicity", headers, {"category": publicity.category.code}
    )
    assert status == 403
    status, _ = _post_json(
        client, f"/api/v1/objections/{objection.pk}/decision", headers, {"upheld": True, "reply": "x"}
    )
    assert status == 403
    assert client.get(f"/api/v1/publicity/{publicity.pk}/objections", **headers).status_code == 403
    with pytest.raises(PermissionDeniedError):
        services.decide(actor=getattr(cast, who), objection=objection, upheld=True, reply="x")
    client.force_login(getattr(cast, who))
    assert client.get(f"/publicity/calls/{publicity.call_id}/").status_code == 404  # not a call they run
    assert client.post(f"/publicity/handling/{objection.pk}/decide/", {"upheld": "1", "reply": "x"}).status_code == 404
    objection.refresh_from_db()
    assert objection.state == Objection.State.PENDING


# ---------------------------------------------------------------------------------------------- objections


def test_objection_with_evidence_is_stored_privately_and_audited(client, cast):
    publicity, apps = published(cast)
    response = _object(client, publicity, apps[0], files=[evidence()])
    assert response.status_code == 201, response.content
    body = response.json()
    objection = Objection.objects.get(pk=body["id"])
    assert body["status_url"].endswith(f"/publicity/objections/{objection.token}/")
    record = ObjectionFile.objects.get(objection=objection)
    assert record.original_name == "证据.pdf" and record.content_type == "application/pdf" and len(record.sha256) == 64
    assert "证据" not in record.file.name and record.file.name.startswith(f"publicity/{publicity.pk}/")
    assert Event.objects.filter(action="publicity.objection", data__application=apps[0].pk).exists()
    assert "name" not in body and "mobile" not in body  # the public answer repeats no personal data


@pytest.mark.parametrize(
    ("name", "mobile", "field"), [("", "13812345678", "name"), ("匿名", "13812345678", "name"), ("张三", "", "mobile")]
)
def test_anonymous_objection_refused_with_the_reason(client, cast, name, mobile, field):
    publicity, apps = published(cast)
    response = _object(client, publicity, apps[0], name=name, mobile=mobile)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors[0]["field"] == field and "匿名异议不予受理" in errors[0]["message"]
    assert not Objection.objects.exists()


def test_objection_checks_mobile_grounds_and_entry(client, cast):
    publicity, apps = published(cast)
    errors = _object(client, publicity, apps[0], mobile="12345", grounds="").json()["errors"]
    assert {e["field"] for e in errors} == {"mobile", "grounds"}
    assert _object(client, publicity, apps[2]).status_code == 422  # not on the list (outside the quota)


def test_objection_outside_the_period_refused(client, cast):
    publicity, apps = published(cast)
    shift(publicity, 3)  # not begun
    response = _object(client, publicity, apps[0])
    assert response.status_code == 422 and "尚未开始" in response.json()["errors"][0]["message"]
    shift(publicity, -10)  # ended three days ago
    response = _object(client, publicity, apps[0])
    assert response.status_code == 422 and "已结束" in response.json()["errors"][0]["message"]
    assert not Objection.objects.exists()
    # the last day itself still counts (ends_on is inclusive)
    publicity.ends_on = period.local_today()
    publicity.save(update_fields=["ends_on"])
    assert _object(client, publicity, apps[0]).status_code == 201


@pytest.mark.parametrize(
    ("upload", "fragment"),
    [
        (SimpleUploadedFile("a.exe", EXE), "无法识别"),
        (SimpleUploadedFile("empty.pdf", b""), "文件为空"),
        (SimpleUploadedFile("broken.pdf", b"%PDF-1.4\nnot a pdf"), "损坏"),
        (SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024)), "超过"),
        (SimpleUploadedFile("a.ofd", ofd_bytes()), "只接受"),  # a material type, not evidence
    ],
)
def test_evidence_upload_checks_of_the_materials(client, cast, upload, fragment):
    publicity, apps = published(cast)
    response = _object(client, publicity, apps[0], files=[upload])
    assert response.status_code == 422
    assert fragment in response.json()["errors"][0]["message"]
    assert not Objection.objects.exists() and not ObjectionFile.objects.exists()


def test_objections_are_rate_limited_per_address(client, cast, settings):
    settings.PUBLICITY_OBJECTION_RATE_LIMIT = "2/m"
    publicity, apps = published(cast)
    assert _object(client, publicity, apps[0]).status_code == 201
    assert _object(client, publicity, apps[0]).status_code == 201
    assert _object(client, publicity, apps[0]).status_code == 429


# ---------------------------------------------------------------------------------------------- decisions


def test_upheld_removes_the_entry_with_the_reason_and_replies_by_sms(
    client, cast, api_token, caplog, django_capture_on_commit_callbacks
):
    publicity, apps = published(cast)
    objection_id = _object(client, publicity, apps[0]).json()["id"]
    city = api_token(cast.city_officer)
    listed = client.get(f"/api/v1/publicity/{publicity.pk}/objections", **city).json()
    assert listed[0]["name"] == "张三" and listed[0]["mobile"] == "13812345678"
    with caplog.at_level("INFO", logger="notifications.sms"), django_capture_on_commit_callbacks(execute=True):
        status, body = _post_json(
            client,
            f"/api/v1/objections/{objection_id}/decision",
            city,
            {"upheld": True, "reply": "经核查，投入发票存在重复，异议成立。", "reason": "投入发票重复"},
        )
    assert status == 200 and body["state"] == "upheld" and body["entry_removed"] is True
    entry = publicity.entries.get(application=apps[0])
    assert entry.removed_at is not None and entry.removal_reason == "投入发票重复"
    event = Event.objects.get(action="publicity.objection_decide")
    assert event.data["removal_reason"] == "投入发票重复" and event.to_state == "upheld"
    assert "138****5678" in caplog.text and "异议成立" in caplog.text
    public = client.get(f"/api/v1/publicity/{publicity.pk}").json()
    assert [e["application"] for e in public["entries"]] == [apps[1].pk]
    status, _ = _post_json(
        client, f"/api/v1/objections/{objection_id}/decision", city, {"upheld": False, "reply": "再"}
    )
    assert status == 409
    token = Objection.objects.get(pk=objection_id).token
    page = client.get(f"/publicity/objections/{token}/").content.decode()
    assert "经核查，投入发票存在重复" in page and "异议成立" in page


def test_dismissed_keeps_the_entry_and_reply_is_required(client, cast):
    publicity, apps = published(cast)
    objection = services.lodge_objection(
        publicity=publicity, application_id=apps[0].pk, name="张三", mobile="13812345678", grounds="不实"
    )
    with pytest.raises(DomainError):
        services.decide(actor=cast.city_officer, objection=objection, upheld=False, reply=" ")
    services.decide(actor=cast.city_officer, objection=objection, upheld=False, reply="经核查不属实。")
    assert publicity.entries.filter(removed_at__isnull=True).count() == 2


def test_city_handling_page_lists_objections_and_decides(client, cast):
    publicity, apps = published(cast)
    objection = services.lodge_objection(
        publicity=publicity,
        application_id=apps[1].pk,
        name="李四",
        mobile="13912345678",
        grounds="数据不实",
        files=[evidence()],
    )
    client.force_login(cast.city_officer)
    page = client.get(f"/publicity/calls/{publicity.call_id}/").content.decode()
    assert "李四" in page and "数据不实" in page and "证据.pdf" in page
    record = objection.files.get()
    download = client.get(f"/publicity/handling/{objection.pk}/files/{record.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    response = client.post(f"/publicity/handling/{objection.pk}/decide/", {"upheld": "1", "reply": "属实"})
    assert response.status_code == 302
    assert publicity.entries.get(application=apps[1]).removed_at is not None
    client.logout()
    assert client.get(f"/publicity/handling/{objection.pk}/files/{record.pk}/").status_code == 302  # to login


# ---------------------------------------------------------------------------------------------- the page


def test_public_page_needs_no_login_and_shows_list_countdown_and_supervision(client, cast):
    publicity, apps = published(cast)
    response = client.get(f"/publicity/{publicity.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert apps[0].enterprise.name in page and apps[1].enterprise.name in page
    assert apps[2].enterprise.name not in page.split('id="objection-form"')[0]
    # today counts: between six and seven days are left
    assert (
        re.search(r"距公示结束还有 <span data-countdown-text>6 天 \d+ 小时</span>", page) and "data-closes-at" in page
    )
    assert PHONE in page and CONTACT in page and 'name="grounds"' in page and "（共 7 天）" in page
    assert client.get(f"/api/v1/publicity/{publicity.pk}").status_code == 200
    shift(publicity, -30)
    page = client.get(f"/publicity/{publicity.pk}/").content.decode()
    assert "公示期已结束" in page and 'name="grounds"' not in page
    assert client.get("/publicity/999999/").status_code == 404


def test_page_form_refuses_anonymous_and_redirects_to_the_status(client, cast):
    publicity, apps = published(cast)
    url = f"/publicity/{publicity.pk}/objections/"
    response = client.post(url, {"application": apps[0].pk, "name": "", "mobile": "", "grounds": "不实"})
    assert response.status_code == 422 and "匿名异议不予受理" in response.content.decode()
    response = client.post(url, {"application": apps[0].pk, "name": "王五", "mobile": "13700000000", "grounds": "不实"})
    assert response.status_code == 302
    assert client.get(response["Location"]).content.decode().count("待处理") >= 1


def test_public_page_cached_and_invalidated_on_change(client, cast, django_assert_max_num_queries):
    publicity, apps = published(cast)
    url = f"/publicity/{publicity.pk}/"
    client.get(url)
    with django_assert_max_num_queries(2):  # the version row (and nothing of the list) on a hit
        assert apps[1].enterprise.name in client.get(url).content.decode()
    # A change the cache did not see (direct update): still the cached list until the publicity is touched
    publicity.entries.filter(application=apps[1]).update(enterprise_name="改名后的企业有限公司")
    assert "改名后的企业有限公司" not in client.get(url).content.decode()
    services.touch(publicity)
    assert "改名后的企业有限公司" in client.get(url).content.decode()
    # Through the services: an upheld objection is on the page at once
    objection = services.lodge_objection(
        publicity=publicity, application_id=apps[0].pk, name="张三", mobile="13812345678", grounds="不实"
    )
    assert apps[0].enterprise.name in client.get(url).content.decode().split('id="objection-form"')[0]
    services.decide(actor=cast.city_officer, objection=objection, upheld=True, reply="属实")
    assert apps[0].enterprise.name not in client.get(url).content.decode().split('id="objection-form"')[0]
    assert Publicity.objects.get(pk=publicity.pk).updated_at > publicity.published_at


def test_the_whole_cached_page_still_gives_each_visitor_a_working_csrf_token(cast):
    from django.test import Client

    publicity, _apps = published(cast)
    url = f"/publicity/{publicity.pk}/"
    tokens = []
    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        response = visitor.get(url)
        page = response.content.decode()
        assert "publicity-csrf-sentinel" not in page
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        assert "csrftoken" in response.cookies
        switched = visitor.post("/i18n/setlang/", {"language": "en", "next": url, "csrfmiddlewaretoken": token})
        assert switched.status_code == 302
        tokens.append(token)
    assert tokens[0] != tokens[1]
