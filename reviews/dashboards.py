"""The city's dashboard (/review/city/): for one call, the submitted applications counted by unit × state and by
category × state, the units that have not forwarded a batch yet, and the forwarded batches. One query per table
(Count with filter), whatever the number of applications."""

from __future__ import annotations

from django.db.models import Count, F, Q

from accounts.selectors import county_units
from applications.models import Application
from programmes.models import Call
from reviews.models import Batch

Status = Application.Status
# The columns: every state a submitted application can be in, in the order of the review.
STATES = (
    Status.SUBMITTED,
    Status.COUNTY_REVIEW,
    Status.RETURNED,
    Status.WITHDRAWN,
    Status.NOT_RECOMMENDED,
    Status.RECOMMENDED,
    Status.FORWARDED,
    Status.SENT_BACK,
    Status.EXPERT_REVIEW,
)


def _state_counts():
    return {f"n_{state}": Count("pk", filter=Q(status=state)) for state in STATES}


def _table(rows, keys):
    """[{key, label, counts: [n per state], total}] in the order of `keys` ({key: label}), zeros included."""
    by_key = {row.pop("key"): row for row in rows}
    table = []
    for key, label in keys.items():
        row = by_key.get(key, {})
        counts = [row.get(f"n_{state}", 0) for state in STATES]
        table.append({"key": key, "label": label, "counts": counts, "total": row.get("total", 0)})
    return table


def _totals(table):
    return {
        "counts": [sum(row["counts"][i] for row in table) for i in range(len(STATES))],
        "total": sum(row["total"] for row in table),
    }


def city_overview(call: Call) -> dict:
    submitted = Application.objects.filter(call=call, receipt_no__isnull=False).order_by()
    units = county_units()
    by_unit = _table(list(submitted.values(key=F("region_id")).annotate(total=Count("pk"), **_state_counts())), units)
    categories = {c.code: c.name for c in call.categories.all()}
    by_category = _table(
        list(submitted.values(key=F("category__code")).annotate(total=Count("pk"), **_state_counts())),
        categories,
    )
    forwarded = (
        Batch.objects.filter(call=call, forwarded_at__isnull=False)
        .select_related("region")
        .annotate(size=Count("items"))
        .order_by("-forwarded_at", "-id")
    )
    batches = list(forwarded)
    forwarded_units = {b.region_id for b in batches}
    return {
        "call": call,
        "states": [(state, Status(state).label) for state in STATES],
        "by_unit": by_unit,
        "by_unit_totals": _totals(by_unit),
        "by_category": by_category,
        "by_category_totals": _totals(by_category),
        "not_forwarded": [(code, name) for code, name in units.items() if code not in forwarded_units],
        "batches": batches,
    }
