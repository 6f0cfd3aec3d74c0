"""The audit log is append-only, keeps who acted as text, and no deletion rewrites an old row."""

import importlib

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import ProtectedError

from accounts.models import User
from audit.models import AppendOnlyError, Event
from audit.services import audit_record


def test_actor_username_and_role_are_kept_as_text(cast):
    event = audit_record(action="test.thing", actor=cast.hanjiang_industry, obj=cast.hanjiang_industry)
    event.refresh_from_db()
    assert event.actor == cast.hanjiang_industry
    assert (event.actor_username, event.actor_role) == ("hj_ind", "county_industry")


def test_text_survives_a_rename_and_a_change_of_role(cast):
    user = cast.hanjiang_industry
    event = audit_record(action="test.thing", actor=user)
    user.username, user.role = "renamed", User.Role.CITY_OFFICER
    user.save()
    event = Event.objects.get(pk=event.pk)
    assert (event.actor_username, event.actor_role) == ("hj_ind", "county_industry")
    assert event.actor_id == user.pk


def test_anonymous_actor_is_recorded_as_nobody(cast):
    event = audit_record(action="test.thing", actor=cast.anonymous)
    assert event.actor is None and event.actor_username == "" and event.actor_role == ""


def test_foreign_key_is_protect(cast):
    field = Event._meta.get_field("actor")
    assert field.remote_field.on_delete.__name__ == "PROTECT"
    audit_record(action="test.thing", actor=cast.expert)
    with pytest.raises(ProtectedError):
        cast.expert.delete()
    assert User.objects.filter(pk=cast.expert.pk).exists()
    assert Event.objects.get(action="test.thing").actor_username == "exp"


def test_a_user_without_events_can_still_be_deleted(cast):
    assert not Event.objects.filter(actor=cast.expert).exists()
    cast.expert.delete()
    assert not User.objects.filter(username="exp").exists()


def test_no_update_and_no_delete_through_the_orm(cast):
    event = audit_record(action="test.thing", actor=cast.city_officer, summary="原文")
    event.summary = "改写"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(pk=event.pk).update(summary="改写")
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError), transaction.atomic():  # bulk_update runs in a transaction of its own
        Event.objects.bulk_update([event], ["summary"])
    assert Event.objects.get(pk=event.pk).summary == "原文"


def test_admin_shows_events_and_changes_none(client, cast):
    event = audit_record(action="test.thing", actor=cast.city_officer, summary="原文")
    client.force_login(cast.admin)
    url = f"/admin/audit/event/{event.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert "city" in page.content.decode()
    assert client.post(url, {"summary": "改写"}).status_code == 403
    assert client.post(f"/admin/audit/event/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/audit/event/add/").status_code == 403
    assert Event.objects.get(pk=event.pk).summary == "原文"


def test_migration_backfills_username_and_role_of_existing_rows(cast):
    """The data migration fills the new text columns of rows written before them, from the actor's row."""
    event = audit_record(action="test.thing", actor=cast.guangling_finance)
    with connection.cursor() as cursor:  # the state before the migration: text columns empty
        cursor.execute("UPDATE audit_event SET actor_username = '', actor_role = '' WHERE id = %s", [event.pk])
    migration = importlib.import_module("audit.migrations.0002_actor_text_protect")
    # The models as the migration sees them (Django's plain manager), not today's append-only one.
    state = MigrationExecutor(connection).loader.project_state(("audit", "0002_actor_text_protect"))
    migration.backfill_actor_text(state.apps, connection.schema_editor())
    event = Event.objects.get(pk=event.pk)
    assert (event.actor_username, event.actor_role) == ("gl_fin", "county_finance")
