"""Benchmark of the xlsx export of 10,000 applications (GET /api/v1/exports/applications.xlsx and queue.xlsx).

Builds the review lists' data set (bench_queue.build: 10,000 submitted applications with profiles) and each
application's figures, then runs the city's export through Django's full stack in process (session, ninja, the
streamed FileResponse read to the end): the time (best and median of N runs, without tracemalloc, which slows
Python down), then once more under tracemalloc for the peak of Python allocations, and the process's peak RSS.
Checks that the sheet has 10,001 rows.

Default database: a fresh PostgreSQL database `h_export_bench`; `--sqlite` a throwaway SQLite file.
Targets (issue 10): under 5 s and under 200 MB peak.

Usage: .venv/bin/python bench/bench_export.py [--applications 10000] [--repeat 3] [--sqlite]
"""

import argparse
import io
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_NAME = "h_export_bench"
TARGET_S = 5
TARGET_MB = 200


def prepare_env(args):
    tmp = tempfile.mkdtemp(prefix="bench-export-")
    os.environ["SHENBAO_VAR_DIR"] = tmp
    os.environ["MEDIA_ROOT"] = str(Path(tmp) / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shenbao.settings")
    if args.sqlite:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        return
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}"')
        conn.execute(f'CREATE DATABASE "{PG_NAME}"')
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"


def add_figures():
    from applications.models import Application
    from reports.models import ApplicationFigures

    rng = random.Random(10)
    ApplicationFigures.objects.bulk_create(
        [
            ApplicationFigures(
                application_id=pk,
                snapshot_version=1,
                investment_yuan=Decimal(rng.randrange(1_000_000, 90_000_000)) / 100,
                rd_investment_yuan=Decimal(rng.randrange(0, 9_000_000)) / 100,
            )
            for pk in Application.objects.values_list("pk", flat=True)
        ],
        batch_size=5000,
    )


def export_once(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return b"".join(response.streaming_content)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sqlite", action="store_true")
    args = parser.parse_args()
    prepare_env(args)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    call_command("migrate", verbosity=0)

    from bench_queue import build
    from django.db import connection
    from django.test import Client
    from openpyxl import load_workbook

    t0 = time.perf_counter()
    cast = build(args.applications)
    add_figures()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"database: {connection.vendor}; applications: {args.applications}; setup {time.perf_counter() - t0:.1f} s")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs (load {load})")
    client = Client()
    client.force_login(cast["city"])
    failed = []
    for name in ("applications", "queue"):
        url = f"/api/v1/exports/{name}.xlsx"
        timings = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            content = export_once(client, url)
            timings.append(time.perf_counter() - start)
        rows = sum(1 for _row in load_workbook(io.BytesIO(content), read_only=True).worksheets[0].iter_rows())
        assert rows == args.applications + 1, rows
        tracemalloc.start()
        export_once(client, url)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        peak_mb = peak / 1024 / 1024
        print(
            f"{url:36} best {min(timings):.2f} s  median {statistics.median(timings):.2f} s  "
            f"tracemalloc peak {peak_mb:.1f} MB  {len(content) / 1024:.0f} kB  rows {rows - 1}"
        )
        if min(timings) >= TARGET_S or peak_mb >= TARGET_MB:
            failed.append(name)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS (whole run, data set build included): {rss:.0f} MB")
    print("FAILED targets: " + ", ".join(failed) if failed else f"all under {TARGET_S} s and {TARGET_MB} MB")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
