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
import time
import tracemalloc
from decimal import Decimal

from _common import analyze, load_average, prepare_env, setup_django

TARGET_S = 5
TARGET_MB = 200


def add_figures(rng=None):
    """Each application's reports.ApplicationFigures (as the snapshot signal keeps them), random but seeded."""
    from applications.models import Application
    from reports.models import ApplicationFigures

    rng = rng or random.Random(10)
    ApplicationFigures.objects.bulk_create(
        [
            ApplicationFigures(
                application_id=pk,
                snapshot_version=1,
                investment_yuan=Decimal(rng.randrange(1_000_000, 90_000_000)) / 100,
                rd_investment_yuan=Decimal(rng.randrange(0, 9_000_000)) / 100,
            )
            for pk in Application.objects.order_by("pk").values_list("pk", flat=True)
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
    prepare_env("export", sqlite=args.sqlite)
    setup_django(client=True, debug=False)

    from bench_queue import build
    from django.db import connection
    from django.test import Client
    from openpyxl import load_workbook

    t0 = time.perf_counter()
    cast = build(args.applications)
    add_figures()
    analyze()
    print(f"database: {connection.vendor}; applications: {args.applications}; setup {time.perf_counter() - t0:.1f} s")
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs (load {load_average()})")
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
