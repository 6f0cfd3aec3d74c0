"""Benchmark of the automatic flags (issue 9 item 4): 10,000 submitted applications of one call.

Builds, with bulk_create, N submitted applications (80 % 示范试点 with a 4-row investment list and 7 materials,
20 % 新产品新技术, every fifth of those from an enterprise that also submitted 示范试点), each with a latest
snapshot in the shape applications.services.build_snapshot writes; about 1 % share an invoice number with another
enterprise, 1 % a file, 1 % have a credit code issued outside Yangzhou. Then measures:

1. `recompute_flags(call)`: the whole call, cold (target: under 10 s at 10,000 applications);
2. `recompute_for_application(application)` — what a submission runs inside its transaction — p50/p95/max over
   M applications.

Default database: a fresh PostgreSQL database `h_flags_bench` on 127.0.0.1 (dropped and recreated); `--sqlite`
uses a throwaway SQLite file.

Usage: .venv/bin/python bench/bench_flags.py [--applications 10000] [--incremental 50] [--sqlite]
Prints the figures; record them in docs/performance.md ("Flags").
"""

import argparse
import copy
import datetime as dt
import os
import platform
import time

from _common import analyze, percentiles, prepare_env, setup_django

REGIONS = ("321002", "321003", "321012", "321023", "321081", "321084")


def build(n):
    """N submitted applications with snapshots; returns the call."""
    import hashlib

    from stdnum.cn import uscc as uscc_mod

    from accounts.models import Organisation
    from applications import derived
    from applications.demo import DEMONSTRATION_DATA, NEW_PRODUCT_DATA
    from applications.models import Application, Snapshot
    from applications.services import DECLARATION_TEXT, SNAPSHOT_SCHEMA, canonical_json, digest_of
    from programmes.demo import load as load_programmes

    _historic, call = load_programmes()
    categories = {c.code: c for c in call.categories.all()}
    versions = {code: c.form_versions.order_by("-version").first() for code, c in categories.items()}
    items = {code: [(i.code, i.name) for i in c.material_items.all()] for code, c in categories.items()}
    period = (call.investment_period_start, call.investment_period_end)
    submitted_at = dt.datetime(2019, 6, 10, 2, 0, tzinfo=dt.UTC)

    n_new = n // 5
    n_demo = n - n_new
    n_orgs = n_demo + n_new - n_new // 5  # a fifth of the new-product applicants also submitted 示范试点
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(name=f"基准企业{i:05d}有限公司", kind="enterprise", region_id=REGIONS[i % len(REGIONS)])
            for i in range(n_orgs)
        ],
        batch_size=2000,
    )
    plan = [(org, "demonstration") for org in orgs[:n_demo]]
    plan += [(org, "new_product") for org in orgs[n_demo:]]
    plan += [(org, "new_product") for org in orgs[: n - len(plan)]]  # both categories
    apps = Application.objects.bulk_create(
        [
            Application(
                call=call,
                category=categories[code],
                form_version=versions[code],
                enterprise=org,
                region_id=org.region_id,
                status="submitted",
                receipt_no=f"B-{index:06d}",
                submitted_at=submitted_at,
                review_round=1,
            )
            for index, (org, code) in enumerate(plan)
        ],
        batch_size=2000,
    )
    # As large as a real verdict: eight checks with their Chinese messages.
    eligibility = {
        "passed": True,
        "checks": [
            {
                "code": f"check{k}",
                "passed": True,
                "message": "符合通知要求：注册地、纳税地均在扬州市，规模与信用条件满足。",
            }
            for k in range(8)
        ],
    }
    snapshots = []
    for index, (application, (org, code)) in enumerate(zip(apps, plan, strict=True)):
        data = copy.deepcopy(DEMONSTRATION_DATA if code == "demonstration" else NEW_PRODUCT_DATA)
        for row_no, row in enumerate(data.get("investments") or []):
            # 1 % share their first invoice number with the previous application.
            owner = index - 1 if index % 100 == 1 and row_no == 0 else index
            row["invoice_no"] = f"No.{owner:07d}{row_no}"
        shared_file = index % 100 == 2
        region = "320106" if index % 100 == 3 else org.region_id  # issued outside Yangzhou
        body = f"91{region}{index:09d}"
        profile = {"uscc": body + uscc_mod.calc_check_digit(body), "name": org.name, "registered_region": org.region_id}
        materials = [
            {
                "item_code": item_code,
                "item_name": item_name,
                "filename": f"{item_code}.pdf",
                "content_type": "application/pdf",
                "size": 1000,
                "sha256": hashlib.sha256(
                    f"{'shared' if shared_file and k == 0 else index}-{item_code}".encode()
                ).hexdigest(),
            }
            for k, (item_code, item_name) in enumerate(items[code])
        ]
        snapshot = {
            "schema": SNAPSHOT_SCHEMA,
            "application_id": application.pk,
            "receipt_no": application.receipt_no,
            "version": 1,
            "submitted_at": submitted_at.isoformat(),
            "call": {"id": call.pk, "code": call.code, "investment_period": [d.isoformat() for d in period]},
            "category": {"code": code, "name": categories[code].name},
            "form_version": {"id": versions[code].pk, "version": versions[code].version},
            "enterprise": profile,
            "form": data,
            "derived": derived.figures(code, data, period=period),
            "materials": materials,
            "eligibility": eligibility,
            "declaration": {"accepted": True, "text": DECLARATION_TEXT, "by": org.name, "at": submitted_at.isoformat()},
        }
        canonical = canonical_json(snapshot)
        application.digest = digest_of(canonical)
        snapshots.append(
            Snapshot(application=application, version=1, canonical_json=canonical.decode(), digest=application.digest)
        )
    Application.objects.bulk_update(apps, ["digest"], batch_size=2000)
    Snapshot.objects.bulk_create(snapshots, batch_size=1000)
    return call, apps


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=10000)
    parser.add_argument("--incremental", type=int, default=50)
    parser.add_argument("--sqlite", action="store_true")
    args = parser.parse_args()
    prepare_env("flags", sqlite=args.sqlite)
    setup_django()
    from django.db import connection, models, reset_queries
    from django.test.utils import CaptureQueriesContext

    from applications.flags import recompute_flags, recompute_for_application
    from applications.models import ApplicationFlag

    t0 = time.perf_counter()
    call, apps = build(args.applications)
    analyze()
    print(f"database: {connection.vendor}; {len(apps)} submitted applications (setup {time.perf_counter() - t0:.1f} s)")
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs")

    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        start, cpu = time.perf_counter(), time.process_time()
        count = recompute_flags(call)
        whole, cpu = time.perf_counter() - start, time.process_time() - cpu
    by_kind = dict(ApplicationFlag.objects.values_list("kind").annotate(n=models.Count("id")).values_list("kind", "n"))
    print(
        f"recompute_flags(call), cold: {whole:.2f} s wall ({cpu:.2f} s CPU in Python) for {len(apps)} applications,"
        f" {count} flags, {len(queries)} queries"
    )
    print(f"  flags by kind: {by_kind}")

    start, cpu = time.perf_counter(), time.process_time()
    recompute_flags(call)
    print(
        f"recompute_flags(call) again (flags and keys present): {time.perf_counter() - start:.2f} s wall"
        f" ({time.process_time() - cpu:.2f} s CPU)"
    )

    timings = []
    step = max(1, len(apps) // max(1, args.incremental))
    for application in apps[1::step][: args.incremental]:
        start = time.perf_counter()
        recompute_for_application(application)
        timings.append(time.perf_counter() - start)
    print(f"recompute_for_application (at a submission), {len(timings)} applications: {percentiles(timings)}")
    assert ApplicationFlag.objects.count() == count, "the incremental recompute disagrees with the bulk one"
    print("incremental and bulk agree on the number of flags")
    print(f"load average during the run: {os.getloadavg()}")


if __name__ == "__main__":
    main()
