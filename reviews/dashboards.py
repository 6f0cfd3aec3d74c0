"""The city's dashboard (/review/city/): for one call, the submitted applications counted by unit × state and by
category × state, the units that have not forwarded a batch yet, and the forwarded batches. One GROUP BY query
for both count tables and one for the batches, whatever the number of applications."""

from __future__ import annotations

from django.db.models import Count

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


def _table(counts, keys):
    """[{key, label, counts: [n per state], total}] in the order of `keys` ({key: label}), zeros included, from
    {(key, state): n}."""
    table = []
    for key, label in keys.items():
        row = [counts.get((key, state), 0) for state in STATES]
        table.append({"key": key, "label": label, "counts": row, "total": sum(row)})
    return table


def _totals(table):
    return {
        "counts": [sum(row["counts"][i] for row in table) for i in range(len(STATES))],
        "total": sum(row["total"] for row in table),
    }


def city_overview(call: Call) -> dict:
    # One GROUP BY (unit, category, state) — a few dozen rows — makes both tables.
    grouped = (
        Application.objects.filter(call=call, receipt_no__isnull=False)
        .order_by()
        .values_list("region_id", "category_id", "status")
        .annotate(n=Count("pk"))
    )
    code_of = {c.id: c.code for c in call.categories.all()}
    by_unit_counts, by_category_counts = {}, {}
    for region_id, category_id, status, n in grouped:
        by_unit_counts[(region_id, status)] = by_unit_counts.get((region_id, status), 0) + n
        key = (code_of.get(category_id), status)
        by_category_counts[key] = by_category_counts.get(key, 0) + n
    by_unit = _table(by_unit_counts, county_units())
    by_category = _table(by_category_counts, {c.code: c.name for c in call.categories.all()})
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
        "not_forwarded": [(code, name) for code, name in county_units().items() if code not in forwarded_units],
        "batches": batches,
    }
