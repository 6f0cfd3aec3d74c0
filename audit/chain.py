"""The hash chain of the audit log: how an event is hashed, how it is appended, how the chain is verified.

An event's hash is the SHA-256 (hex) of its canonical form: every stored column but `hash` itself, `prev_hash`
included, as JSON with sorted keys, no spaces, UTF-8, times in UTC ISO 8601 with microseconds. The first
event's `prev_hash` is GENESIS; each later one's is the hash of the event before it in id order.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.context import normalised_ip
from audit.models import Event

GENESIS = "0" * 64
# The columns an event's hash covers, in no particular order (the JSON sorts them). A new column must be added
# here deliberately, with a migration that re-hashes: tests/audit/test_chain.py fails until then.
HASHED_FIELDS = (
    "id",
    "occurred_at",
    "actor_id",
    "actor_username",
    "actor_role",
    "actor_organisation_id",
    "actor_organisation_name",
    "action",
    "object_type",
    "object_id",
    "summary",
    "from_state",
    "to_state",
    "comment",
    "data",
    "ip",
    "prev_hash",
)
# pg_advisory_xact_lock key of the chain's head: one writer at a time links to it ("audit" in ASCII).
CHAIN_LOCK = 0x6175646974

CONTENT_CHANGED = "content_changed"
LINK_BROKEN = "link_broken"
PROBLEMS = {
    CONTENT_CHANGED: _("内容被改动（按现有内容重新计算的哈希与记录的哈希不一致）"),
    LINK_BROKEN: _("链接断开（记录的前一事件哈希与前一条事件不符：有事件被删除或插入）"),
}


def canonical(values: dict) -> bytes:
    """The bytes hashed for one event's column values (as read from the database)."""
    values = {**values, "occurred_at": _utc_iso(values["occurred_at"]), "ip": _ip(values["ip"])}
    return json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _utc_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _ip(value) -> str | None:
    # The database may spell an address its own way (PostgreSQL's inet): hash Python's spelling.
    return (normalised_ip(value) or str(value)) if value else None


def event_hash(values: dict) -> str:
    return hashlib.sha256(canonical(values)).hexdigest()


def stored_json(data):
    """The value as it reads back from the JSON column (Decimals and dates become strings, tuples lists)."""
    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))


def append(event: Event) -> Event:
    """Insert `event` as the chain's new head. Runs inside the caller's transaction, if there is one.

    The row is inserted first and linked after: on SQLite the insert takes the database's write lock, on
    PostgreSQL the advisory lock (held to the end of the transaction) makes appends one at a time, so in both
    the previous row read next is the head, and id order is chain order. No savepoint of its own inside the
    caller's transaction (two statements fewer per event): a failure here fails the change it records anyway.
    """
    with transaction.atomic(savepoint=False):
        _lock_head()
        event.occurred_at = timezone.now()
        event.data = stored_json(event.data)
        event.prev_hash = event.hash = ""
        event._appending = True
        event.save(force_insert=True)
        event.prev_hash = _previous_hash(event.pk)
        event.hash = event_hash({field: getattr(event, field) for field in HASHED_FIELDS})
        # The one UPDATE the log ever sees, on the row this transaction has just inserted (plain QuerySet).
        models.QuerySet(Event).filter(pk=event.pk).update(prev_hash=event.prev_hash, hash=event.hash)
    return event


def _lock_head():
    if connection.vendor == "postgresql":  # SQLite: the INSERT that follows takes the database's write lock
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


def _previous_hash(event_id: int) -> str:
    previous = Event.objects.filter(id__lt=event_id).order_by("-id").values_list("hash", flat=True).first()
    return previous if previous is not None else GENESIS


@dataclass(frozen=True)
class ChainResult:
    ok: bool
    count: int  # events verified (up to the first broken one)
    head: str  # hash of the last good event: record it elsewhere to notice a rewritten or truncated tail
    broken_id: int | None = None
    problem: str | None = None  # CONTENT_CHANGED or LINK_BROKEN

    @property
    def reason(self):
        return PROBLEMS.get(self.problem, "")


def verify_chain(*, chunk_size: int = 2000) -> ChainResult:
    """Walk the whole log in id order (streamed) and name the first event whose hash or link is wrong."""
    previous, count = GENESIS, 0
    rows = Event.objects.order_by("id").values_list(*HASHED_FIELDS, "hash").iterator(chunk_size=chunk_size)
    for row in rows:
        values, stored = dict(zip(HASHED_FIELDS, row[:-1], strict=True)), row[-1]
        problem = None
        if event_hash(values) != stored:
            problem = CONTENT_CHANGED
        elif values["prev_hash"] != previous:
            problem = LINK_BROKEN
        if problem:
            return ChainResult(ok=False, count=count, head=previous, broken_id=values["id"], problem=problem)
        previous, count = stored, count + 1
    return ChainResult(ok=True, count=count, head=previous)
