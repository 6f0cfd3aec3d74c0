"""Reads of the publicity: the public view of one publicity (cached per publicity, the cache key carries the
publicity's `updated_at`, which every change touches — so a change is seen by every worker process within
VERSION_MEMO_SECONDS, whatever the cache backend), and the staff's lists of objections (only of calls the user runs)."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language

from core.i18n import translated_name
from publicity import period
from publicity.models import Objection, Publicity, PublicityEntry
from publicity.rules import runs_call

CACHE_SECONDS = 300
# Under a crowd even the version query counts: each process asks the database at most once a second per
# publicity. A save in this process forgets its memo at once (signals in apps.py, `forget_version`); another
# worker process sees a change within this many seconds.
VERSION_MEMO_SECONDS = 1.0
_versions: dict[int, tuple[float, dict | None]] = {}


def forget_version(pk) -> None:
    _versions.pop(pk, None)


def version_of(pk: int) -> dict:
    """The few columns that say whether a cached view is still right: one indexed query (404 if unknown)."""
    now = time.monotonic()
    hit = _versions.get(pk)
    if hit is not None and hit[0] > now:
        row = hit[1]
    else:
        row = Publicity.objects.filter(pk=pk).values("pk", "updated_at", "state", "starts_on", "ends_on").first()
        _versions[pk] = (now + VERSION_MEMO_SECONDS, row)
    if row is None or row["state"] == Publicity.State.WITHDRAWN:
        raise Http404
    return row


def cache_key(kind: str, version: dict, *extra) -> str:
    # The phase is in the key: the page changes when the period opens or closes, without any write.
    phase = period.phase(version["starts_on"], version["ends_on"])
    stamp = version["updated_at"].timestamp()
    parts = [kind, str(version["pk"]), f"{stamp:.6f}", phase, get_language() or "", *map(str, extra)]
    return "publicity:" + ":".join(parts)


def cached(kind: str, version: dict, build, *extra):
    key = cache_key(kind, version, *extra)
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, CACHE_SECONDS)
    return value


def shown_entries(publicity: Publicity):
    """The entries still on the list (an upheld objection takes one off)."""
    return publicity.entries.filter(removed_at__isnull=True).order_by("position")


def public_data(publicity: Publicity) -> dict:
    """What the public sees: the list, the period, the supervision contact. No objector is ever shown."""
    return {
        "id": publicity.pk,
        "call": {"id": publicity.call_id, "title": publicity.call.title, "year": publicity.call.year},
        "category": {"code": publicity.category.code, "name": translated_name(publicity.category.name)},
        "starts_on": publicity.starts_on.isoformat(),
        "ends_on": publicity.ends_on.isoformat(),
        "days": publicity.days,
        "working_days": publicity.working_days,
        "closes_at": period.closes_at(publicity.ends_on).isoformat(),
        "phase": period.phase(publicity.starts_on, publicity.ends_on),
        "supervision_phone": publicity.supervision_phone,
        "supervision_contact": publicity.supervision_contact,
        "published_at": publicity.published_at.isoformat(),
        "entries": [
            {
                "application": e.application_id,
                "position": e.position,
                "rank": e.rank,
                "enterprise_name": e.enterprise_name,
                "category": translated_name(e.category_name),
                "summary": e.summary,
                "adjusted_note": e.adjusted_note,
            }
            for e in shown_entries(publicity)
        ],
    }


def publicity_for_public(pk: int) -> Publicity:
    return get_object_or_404(
        Publicity.objects.select_related("call", "category").exclude(state=Publicity.State.WITHDRAWN), pk=pk
    )


def publicities_of_call(user, call):
    """The publicities of a call with their objection counts, for staff who run it (none otherwise)."""
    return (
        Publicity.objects.filter(runs_call.q(user), call=call)
        .select_related("category")
        .annotate(
            pending=Count("objections", filter=Q(objections__state=Objection.State.PENDING)),
            objection_count=Count("objections"),
        )
        .order_by("category__sort_order", "-published_at")
    )


def objections_for(user, publicity: Publicity | None = None):
    """Objections the user may read: of calls they run; with the entry and files for the handling page."""
    qs = Objection.objects.filter(runs_call.q(user)).select_related("entry", "publicity__category", "decided_by")
    if publicity is not None:
        qs = qs.filter(publicity=publicity)
    return qs.prefetch_related("files").order_by("state", "created_at", "id")


def objection_by_token(token: str) -> Objection:
    return get_object_or_404(
        Objection.objects.select_related("entry", "publicity__call", "publicity__category"), token=token
    )


def entry_of(publicity: Publicity, application_id) -> PublicityEntry | None:
    return publicity.entries.filter(application_id=application_id, removed_at__isnull=True).first()
