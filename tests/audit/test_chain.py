"""The audit log is a hash chain: each event carries the SHA-256 of the one before it, and verify_audit names the
first event whose content was changed or whose link was broken by a deleted or inserted row."""

import datetime as dt
import hashlib
import importlib
import io
import threading
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import RequestFactory
from django.utils import translation

from audit import chain
from audit.chain import CONTENT_CHANGED, GENESIS, HASHED_FIELDS, LINK_BROKEN, event_hash, verify_chain
from audit.models import AppendOnlyError, Event
from audit.selectors import events_for, events_for_object
from audit.services import audit_record

postgresql_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="concurrent writers need PostgreSQL")


def record(n, actor=None, **kwargs):
    return [audit_record(action="test.thing", actor=actor, summary=f"第{i}件", **kwargs) for i in range(n)]


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def verify_audit():
    """Run the command in Chinese; (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with translation.override("zh-hans"):
        try:
            call_command("verify_audit", stdout=out, stderr=err)
            status = 0
        except SystemExit as exit_:
            status = exit_.code
    return status, out.getvalue(), err.getvalue()


def stored(event):
    return Event.objects.values(*HASHED_FIELDS, "hash").get(pk=event.pk)


# ------------------------------------------------------------------------------------------------ the chain


def test_the_hash_covers_every_column_but_itself():
    columns = {field.attname for field in Event._meta.concrete_fields}
    assert set(HASHED_FIELDS) == columns - {"hash"}


def test_each_event_links_to_the_one_before_and_hashes_what_is_stored(cast):
    first, second, third = record(3, actor=cast.hanjiang_industry)
    assert first.prev_hash == GENESIS
    assert (second.prev_hash, third.prev_hash) == (first.hash, second.hash)
    for event in (first, second, third):
        row = stored(event)
        assert row["hash"] == event.hash == event_hash({k: v for k, v in row.items() if k != "hash"})
    assert len({first.hash, second.hash, third.hash}) == 3


def test_the_canonical_form_is_sorted_json_in_utf8_with_utc_microseconds(cast, monkeypatch):
    at = dt.datetime(2020, 5, 14, 9, 30, 0, 5, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    monkeypatch.setattr(chain.timezone, "now", lambda: at)
    event = audit_record(action="test.thing", actor=cast.hanjiang_industry, summary="邗江", data={"b": 1, "a": "二"})
    row = {k: v for k, v in stored(event).items() if k != "hash"}
    text = chain.canonical(row).decode("utf-8")
    assert text.startswith('{"action":"test.thing","actor_id":') and '"summary":"邗江"' in text
    assert '"occurred_at":"2020-05-14T01:30:00.000005+00:00"' in text
    assert '"data":{"a":"二","b":1}' in text
    assert event.hash == hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.mark.parametrize("microsecond", [0, 1, 999999])
def test_times_round_trip_exactly_through_the_database(cast, monkeypatch, microsecond):
    at = dt.datetime(2020, 5, 31, 23, 59, 59, microsecond, tzinfo=dt.UTC)
    monkeypatch.setattr(chain.timezone, "now", lambda: at)
    event = audit_record(action="test.thing", actor=cast.city_officer)
    assert Event.objects.get(pk=event.pk).occurred_at == at
    assert verify_chain().ok


def test_data_and_addresses_are_hashed_as_they_read_back(cast):
    request = RequestFactory().get("/", REMOTE_ADDR="2001:DB8:0:0:0:0:0:1")
    data = {"amount": Decimal("120.50"), "day": dt.date(2020, 5, 1), "items": (1, 2), 3: "键是数字"}
    event = audit_record(action="test.thing", actor=cast.city_officer, data=data, request=request)
    event = Event.objects.get(pk=event.pk)
    assert event.ip == "2001:db8::1"
    assert event.data == {"amount": "120.50", "day": "2020-05-01", "items": [1, 2], "3": "键是数字"}
    assert verify_chain().ok


def test_an_event_rolled_back_with_its_change_leaves_the_chain_whole(cast):
    record(2)
    with pytest.raises(RuntimeError), transaction.atomic():
        record(1)
        raise RuntimeError("the change failed")
    record(2)
    result = verify_chain()
    assert (result.ok, result.count) == (True, 4)


def test_events_are_appended_only_through_audit_record(cast):
    with pytest.raises(AppendOnlyError):
        Event.objects.create(action="test.forged", occurred_at=dt.datetime.now(dt.UTC))
    with pytest.raises(AppendOnlyError):
        Event.objects.bulk_create([Event(action="test.forged", occurred_at=dt.datetime.now(dt.UTC))])
    assert not Event.objects.exists()


# ------------------------------------------------------------------------------------------------ the new columns


def test_organisation_states_and_comment_are_columns(cast):
    event = audit_record(
        action="application.return",
        actor=cast.hanjiang_finance,
        summary="退回修改",
        data={"from": "county_review", "to": "returned", "comment": "发票不全"},
    )
    event = Event.objects.get(pk=event.pk)
    organisation = cast.hanjiang_finance.organisation
    assert (event.actor_organisation_id, event.actor_organisation_name) == (organisation.pk, organisation.name)
    assert (event.from_state, event.to_state, event.comment) == ("county_review", "returned", "发票不全")
    assert event.data["comment"] == "发票不全"  # data keeps what the caller gave


def test_explicit_arguments_win_over_data_and_the_actors_organisation(cast):
    other = cast.enterprise_b.organisation
    event = audit_record(
        action="test.thing",
        actor=cast.city_officer,
        data={"from": "a", "to": "b", "comment": "x"},
        from_state="submitted",
        to_state="county_review",
        comment="意见",
        organisation=other,
    )
    event = Event.objects.get(pk=event.pk)
    assert (event.from_state, event.to_state, event.comment) == ("submitted", "county_review", "意见")
    assert (event.actor_organisation_id, event.actor_organisation_name) == (other.pk, other.name)


def test_nobody_acting_has_no_organisation(cast):
    event = audit_record(action="auth.login_failed", actor=cast.anonymous, summary="登录失败")
    assert (event.actor_organisation_id, event.actor_organisation_name, event.from_state) == (None, "", "")


def test_the_organisations_name_is_kept_as_it_was(cast):
    event = audit_record(action="test.thing", actor=cast.enterprise_a)
    organisation = cast.enterprise_a.organisation
    name, organisation.name = organisation.name, "改名后的企业"
    organisation.save()
    assert Event.objects.get(pk=event.pk).actor_organisation_name == name
    assert verify_chain().ok


# ------------------------------------------------------------------------------------------------ verify_audit


def test_verify_audit_passes_on_an_intact_chain(cast):
    events = record(3, actor=cast.guangling_industry)
    status, out, _err = verify_audit()
    assert status == 0
    assert "OK：共 3 条审计事件，哈希链完整。" in out and events[-1].hash in out


def test_verify_audit_passes_on_an_empty_log(db):
    status, out, _err = verify_audit()
    assert status == 0 and "共 0 条" in out


def test_a_changed_summary_names_that_event(cast):
    events = record(5, actor=cast.city_officer)
    raw("UPDATE audit_event SET summary = %s WHERE id = %s", ["改过的摘要", events[2].pk])
    result = verify_chain()
    assert (result.ok, result.broken_id, result.problem, result.count) == (False, events[2].pk, CONTENT_CHANGED, 2)
    status, _out, err = verify_audit()
    assert status == 1
    assert f"哈希链自第 {events[2].pk} 号事件起断开" in err and "内容被改动" in err


def test_a_changed_hash_or_link_is_a_changed_content_too(cast):
    events = record(3)
    raw("UPDATE audit_event SET prev_hash = %s WHERE id = %s", ["f" * 64, events[1].pk])
    assert (verify_chain().broken_id, verify_chain().problem) == (events[1].pk, CONTENT_CHANGED)


def test_a_deleted_middle_event_names_the_next_one(cast):
    events = record(5)
    raw("DELETE FROM audit_event WHERE id = %s", [events[2].pk])
    result = verify_chain()
    assert (result.ok, result.broken_id, result.problem) == (False, events[3].pk, LINK_BROKEN)
    status, _out, err = verify_audit()
    assert status == 1 and f"第 {events[3].pk} 号事件" in err and "链接断开" in err


def test_a_deleted_first_event_names_the_second(cast):
    events = record(3)
    raw("DELETE FROM audit_event WHERE id = %s", [events[0].pk])
    assert (verify_chain().broken_id, verify_chain().problem) == (events[1].pk, LINK_BROKEN)


def forge(event_id, prev_hash, hash_):
    raw(
        "INSERT INTO audit_event (id, occurred_at, actor_username, actor_role, actor_organisation_name, action,"
        " object_type, object_id, summary, from_state, to_state, comment, data, prev_hash, hash)"
        " VALUES (%s, %s, '', '', '', 'test.forged', '', '', '伪造', '', '', '', '{}', %s, %s)",
        [event_id, dt.datetime(2020, 5, 20, tzinfo=dt.UTC), prev_hash, hash_],
    )


def test_an_inserted_forged_row_is_named(cast):
    events = record(3)
    forge(events[-1].pk + 1, events[-1].hash, "e" * 64)
    result = verify_chain()
    assert (result.ok, result.broken_id, result.problem, result.count) == (False, events[-1].pk + 1, CONTENT_CHANGED, 3)
    status, _out, err = verify_audit()
    assert status == 1 and f"第 {events[-1].pk + 1} 号事件" in err


def test_a_row_forged_into_the_middle_is_refused_by_the_database(cast):
    """A row that links to an event that already has a successor would fork the chain: the unique link refuses it."""
    events = record(3)
    with pytest.raises(IntegrityError), transaction.atomic():
        forge(events[-1].pk + 1, events[0].hash, "e" * 64)
    assert verify_chain().ok


def test_a_correctly_forged_tail_changes_the_head(cast):
    """What the chain cannot see alone: a row appended by someone who knows the format. The head hash, recorded
    elsewhere after each verification, shows it."""
    events = record(2)
    head = verify_chain().head
    values = {field: "" for field in HASHED_FIELDS} | {
        "id": events[-1].pk + 1,
        "occurred_at": dt.datetime(2020, 5, 20, tzinfo=dt.UTC),
        "actor_id": None,
        "actor_organisation_id": None,
        "action": "test.forged",
        "summary": "伪造",
        "data": {},
        "ip": None,
        "prev_hash": events[-1].hash,
    }
    forge(values["id"], values["prev_hash"], event_hash(values))
    result = verify_chain()
    assert result.ok and result.count == 3 and result.head != head == events[-1].hash


# ------------------------------------------------------------------------------------------------ migration


def test_migration_fills_and_chains_existing_rows(cast):
    events = record(3, actor=cast.guangling_finance, data={"from": "submitted", "to": "county_review"})
    raw(
        "UPDATE audit_event SET prev_hash = '', hash = '', actor_organisation_id = NULL, actor_organisation_name = '',"
        " from_state = '', to_state = ''"
    )
    assert not verify_chain().ok
    migration = importlib.import_module("audit.migrations.0003_hash_chain")
    state = MigrationExecutor(connection).loader.project_state(("audit", "0003_hash_chain"))
    migration.BATCH = 2  # more than one batch
    migration.chain_existing_events(state.apps, connection.schema_editor())
    result = verify_chain()
    assert (result.ok, result.count) == (True, 3)
    event = Event.objects.get(pk=events[1].pk)
    assert event.actor_organisation_name == cast.guangling_finance.organisation.name
    assert (event.from_state, event.to_state) == ("submitted", "county_review")
    assert Event.objects.get(pk=events[0].pk).prev_hash == GENESIS


# ------------------------------------------------------------------------------------------------ selectors


def test_events_of_one_object_in_time_order(cast):
    user, other = cast.enterprise_a, cast.enterprise_b
    first = audit_record(action="test.one", actor=user, obj=user)
    audit_record(action="test.other", actor=other, obj=other)
    second = audit_record(action="test.two", actor=cast.city_officer, obj=user)
    assert list(events_for_object(user)) == [first, second]
    assert list(events_for("accounts.user", user.pk)) == [first, second]
    assert list(events_for("accounts.user", str(other.pk)).values_list("action", flat=True)) == ["test.other"]
    assert not events_for("accounts.organisation", user.pk).exists()


# ------------------------------------------------------------------------------------------------ the address


def test_login_records_the_address_and_organisation(client, cast):
    response = client.post(
        "/accounts/login/", {"username": "hj_ind", "password": cast.password}, REMOTE_ADDR="10.20.30.40"
    )
    assert response.status_code == 302
    event = Event.objects.get(action="auth.login")
    assert event.ip == "10.20.30.40"
    assert event.actor_organisation_name == cast.hanjiang_industry.organisation.name
    assert verify_chain().ok


def test_login_records_the_browser_printable_and_bounded(client, cast):
    """The audit log is the one record of a login (axes' access log is off): it keeps the user agent too."""
    agent = "Mozilla/5.0 (X11) 申报\x00\x07" + "x" * 1000
    client.post("/accounts/login/", {"username": "hj_ind", "password": cast.password}, HTTP_USER_AGENT=agent)
    recorded = Event.objects.get(action="auth.login").data["user_agent"]
    assert recorded.startswith("Mozilla/5.0 (X11) 申报x")
    assert "\x00" not in recorded and "\x07" not in recorded and len(recorded) == 300
    assert verify_chain().ok


def test_services_not_given_the_request_record_its_address_through_the_middleware(client, cast):
    from tests.factories import CallFactory

    source = CallFactory(code="yz2018", receipt_prefix="YZ2018", title="2018年度")
    client.force_login(cast.city_officer)
    body = {"year": 2019, "opens_at": "2020-05-14T00:00:00+08:00", "deadline": "2020-05-31T23:59:59+08:00",
            "title": "2019年度"}  # fmt: skip
    response = client.post(
        f"/api/v1/calls/{source.pk}/copy", body, content_type="application/json", REMOTE_ADDR="192.168.7.8"
    )
    assert response.status_code == 201, response.content
    assert Event.objects.get(action="call.copy").ip == "192.168.7.8"
    # Outside a request there is no address to remember.
    assert audit_record(action="test.thing", actor=cast.city_officer).ip is None


# ------------------------------------------------------------------------------------------------ concurrency


def run_together(workers):
    errors, threads = [], []

    def run(work):
        try:
            work()
        except Exception as exc:  # noqa: BLE001 - collected and asserted on
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(work,)) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.mark.django_db(transaction=True)
@postgresql_only
def test_two_writers_at_once_build_one_chain():
    start = threading.Barrier(2)

    def writer(name):
        def work():
            start.wait()
            for i in range(20):
                audit_record(action="test.concurrent", summary=f"{name}{i}")

        return work

    assert run_together([writer("甲"), writer("乙")]) == []
    result = verify_chain()
    assert (result.ok, result.count) == (True, 40)
    assert Event.objects.filter(action="test.concurrent").count() == 40


@pytest.mark.django_db(transaction=True)
@postgresql_only
def test_without_the_lock_two_writers_would_fork_and_the_database_refuses(monkeypatch):
    """Why the advisory lock: both writers read the same head; the unique link lets only one of them keep it."""
    audit_record(action="test.first")
    read, linked = threading.Barrier(2, timeout=10), threading.Barrier(2, timeout=10)
    previous_hash = chain._previous_hash

    def both_read_the_same_head(event_id):
        read.wait()
        head = previous_hash(event_id)
        linked.wait()
        return head

    monkeypatch.setattr(chain, "_lock_head", lambda: None)
    monkeypatch.setattr(chain, "_previous_hash", both_read_the_same_head)
    errors = run_together([lambda: audit_record(action="test.racing")] * 2)
    assert [type(error) for error in errors] == [IntegrityError]
    assert verify_chain().ok and Event.objects.count() == 2
