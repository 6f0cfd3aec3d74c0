"""Benchmark of the review's lists at 10,000 applications: the county queue, the city dashboard, the city's
staff list and the API list, against the home page in the same run.

Builds (bulk_create) 10,000 submitted applications of 10,000 enterprises with profiles across the county-level
units (邗江 1,112 of them, as in the issue's measurement), their demonstration form data, snapshots, county
opinions on a third of them, 1,000 automatic flags and a forwarded batch per unit but one; then requests each
page N times through Django's full stack in process (middleware, session or bearer auth, templates, ninja) and
prints p50 / p95 / max, the SQL queries of one request and the response size.

Default database: a fresh PostgreSQL database `h_queue_bench` on 127.0.0.1 (dropped and recreated);
`--database-url` uses the one given instead (it must be empty: it is migrated and filled), `--sqlite` a
throwaway SQLite file. Targets (issue 9): p95 < 150 ms and at most 12 queries per list page.

Usage: .venv/bin/python bench/bench_queue.py [--applications 10000] [--requests 60] [--sqlite] [--reuse]
Record the figures in docs/performance.md ("Review lists").
"""

import argparse
import datetime as dt
import os
import platform
import random
import time
from decimal import Decimal

from _common import analyze, load_average, pct, pg_name, pg_url, prepare_env, setup_django

PG_NAME = pg_name("queue")
HANJIANG = "321003"
TARGET_P95_MS = 150
TARGET_QUERIES = 12


def spread(total, units):
    """邗江 gets 1,112 (the issue's county), the rest is shared by the other units."""
    hanjiang = min(total, round(total * 0.1112))
    others = [u for u in units if u != HANJIANG]
    share, extra = divmod(total - hanjiang, len(others))
    counts = {u: share + (1 if i < extra else 0) for i, u in enumerate(others)}
    counts[HANJIANG] = hanjiang
    return counts


def build(n):
    from django.utils import timezone
    from stdnum.cn import uscc as uscc_mod

    from accounts.models import Organisation, User
    from accounts.selectors import county_units
    from applications.demo import DEMONSTRATION_DATA
    from applications.models import Application, ApplicationFlag, Snapshot
    from enterprises.models import Declaration, EnterpriseProfile
    from programmes.demo import load as load_programmes
    from programmes.models import CategoryForm
    from programmes.vocabulary import FLAG_KINDS
    from reviews.models import Batch, CountyOpinion

    rng = random.Random(9)
    _historic, call = load_programmes()
    categories = list(call.categories.all())
    forms = {c.id: CategoryForm.objects.current_for(c.id) for c in categories}
    units = list(county_units())
    S = Application.Status
    states = [S.SUBMITTED] * 4 + [S.COUNTY_REVIEW] * 3 + [S.RETURNED, S.RECOMMENDED, S.FORWARDED, S.NOT_RECOMMENDED]
    now = timezone.now()
    organisations, profiles, applications = [], [], []
    for unit, count in spread(n, units).items():
        for i in range(count):
            organisations.append(
                Organisation(name=f"扬州{unit}测试{i:05d}科技有限公司", kind="enterprise", region_id=unit)
            )
    organisations = Organisation.objects.bulk_create(organisations, batch_size=2000)
    for i, org in enumerate(organisations):
        authority = org.region_id if org.region_id.isdigit() and len(org.region_id) == 6 else "321000"
        body = f"91{authority}{i:09d}"
        profiles.append(
            EnterpriseProfile(
                organisation=org,
                uscc=body + uscc_mod.calc_check_digit(body),
                name=org.name,
                legal_representative="张三",
                contact_person="李四",
                mobile="13800000000",
                registered_region=org.region_id,
                tax_region=org.region_id,
                established_on=dt.date(2012, 1, 1),
                independent_legal_person=True,
                industry="industry",
                employees=80,
                revenue_yuan=Decimal("15000000.00"),
                assets_yuan=Decimal("9000000.00"),
            )
        )
    profiles = EnterpriseProfile.objects.bulk_create(profiles, batch_size=2000)
    Declaration.objects.bulk_create(
        [
            Declaration(profile=p, kind=k, wording="……", accepted=True)
            for p in profiles
            for k in Declaration.Kind.values
        ],
        batch_size=5000,
    )
    for i, org in enumerate(organisations):
        category = categories[i % len(categories)]
        applications.append(
            Application(
                call=call,
                category=category,
                enterprise=org,
                region_id=org.region_id,
                status=rng.choice(states),
                form_version=forms[category.id],
                data=DEMONSTRATION_DATA,
                receipt_no=f"{call.receipt_prefix}-{category.short_code}-{org.region_id}-{i:05d}",
                digest=f"{i:064d}",
                submitted_at=now - dt.timedelta(minutes=rng.randrange(60 * 24 * 20)),
                review_round=1,
                declaration_accepted=True,
            )
        )
    applications = Application.objects.bulk_create(applications, batch_size=2000)
    snapshots = Snapshot.objects.bulk_create(
        [Snapshot(application=a, version=1, canonical_json="{}", digest=a.digest) for a in applications],
        batch_size=2000,
    )
    reviewers = {
        (unit, kind): User.objects.create_user(
            username=f"{kind}_{unit}",
            password="bench-password-2018",
            role=kind,
            organisation=Organisation.objects.get(kind=kind, region_id=unit),
        )
        for unit in units
        for kind in ("county_industry", "county_finance")
    }
    opinions = []
    for a, s in zip(applications, snapshots, strict=True):
        if a.status in (S.COUNTY_REVIEW, S.RECOMMENDED, S.FORWARDED):
            for bureau, kind in (("industry", "county_industry"), ("finance", "county_finance")):
                if a.status != S.COUNTY_REVIEW or bureau == "industry":
                    reviewer = reviewers[(a.region_id, kind)]
                    opinions.append(
                        CountyOpinion(
                            application=a,
                            snapshot=s,
                            round=1,
                            bureau=bureau,
                            decision="approve",
                            reviewer=reviewer,
                            organisation_id=reviewer.organisation_id,
                        )
                    )
    CountyOpinion.objects.bulk_create(opinions, batch_size=5000)
    ApplicationFlag.objects.bulk_create(
        [
            ApplicationFlag(application=a, kind=rng.choice(FLAG_KINDS.codes), message="……", computed_at=now)
            for a in rng.sample(applications, min(1000, len(applications)))
        ]
    )
    city = User.objects.create_user(
        username="city_bench",
        password="bench-password-2018",
        role="city_officer",
        organisation=Organisation.objects.get(kind="city_industry"),
    )
    for unit in units[:-1]:
        Batch.objects.create(
            call=call,
            region_id=unit,
            number=f"{unit}〔2019〕1号",
            created_by=reviewers[(unit, "county_industry")],
            state=Batch.State.FORWARDED,
            forwarded_at=now,
            forwarded_by=reviewers[(unit, "county_industry")],
        )
    return {"county": reviewers[(HANJIANG, "county_industry")], "city": city, "opinions": len(opinions)}


def measure(client, url, n, headers):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):  # warm caches and memos (templates, county-level units, translations)
        response = client.get(url, **headers)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    queries, size = len(ctx.captured_queries), len(response.content)
    sql = sum(float(q["time"]) for q in ctx.captured_queries)
    timings = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url, **headers)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200
    return {
        "p50": pct(timings, 50),
        "p95": pct(timings, 95),
        "max": max(timings),
        "queries": queries,
        "sql": sql,
        "size": size,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=10000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--reuse", action="store_true", help=f"measure again on {PG_NAME} as a previous run left it")
    args = parser.parse_args()
    reused = pg_url(PG_NAME) if args.reuse and not args.sqlite else None
    prepare_env("queue", sqlite=args.sqlite, database_url=reused or args.database_url)
    setup_django(client=True, debug=False)

    from django.db import connection
    from django.test import Client

    from accounts.models import ApiToken
    from applications.models import Application

    t0 = time.perf_counter()
    if args.reuse:
        from accounts.models import User
        from reviews.models import CountyOpinion

        county_user = User.objects.get(username=f"county_industry_{HANJIANG}")
        cast = {"county": county_user, "city": User.objects.get(username="city_bench")}
        cast["opinions"] = CountyOpinion.objects.count()
    else:
        cast = build(args.applications)
    analyze()
    setup_s = time.perf_counter() - t0
    county_rows = Application.objects.filter(region_id=HANJIANG).count()
    print(
        f"database: {connection.vendor}; applications: {Application.objects.count()} (邗江 {county_rows}), "
        f"county opinions: {cast['opinions']}; setup {setup_s:.1f} s"
    )
    print(
        f"python {platform.python_version()}, {os.cpu_count()} CPUs (load {load_average()}), "
        f"{args.requests} requests per row"
    )

    anonymous, county, city = Client(), Client(), Client()
    county.force_login(cast["county"])
    city.force_login(cast["city"])
    key, _token = ApiToken.issue(cast["city"])
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    county_key, _token = ApiToken.issue(cast["county"])
    county_bearer = {"HTTP_AUTHORIZATION": f"Bearer {county_key}"}
    rows = [
        ("home page (anonymous)", anonymous, "/", {}),
        ("county queue /review/ (邗江 工信)", county, "/review/", {}),
        (
            "county queue, owes=finance&q=科技&sort=name",
            county,
            "/review/?owes=finance&q=%E7%A7%91%E6%8A%80&sort=name",
            {},
        ),
        ("county queue, flag=any, page 3", county, "/review/?flag=any&page=3", {}),
        ("city queue /review/ (every unit)", city, "/review/", {}),
        ("city queue, page 400", city, "/review/?page=400", {}),
        ("city dashboard /review/city/", city, "/review/city/", {}),
        ("outreach /review/outreach/ (邗江 工信)", county, "/review/outreach/", {}),
        ("city list page /applications/", city, "/applications/", {}),
        ("API list (city, bearer)", Client(), "/api/v1/applications", bearer),
        (
            "API list, page_size=100, status=submitted",
            Client(),
            "/api/v1/applications?page_size=100&status=submitted",
            bearer,
        ),
        ("API list (邗江 工信, q=receipt part)", Client(), "/api/v1/applications?q=321003-0", county_bearer),
    ]
    results = []
    for label, client, url, headers in rows:
        results.append((label, measure(client, url, args.requests, headers)))
    width = max(len(label) for label, _ in results)
    print(
        f"\n{'page'.ljust(width)}  {'p50':>8}  {'p95':>8}  {'max':>8}  {'queries':>7}  {'sql (1 req)':>11}  {'size':>9}"
    )
    failed = []
    for label, r in results:
        print(
            f"{label.ljust(width)}  {r['p50'] * 1000:6.1f}ms  {r['p95'] * 1000:6.1f}ms  {r['max'] * 1000:6.1f}ms"
            f"  {r['queries']:>7}  {r['sql'] * 1000:9.1f}ms  {r['size'] / 1024:7.1f}kB"
        )
        if label.startswith(("county", "city", "API")) and (
            r["p95"] * 1000 >= TARGET_P95_MS or r["queries"] > TARGET_QUERIES
        ):
            failed.append(label)
    print(f"load average after: {load_average()}")
    print(
        f"\ntarget: p95 < {TARGET_P95_MS} ms and ≤ {TARGET_QUERIES} queries per list page — "
        + ("met" if not failed else "NOT met by: " + "; ".join(failed))
    )


if __name__ == "__main__":
    main()
