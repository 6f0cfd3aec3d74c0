"""Outreach (/review/outreach/): a unit's enterprises and their progress (never another unit's), counts per
category, and the reminder to enterprises with an unsubmitted application — once per enterprise per day."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import User
from applications import services as application_services
from audit.models import Event
from notifications.models import Message
from reviews import outreach
from tests.applications.core_helpers import complete, draft, make_call, make_profile
from tests.factories import OrganisationFactory, UserFactory
from tests.reviews.helpers import submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    """邗江: 甲 drafting (eligible profile), 丙 submitted, 丁 registered only; 广陵: 乙 drafting."""
    call = make_call()
    complete(cast.enterprise_a, call)  # a complete draft, not submitted
    bing = UserFactory(organisation=OrganisationFactory(name="丙企业（邗江）有限公司", region_id="321003"))
    submitted_app = complete(bing, call, "new_product")
    application_services.application_submit(application=submitted_app, actor=bing, declaration=True)
    ding = UserFactory(organisation=OrganisationFactory(name="丁企业（邗江）有限公司", region_id="321003"))
    make_profile(cast.enterprise_b, region="321002")
    draft(cast.enterprise_b, call)
    return {"call": call, "bing": bing, "ding": ding}


def test_progress_of_the_unit_counts_only_its_own_enterprises(client, cast, world):
    call = world["call"]
    progress = outreach.unit_progress("321003", call)
    names = {e.name for e in progress["enterprises"]}
    assert "甲企业（邗江）有限公司" in names and "丁企业（邗江）有限公司" in names
    assert "乙企业（广陵）有限公司" not in names
    totals = progress["totals"]
    assert (totals["registered"], totals["with_profile"], totals["drafting"], totals["submitted"]) == (3, 2, 1, 1)
    assert totals["eligible"] == 2  # 甲 and 丙 meet the common conditions on their profiles; 丁 has none
    per = {row["category"].code: row for row in totals["per_category"]}
    assert (per["demonstration"]["drafting"], per["demonstration"]["submitted"]) == (1, 0)
    assert (per["new_product"]["drafting"], per["new_product"]["submitted"]) == (0, 1)


def test_the_page_shows_the_own_unit_only_and_no_draft_content(client, cast, world):
    client.force_login(cast.guangling_industry)
    html = client.get("/review/outreach/").content.decode()
    assert "乙企业（广陵）有限公司" in html and "甲企业" not in html and "丙企业" not in html
    client.force_login(cast.hanjiang_finance)
    html = client.get("/review/outreach/").content.decode()
    assert "甲企业（邗江）有限公司" in html and "乙企业" not in html
    assert 'data-total="registered">3<' in html and 'data-total="drafting">1<' in html
    assert "提醒尚未提交的企业" in html and "每家企业每天最多提醒一次" in html
    assert "MES 与 ERP" not in html  # 甲's draft says so; the page shows its state, never its content
    drafting_only = client.get("/review/outreach/", {"only": "drafting"}).content.decode()
    assert "甲企业（邗江）有限公司" in drafting_only and "丁企业" not in drafting_only


@pytest.mark.parametrize("who", ["city_officer", "enterprise_a", "expert", "admin"])
def test_outreach_is_for_county_reviewers(client, cast, world, who):
    client.force_login(getattr(cast, who))
    assert client.get("/review/outreach/").status_code == 403
    assert client.post("/review/outreach/remind/", {"call": world["call"].pk}).status_code == 403


def test_a_reminder_goes_to_unsubmitted_enterprises_of_the_unit_once_a_day(client, cast, world, monkeypatch):
    call = world["call"]
    colleague = UserFactory(organisation=cast.enterprise_a.organisation, role=User.Role.ENTERPRISE)
    client.force_login(cast.hanjiang_industry)
    response = client.post("/review/outreach/remind/", {"call": call.pk}, follow=True)
    assert "已向 1 家尚未提交的企业发送提醒" in response.content.decode()
    reminders = Message.objects.filter(kind=outreach.REMINDER_KIND)
    assert {m.recipient_id for m in reminders} == {cast.enterprise_a.pk, colleague.pk}  # 甲's accounts only
    assert not reminders.filter(recipient__in=[world["bing"], cast.enterprise_b]).exists()
    event = Event.objects.get(action=outreach.REMINDER_ACTION)
    assert event.object_id == str(cast.enterprise_a.organisation_id) and event.actor_username == "hj_ind"
    # The colleague at the finance bureau clicks too: nobody is reminded twice the same day.
    client.force_login(cast.hanjiang_finance)
    again = client.post("/review/outreach/remind/", {"call": call.pk}, follow=True).content.decode()
    assert "今天都已提醒过" in again and reminders.count() == 2
    assert 'id="remind-button" disabled' in client.get("/review/outreach/").content.decode()
    # The next day (Asia/Shanghai) it may be sent again.
    tomorrow = outreach._start_of_today() + dt.timedelta(days=1)
    monkeypatch.setattr(outreach, "_start_of_today", lambda: tomorrow)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow + dt.timedelta(hours=1))
    assert outreach.remind_unsubmitted(actor=cast.hanjiang_finance, call=call) == [cast.enterprise_a.organisation_id]


def test_no_reminder_after_the_deadline(client, cast, world):
    call = world["call"]
    call.deadline = timezone.now() - dt.timedelta(hours=1)
    call.save(update_fields=["deadline"])
    client.force_login(cast.hanjiang_industry)
    assert "本批次已截止受理" in client.get("/review/outreach/", {"call": call.pk}).content.decode()
    response = client.post("/review/outreach/remind/", {"call": call.pk}, follow=True)
    assert "本批次已截止受理" in response.content.decode()
    assert not Message.objects.filter(kind=outreach.REMINDER_KIND).exists()


def test_a_guangling_reviewer_reminds_guangling_only(cast, world):
    reminded = outreach.remind_unsubmitted(actor=cast.guangling_finance, call=world["call"])
    assert reminded == [cast.enterprise_b.organisation_id]
    assert not Message.objects.filter(kind=outreach.REMINDER_KIND, recipient=cast.enterprise_a).exists()


def test_a_submitted_application_is_not_reminded(cast):
    application = submitted(cast)
    assert outreach.remind_unsubmitted(actor=cast.hanjiang_industry, call=application.call) == []


def test_a_saved_profile_is_judged_again(cast, world):
    from django.db.models import F

    from enterprises.models import EnterpriseProfile

    call = world["call"]
    assert outreach.unit_progress("321003", call)["totals"]["eligible"] == 2
    # 甲 saves its profile as a large firm (5,000 people, 5 亿元 revenue): a new profile version, judged again.
    EnterpriseProfile.objects.filter(organisation=cast.enterprise_a.organisation).update(
        employees=5000, revenue_yuan=Decimal("500000000"), version=F("version") + 1
    )
    assert outreach.unit_progress("321003", call)["totals"]["eligible"] == 1
