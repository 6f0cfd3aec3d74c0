"""Benchmark of the expert review's ranking: 10,000 applications × 5 experts (target: under 1 s).

1. Pure: evaluation.aggregation — aggregate (mean, trimmed mean, spread, outliers) and rank 10,000 applications
   of five random totals each (seeded), plus Kendall's W over the 5 × 10,000 matrix.
2. Database: evaluation.selectors.ranking() on one panel with 10,000 applications and 50,000 submitted scores —
   the query, the aggregation, the ranking and Kendall's W, as GET /api/v1/calls/{id}/ranking computes them.

Default database: a fresh PostgreSQL database `h_ranking_bench` on 127.0.0.1 (dropped and recreated);
`--sqlite` uses a throwaway SQLite file instead.

Usage: .venv/bin/python bench/bench_ranking.py [--applications 10000] [--experts 5] [--repeat 5] [--sqlite]
Prints the figures; record them in docs/performance.md ("Ranking").
"""

import argparse
import os
import platform
import random
import time
from decimal import Decimal

from _common import best, drop_postgres, pg_name, prepare_env, setup_django


def totals(rng):
    return Decimal(rng.randrange(80, 201)) / 2  # 40.0 … 100.0 in half points


def pure(args):
    from evaluation import aggregation

    rng = random.Random(2018)
    data = {pk: {e: totals(rng) for e in range(args.experts)} for pk in range(1, args.applications + 1)}

    def run():
        aggregates = [aggregation.aggregate(pk, t, trim_min=5, margin=Decimal("15")) for pk, t in data.items()]
        ranked = aggregation.rank(aggregates)
        w = aggregation.kendalls_w([[data[pk][e] for pk in data] for e in range(args.experts)])
        return ranked, w

    low, median, cpu, (ranked, w) = best(run, args.repeat)
    print(
        f"pure: {args.applications} applications × {args.experts}: best {low * 1000:.0f} ms, median "
        f"{median * 1000:.0f} ms, CPU {cpu * 1000:.0f} ms (W = {aggregation.q(w)}, first {ranked[0][1].value})"
    )
    return low


def seed_database(args):
    from accounts.models import Organisation, Region, User
    from accounts.regions import ensure_regions
    from applications.models import Application
    from evaluation.models import Assignment, Expert, Panel, Score
    from programmes.demo import ensure_categories
    from programmes.models import Call

    ensure_regions(Region, Organisation)
    now = __import__("django.utils.timezone", fromlist=["now"]).now()
    call = Call.objects.create(
        year=2018,
        title="bench",
        code="bench",
        receipt_prefix="B",
        opens_at=now,
        deadline=now.replace(year=now.year + 1),
    )
    ensure_categories(call)
    category = call.categories.get(code="demonstration")
    form = category.form_versions.get()
    pool = Organisation.objects.get(kind=Organisation.Kind.EXPERT_POOL)
    experts = []
    for i in range(args.experts):
        user = User.objects.create(username=f"bench_expert{i}", role=User.Role.EXPERT, organisation=pool)
        experts.append(Expert.objects.create(user=user, field="management", employer_name=f"单位{i}"))
    orgs = Organisation.objects.bulk_create(
        Organisation(name=f"基准企业{i}", kind=Organisation.Kind.ENTERPRISE, region_id="321003")
        for i in range(args.applications)
    )
    applications = Application.objects.bulk_create(
        Application(
            call=call,
            category=category,
            enterprise=org,
            region_id="321003",
            form_version=form,
            status=Application.Status.EXPERT_REVIEW,
            receipt_no=f"B-SF-321003-{i:05d}",
        )
        for i, org in enumerate(orgs, start=1)
    )
    admin = User.objects.create(username="bench_city", role=User.Role.CITY_OFFICER)
    panel = Panel.objects.create(
        call=call,
        category=category,
        size=args.experts,
        seed=1,
        pool=[e.pk for e in experts],
        applications=[a.pk for a in applications],
        order=[e.pk for e in experts],
        drawn_by=admin,
    )
    assignments = Assignment.objects.bulk_create(
        (
            Assignment(panel=panel, application=a, expert=e, position=p, state="scored")
            for a in applications
            for p, e in enumerate(experts, start=1)
        ),
        batch_size=5000,
    )
    rng = random.Random(2018)
    Score.objects.bulk_create(
        (
            Score(assignment=s, total=totals(rng), scores={}, comment="基准", locked=True, submitted_at=now)
            for s in assignments
        ),
        batch_size=5000,
    )
    return call, category


def database(args):
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from evaluation import selectors

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    call, category = seed_database(args)
    print(
        f"seeded {args.applications} applications, {args.applications * args.experts} scores in "
        f"{time.perf_counter() - start:.1f} s ({connection.vendor})"
    )
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        selectors.ranking(call, category)
    low, median, cpu, result = best(lambda: selectors.ranking(call, category), args.repeat)
    print(
        f"database: ranking() best {low * 1000:.0f} ms, median {median * 1000:.0f} ms, CPU {cpu * 1000:.0f} ms, {len(queries)} queries, "
        f"{len(result['rows'])} rows, W = {result['concordance']['w']}"
    )
    return low


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--experts", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sqlite", action="store_true")
    args = parser.parse_args()
    prepare_env("ranking", sqlite=args.sqlite)
    setup_django(migrate=False)
    print(f"python {platform.python_version()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    figures = {"pure": pure(args), "database": database(args)}
    ok = all(seconds < 1 for seconds in figures.values())
    print("target (< 1 s):", "met" if ok else "NOT met")
    if not args.sqlite:
        drop_postgres(pg_name("ranking"))


if __name__ == "__main__":
    main()
