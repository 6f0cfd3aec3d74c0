"""notify(): inbox rows in the caller's transaction, email/SMS only after it commits, guarded by the object's state."""

import logging

import pytest
from django.core import mail
from django.db import transaction

from notifications.models import Delivery, Message
from notifications.selectors import users_of_organisation, users_with_role_in_region
from notifications.services import cancel_pending, notify
from notifications.tasks import deliver

pytestmark = pytest.mark.django_db


def decision(people, **kwargs):
    org = people.enterprise_a.organisation
    defaults = {
        "recipients": [people.enterprise_a],
        "subject": "申报书已退回修改",
        "body": "邗江区工信局退回了您的申报书：请补充发票。",
        "link": "/applications/1/",
        "obj": org,
        "kind": "returned",
    }
    return notify(**{**defaults, **kwargs})


def test_notify_writes_the_inbox_and_sends_one_email_after_commit(people, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://shenbao.example.cn"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            [message] = decision(people)
            assert mail.outbox == []  # nothing leaves before the decision commits
    assert len(callbacks) == 1
    assert Message.objects.get().recipient == people.enterprise_a
    [email] = mail.outbox
    assert email.to == ["a@example.cn"]
    assert email.subject == "申报书已退回修改"
    assert "请补充发票" in email.body
    assert "https://shenbao.example.cn/applications/1/" in email.body
    message.refresh_from_db()
    assert message.email_state == Delivery.SENT and message.email_at is not None
    assert message.sms_state == Delivery.SKIPPED  # SMS not asked for


def test_a_rolled_back_decision_leaves_no_message_and_sends_nothing(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            decision(people)
            raise RuntimeError("the transition failed")
    assert callbacks == []
    assert not Message.objects.exists()
    assert mail.outbox == []


def test_each_active_recipient_gets_one_message(people, django_capture_on_commit_callbacks):
    people.enterprise_b.is_active = False
    people.enterprise_b.save(update_fields=["is_active"])
    people.hanjiang_industry.email = ""
    people.hanjiang_industry.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        messages = decision(
            people, recipients=[people.enterprise_a, people.enterprise_a, people.enterprise_b, people.hanjiang_industry]
        )
    assert [m.recipient for m in messages] == [people.enterprise_a, people.hanjiang_industry]
    assert [e.to for e in mail.outbox] == [["a@example.cn"]]
    no_address = Message.objects.get(recipient=people.hanjiang_industry)
    assert (no_address.email_state, no_address.email_reason) == (Delivery.SKIPPED, "无电子邮箱")


def test_a_reversed_decision_is_cancelled_not_sent(people, organisation_state, django_capture_on_commit_callbacks):
    org = people.enterprise_a.organisation
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        [message] = decision(people, expected_state=org.name, sms=True)
    org.name = "改名后的企业"  # the state moved on before the worker ran
    org.save(update_fields=["name"])
    for callback in callbacks:
        callback()
    message.refresh_from_db()
    assert mail.outbox == []
    assert (message.email_state, message.email_reason) == (Delivery.CANCELLED, "决定已变更，未发送")
    assert (message.sms_state, message.sms_reason) == (Delivery.CANCELLED, "决定已变更，未发送")
    assert Message.objects.filter(pk=message.pk).exists()  # the inbox keeps what was said


def test_a_decision_still_standing_is_sent(people, organisation_state, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [message] = decision(people, expected_state=people.enterprise_a.organisation.name)
    message.refresh_from_db()
    assert message.email_state == Delivery.SENT
    assert len(mail.outbox) == 1


def test_a_guard_without_a_registered_check_sends_nothing(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [message] = decision(people, expected_state="whatever")
    message.refresh_from_db()
    assert message.email_state == Delivery.FAILED
    assert mail.outbox == []


def test_cancel_pending_cancels_only_the_objects_unsent_messages_of_that_kind(
    people, django_capture_on_commit_callbacks
):
    other_org = people.enterprise_b.organisation
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            [returned] = decision(people)
            [reminder] = decision(people, kind="reminder")
            [elsewhere] = decision(people, obj=other_org)
            assert cancel_pending(people.enterprise_a.organisation, kind="returned") == 1
    for callback in callbacks:
        callback()
    states = {m.pk: m.email_state for m in Message.objects.all()}
    assert states == {returned.pk: Delivery.CANCELLED, reminder.pk: Delivery.SENT, elsewhere.pk: Delivery.SENT}
    assert len(mail.outbox) == 2


def test_delivering_twice_sends_once(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [message] = decision(people, sms=True)
    deliver.delay([message.pk])
    deliver([message.pk])
    assert len(mail.outbox) == 1


def test_sms_goes_through_the_logging_backend(people, caplog, django_capture_on_commit_callbacks):
    people.enterprise_b.mobile = None
    people.enterprise_b.save(update_fields=["mobile"])
    with caplog.at_level(logging.INFO, logger="notifications.sms"):
        with django_capture_on_commit_callbacks(execute=True):
            with_mobile, without = decision(people, recipients=[people.enterprise_a, people.enterprise_b], sms=True)
    [line] = [r.getMessage() for r in caplog.records if r.name == "notifications.sms"]
    assert line.startswith("SMS to 138****5678: ")
    assert "申报书已退回修改" in line
    with_mobile.refresh_from_db()
    without.refresh_from_db()
    assert with_mobile.sms_state == Delivery.SENT
    assert (without.sms_state, without.sms_reason) == (Delivery.SKIPPED, "无手机号码")


class FailingBackend:
    def send(self, mobile, text):
        raise ConnectionError("gateway down")


def test_a_failing_channel_is_marked_failed_and_the_other_still_goes(
    people, settings, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "tests.notifications.test_services.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        [message] = decision(people, sms=True)
    message.refresh_from_db()
    assert message.sms_state == Delivery.FAILED
    assert "gateway down" in message.sms_reason
    assert message.email_state == Delivery.SENT
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("link", ["https://evil.example/", "//evil.example/", "applications/1/"])
def test_links_are_paths_on_this_site(people, link):
    with pytest.raises(ValueError):
        decision(people, link=link)
    assert not Message.objects.exists()


def test_recipient_helpers_name_active_users(people):
    people.hanjiang_finance.is_active = False
    people.hanjiang_finance.save(update_fields=["is_active"])
    assert list(users_of_organisation(people.enterprise_a.organisation_id)) == [people.enterprise_a]
    assert list(users_with_role_in_region("county_industry", "321003")) == [people.hanjiang_industry]
    assert list(users_with_role_in_region("county_finance", "321003")) == []
    assert list(users_with_role_in_region("county_industry", "321002")) == [people.guangling_industry]


def test_the_email_is_in_chinese_whatever_language_the_worker_runs_in(people, django_capture_on_commit_callbacks):
    from django.utils import translation

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        decision(people)
    assert "此邮件由系统自动发送，请勿直接回复。" in mail.outbox[0].body


def test_a_copy_being_sent_by_another_worker_is_not_sent_again(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        [message] = decision(people)
    Message.objects.filter(pk=message.pk).update(email_state=Delivery.SENDING)  # claimed elsewhere
    for callback in callbacks:
        callback()
    assert mail.outbox == []


def test_kind_is_a_short_code(people):
    with pytest.raises(ValueError):
        decision(people, kind="x" * 33)
