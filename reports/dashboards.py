"""The dashboards at /reports/ (city: every unit; county reviewers: their own unit), a constant number of
queries whatever the number of applications:

1. applications per day of submission (Shanghai), unit, category and state — one GROUP BY; the charts
   "by unit", "by category", "by state" and "over time" are sums of its rows;
2. investment and R&D totals per category and unit — one GROUP BY over reports.ApplicationFigures (each
   application's latest snapshot's derived figures, kept when the snapshot is written; parsing 10,000
   canonical JSON documents per request would not fit the 200 ms budget);
3. the experts' submitted totals in 10-point bands per category — one GROUP BY;
4. the mean days spent in each state — one query with a window (LEAD) over the audit's from/to events.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, IntegerField, Q, Sum
from django.db.models.functions import Cast, Floor, TruncDate
from django.utils.translation import get_language, gettext

from accounts.models import User
from accounts.selectors import county_units
from applications import rules as app_rules
from applications.models import Application
from programmes.models import SHANGHAI, Category
from reports.models import ApplicationFigures

ZERO = Decimal("0.00")
SCORE_BAND = 10


def may_view(user: User) -> bool:
    return app_rules.CITY.test(user) or app_rules.COUNTY.test(user)


def scope_q(user: User, prefix: str = "") -> Q:
    """The applications the dashboard counts: submitted ones, of the county's own unit for its reviewers."""
    q = Q(**{f"{prefix}receipt_no__isnull": False})
    if app_rules.COUNTY.test(user):
        q &= Q(**{f"{prefix}region_id": user.organisation.region_id})
    return q


def _counts(user):
    rows = (
        Application.objects.filter(scope_q(user))
        .annotate(day=TruncDate("submitted_at", tzinfo=SHANGHAI))
        .values_list("day", "region_id", "category_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return list(rows)


def _sum_by(rows, index, labels):
    totals = defaultdict(int)
    for row in rows:
        totals[row[index]] += row[4]
    keys = list(labels) + sorted(k for k in totals if k not in labels and k is not None)
    return [{"key": k, "label": str(labels.get(k, k)), "value": totals.get(k, 0)} for k in keys if k in totals]


def _over_time(rows, states):
    days = sorted({r[0] for r in rows if r[0] is not None})
    cells = defaultdict(int)
    for day, _unit, _cat, status, n in rows:
        cells[(day, status)] += n
    used = [s for s in states if any(cells.get((d, s)) for d in days)]
    return {
        "days": [d.isoformat() for d in days],
        "series": [{"key": s, "label": str(states[s]), "values": [cells.get((d, s), 0) for d in days]} for s in used],
    }


def _money_totals(user):
    rows = (
        ApplicationFigures.objects.filter(scope_q(user, "application__"))
        .values_list("application__category_id", "application__region_id")
        .annotate(investment=Sum("investment_yuan"), rd=Sum("rd_investment_yuan"), n=Count("pk"))
        .order_by()
    )
    by_category, by_unit = defaultdict(lambda: [ZERO, ZERO]), defaultdict(lambda: [ZERO, ZERO])
    for code, unit, investment, rd, _n in rows:
        for bucket in (by_category[code], by_unit[unit]):
            bucket[0] += investment or ZERO
            bucket[1] += rd or ZERO
    return by_category, by_unit


def _scores(user):
    from evaluation.models import Score

    qs = Score.objects.filter(submitted_at__isnull=False)
    if app_rules.COUNTY.test(user):  # the city reads every score: no join to the applications
        qs = qs.filter(scope_q(user, "assignment__application__"))
    rows = (
        qs.annotate(band=Cast(Floor("total") / SCORE_BAND, IntegerField()))
        .values_list("assignment__panel__category_id", "band")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return list(rows)


def _stage_durations(user):
    """{state: (mean days, applications)} from each transition to the next one of the same application."""
    params = []
    cast = "varchar" if connection.vendor == "postgresql" else "text"
    scope = ""  # the city: every application's transitions (only submitted ones have any)
    if app_rules.COUNTY.test(user):
        scope = f"""AND e.object_id IN (SELECT CAST(a.id AS {cast}) FROM applications_application a
                                        WHERE a.receipt_no IS NOT NULL AND a.region_id = %s)"""  # noqa: S608
        params.append(user.organisation.region_id)
    if connection.vendor == "postgresql":
        seconds = "EXTRACT(EPOCH FROM (t.next_at - t.occurred_at))"
    else:
        seconds = "(julianday(t.next_at) - julianday(t.occurred_at)) * 86400"
    # Only constant fragments are formatted in; the unit is a bound parameter.
    sql = f"""
        SELECT t.to_state, AVG({seconds}), COUNT(*)
        FROM (
            SELECT e.to_state, e.occurred_at,
                   LEAD(e.occurred_at) OVER (PARTITION BY e.object_id ORDER BY e.occurred_at, e.id) AS next_at
            FROM audit_event e
            WHERE e.object_type = 'applications.application' AND e.to_state <> ''
              {scope}
        ) t
        WHERE t.next_at IS NOT NULL
        GROUP BY t.to_state
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {state: (Decimal(str(avg or 0)) / 86400, n) for state, avg, n in cursor.fetchall()}


def _by_code(rows, index, codes):
    """Rows grouped by category id, regrouped by category code (the last column is the count)."""
    merged = defaultdict(int)
    for row in rows:
        key = (*row[:index], codes.get(row[index], row[index]), *row[index + 1 : -1])
        merged[key] += row[-1]
    return [(*key, n) for key, n in merged.items()]


def _merge_codes(by_category, codes):
    merged = defaultdict(lambda: [ZERO, ZERO])
    for pk, (investment, rd) in by_category.items():
        bucket = merged[codes.get(pk, pk)]
        bucket[0] += investment
        bucket[1] += rd
    return merged


def scope_key(user: User) -> str:
    return "city" if app_rules.CITY.test(user) else f"unit-{user.organisation.region_id}"


def dashboard_cached(user: User) -> dict:
    """dashboard(), kept for REPORTS_DASHBOARD_CACHE_SECONDS (default 60; 0: never kept) per scope and language:
    a summary a minute old is still the summary, and a crowd of officers opening it costs one computation."""
    seconds = getattr(settings, "REPORTS_DASHBOARD_CACHE_SECONDS", 60)
    if not seconds:
        return dashboard(user)
    key = f"reports:dashboard:{scope_key(user)}:{get_language()}"
    data = cache.get(key)
    if data is None:
        data = dashboard(user)
        cache.set(key, data, seconds)
    return data


def dashboard(user: User) -> dict:
    """Every chart's data (plain JSON: the page embeds it with json_script and also prints it as tables)."""
    states = dict(Application.Status.choices)
    units = county_units()
    if app_rules.COUNTY.test(user):
        units = {k: v for k, v in units.items() if k == user.organisation.region_id}
    codes, categories = {}, {}
    for pk, code, name in Category.objects.order_by("code", "pk").values_list("pk", "code", "name"):
        codes[pk] = code
        categories.setdefault(code, name)
    # The groups come by category id (no join); a later call's category of the same code adds up with it.
    rows = _by_code(_counts(user), 2, codes)
    by_category, by_unit = _money_totals(user)
    by_category = _merge_codes(by_category, codes)
    scores = _by_code(_scores(user), 0, codes)
    durations = _stage_durations(user)
    bands = sorted({b for _c, b, _n in scores})
    score_cells = {(c, b): n for c, b, n in scores}
    return {
        "total": sum(r[4] for r in rows),
        "by_unit": _sum_by(rows, 1, units),
        "by_category": _sum_by(rows, 2, categories),
        "by_state": _sum_by(rows, 3, states),
        "over_time": _over_time(rows, states),
        "money": {
            "by_category": [
                {"key": k, "label": str(categories.get(k, k)), "investment": str(v[0]), "rd": str(v[1])}
                for k, v in sorted(by_category.items())
            ],
            "by_unit": [
                {"key": k, "label": str(units.get(k, k)), "investment": str(by_unit[k][0]), "rd": str(by_unit[k][1])}
                for k in units
                if k in by_unit
            ],
        },
        "scores": {
            "bands": [f"{b * SCORE_BAND}–{b * SCORE_BAND + SCORE_BAND - 1}" for b in bands],
            "series": [
                {"key": c, "label": str(categories.get(c, c)), "values": [score_cells.get((c, b), 0) for b in bands]}
                for c in sorted({c for c, _b, _n in scores})
            ],
        },
        "stages": [
            {
                "key": s,
                "label": str(states.get(s, s)),
                "days": str(durations[s][0].quantize(Decimal("0.1"))),
                "n": durations[s][1],
            }
            for s in states
            if s in durations
        ],
        "labels": {"investment": gettext("投资总额（元）"), "rd": gettext("研发投入（元）")},  # the chart's legend
        "scope": gettext("全市") if app_rules.CITY.test(user) else next(iter(units.values()), ""),
    }
