"""Benchmark of the embedded default under a rush: 100 enterprises of one county submit at the same moment.

Issue 11 §13: on `make run`'s SQLite, sixteen simultaneous submissions got 9 × 500 "database is locked". This
starts gunicorn as `make run` does (shenbao.wsgi, --workers 2 --threads 4, --no-control-socket) on a free port of
127.0.0.1 with a throwaway SQLite file and the project's settings (WAL, busy timeout, BEGIN IMMEDIATE), with N
enterprises each holding a complete, eligible draft (profile, form, every material) and an API token; then N
threads, released together, each POST /api/v1/applications/{id}/submit once. Prints errors (anything but 200;
target 0), wall time, submissions/s, p50/p95/max, and whether the receipt numbers are unique and gap-free per
call, category and county-level unit.

By default each submission also renders its PDF inline after the commit, as `make run` does (Celery eager);
`--no-pdf` leaves the PDF to be rendered on first download (the task is queued to an in-memory broker that
nothing reads), which isolates the database's part. `--before` runs the server with the SQLite settings before
issue 11 (no OPTIONS: rollback journal, 5 s timeout, deferred BEGIN) to see what the settings fix.

Usage: .venv/bin/python bench/bench_sqlite_rush.py [--enterprises 100] [--counties 1] [--no-pdf] [--before]
       [--workers 2] [--wthreads 4]. Record the figures in docs/performance.md ("SQLite under a rush").
"""

import argparse
import http.client
import json
import os
import re
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

from _common import (
    bulk_drafts,
    bulk_materials,
    eligible_profile,
    ms,
    pct,
    prepare_env,
    print_machine,
    run_threads,
    setup_django,
    start_gunicorn,
)

COUNTIES = ["321003", "321002", "321012", "321023", "321081", "321084"]  # 邗江, 广陵, 江都, 宝应, 仪征, 高邮

BEFORE_SETTINGS = """from shenbao.settings import *  # noqa: F403
DATABASES["default"].pop("OPTIONS", None)  # noqa: F405 - the SQLite settings before issue 11
"""


def build(n, counties):
    """N enterprises, each with a profile, a complete draft of 示范 and all its materials, and a bearer token."""
    import io

    from django.core.files.storage import default_storage

    from accounts.models import ApiToken, Organisation, User
    from applications.demo import DEMONSTRATION_DATA, tiny_pdf
    from programmes.demo import load as load_programmes

    _historic, call = load_programmes()
    category = call.categories.get(code="demonstration")
    items = list(category.material_items.all())
    pdf_name = default_storage.save("applications/bench/tiny.pdf", io.BytesIO(tiny_pdf("bench")))
    regions = [counties[i % len(counties)] for i in range(n)]
    orgs = Organisation.objects.bulk_create(
        [Organisation(name=f"冲刺{i:04d}有限公司", kind="enterprise", region_id=r) for i, r in enumerate(regions)]
    )
    users = User.objects.bulk_create(
        [User(username=f"rush{i:04d}", role="enterprise", organisation=o, password="!") for i, o in enumerate(orgs)]
    )
    for i, (user, region) in enumerate(zip(users, regions, strict=True)):
        body = f"91{region}{i:09d}"
        eligible_profile(user, region=region, uscc_body=body)
    apps = bulk_drafts(users, call=call, category=category, data=lambda i: DEMONSTRATION_DATA)
    bulk_materials(apps, items, file=pdf_name)
    return [(a.pk, ApiToken.issue(u)[0]) for a, u in zip(apps, users, strict=True)]


def rush(port, jobs):
    """Every job in its own thread and connection, released together: [(status or error, seconds)]."""
    results, lock = [], threading.Lock()
    barrier = threading.Barrier(len(jobs))

    def submit(application_id, key):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        body = json.dumps({"declaration": True})
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        barrier.wait()
        start = time.perf_counter()
        try:
            conn.request("POST", f"/api/v1/applications/{application_id}/submit", body, headers)
            response = conn.getresponse()
            content = response.read()
            outcome = response.status if response.status == 200 else f"{response.status} {content[:120]!r}"
        except (http.client.HTTPException, OSError) as exc:
            outcome = repr(exc)
        with lock:
            results.append((outcome, time.perf_counter() - start))
        conn.close()

    wall = run_threads([threading.Thread(target=submit, args=job) for job in jobs])
    return results, wall


def receipts_gap_free(ids):
    """Per (call, category, unit): the numbers are 1…n, each once."""
    from applications.models import Application

    groups = defaultdict(list)
    rows = Application.objects.filter(pk__in=ids).values_list("call_id", "category_id", "region_id", "receipt_no")
    for call_id, category_id, region_id, receipt_no in rows:
        match = re.search(r"-(\d{4})$", receipt_no or "")
        groups[(call_id, category_id, region_id)].append(int(match.group(1)) if match else 0)  # 0: no number
    return all(sorted(numbers) == list(range(1, len(numbers) + 1)) for numbers in groups.values()), len(groups)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=100)
    parser.add_argument("--counties", type=int, default=1, choices=range(1, len(COUNTIES) + 1))
    parser.add_argument("--no-pdf", action="store_true", help="leave the PDF to the first download")
    parser.add_argument("--before", action="store_true", help="the SQLite settings before issue 11")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--wthreads", type=int, default=4)
    args = parser.parse_args()

    print_machine()
    tmp = prepare_env("sqlite_rush", sqlite=True)
    setup_django()
    from django.core.management import call_command
    from django.db import connection, connections

    call_command("createcachetable", verbosity=0)  # the database cache, when that is the configured one
    started = time.perf_counter()
    jobs = build(args.enterprises, COUNTIES[: args.counties])
    with connection.cursor() as cursor:
        # WAL is a property of the file, kept once set: for the settings before issue 11 turn it back
        cursor.execute("PRAGMA journal_mode=DELETE" if args.before else "PRAGMA journal_mode")
        journal = cursor.fetchone()[0]
    connections.close_all()
    print(f"setup: {args.enterprises} enterprises with complete drafts in {time.perf_counter() - started:.1f} s")

    env = dict(os.environ, DEBUG="false")
    if args.no_pdf:
        env["CELERY_TASK_ALWAYS_EAGER"] = "false"  # queued to memory://, never run: rendered on first download
    if args.before:
        Path(tmp, "before_settings.py").write_text(BEFORE_SETTINGS)
        env.update(DJANGO_SETTINGS_MODULE="before_settings", PYTHONPATH=os.pathsep.join([tmp, str(Path.cwd())]))
    proc, port = start_gunicorn(env, args.workers, args.wthreads, "--no-control-socket", "--backlog", "2048")
    try:
        results, wall = rush(port, jobs)
    finally:
        proc.terminate()
        proc.wait(30)

    errors = [outcome for outcome, _s in results if outcome != 200]
    timings = [seconds for _outcome, seconds in results]
    gap_free, groups = receipts_gap_free([application_id for application_id, _key in jobs])
    print(
        f"gunicorn --workers {args.workers} --threads {args.wthreads}, SQLite journal {journal}, "
        f"{'settings before issue 11' if args.before else 'project settings'}, "
        f"PDF {'on first download' if args.no_pdf else 'rendered inline after commit (make run)'}"
    )
    print(
        f"{args.enterprises} simultaneous submissions ({args.counties} county-level unit(s)): wall {wall:.2f} s "
        f"({args.enterprises / wall:.1f}/s), p50 {ms(pct(timings, 50))}, p95 {ms(pct(timings, 95))}, "
        f"max {ms(max(timings))}, errors {len(errors)}"
    )
    print(f"receipt numbers unique and gap-free in each of {groups} call/category/unit group(s): {gap_free}")
    if errors:
        print("first errors:", errors[:3])
    met = not errors and gap_free
    print("target: 0 errors, gap-free receipts:", "met" if met else "NOT MET")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
