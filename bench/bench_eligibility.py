"""Benchmark of the eligibility engine and of POST /api/v1/eligibility/check.

1. In-process: evaluate() calls per second for each category, and the whole request pipeline without HTTP
   (JSON parse + validation against the schema's fields + evaluate + as_dict).
2. Under gunicorn (started here on 127.0.0.1 with a free port, a throwaway SQLite database, the rate limit
   raised): requests per second for POST /api/v1/eligibility/check against the trivial GET /api/v1/ping
   (`{"ok": true}`, no database) on the same server, from a bounded client (threads, fixed request count).

Usage: .venv/bin/python bench/bench_eligibility.py [--requests 4000] [--threads 8] [--workers 2] [--wthreads 4]
Prints the figures; record them in docs/performance.md ("Eligibility").
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import tempfile
import threading
import time

from _common import ROOT, print_machine, run_threads, start_gunicorn

BODY = {
    "category": "demonstration",
    "reference_date": "2019-05-15",
    "enterprise": {
        "uscc": "91321003MA1MDM1A2R",
        "registered_region": "321003",
        "tax_region": "321003",
        "independent_legal_person": True,
        "established_on": "2012-03-01",
        "industry": "industry",
        "employees": 85,
        "revenue_yuan": "26000000.00",
        "assets_yuan": "18000000.00",
        "sound_management": True,
        "good_credit": True,
        "illegal_record": False,
    },
    "demonstration": {
        "investment_yuan": "620000.00",
        "areas": ["production_control", "sales_operations"],
        "management_software": ["ERP", "MES"],
        "control_projects": 1,
        "online_sales_share": "0.35",
    },
}


def in_process(n):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shenbao.settings")
    import django

    django.setup()
    from decimal import Decimal

    from accounts.regions import REGIONS
    from enterprises import eligibility as el
    from enterprises.payload import parse

    # The county-level units as the Region rows hold them (the endpoint reads them once per process).
    units = {code: name for code, name, kind, *_bureaus in REGIONS if kind != "city"}
    raw = json.dumps(BODY).encode()
    parsed, errors = parse(raw, county_units=units)
    assert not errors, errors
    demo_cat, new_cat = el.DefaultThresholds(code="demonstration"), el.DefaultThresholds(code="new_product")
    new_product = el.NewProductFacts(
        rd_investment_yuan=Decimal("350000"),
        industrialized=True,
        tech_level="domestic_leading",
        patents=2,
        ip_owned=True,
        comparison={k: (Decimal(10), Decimal(9 if lower else 11)) for k, (_l, lower) in el.INDICATORS.items()},
    )
    results = {}
    for label, fn in [
        ("evaluate demonstration", lambda: el.evaluate(demo_cat, enterprise=parsed.enterprise,
                                                       demonstration=parsed.demonstration,
                                                       reference_date=parsed.reference_date, units=units)),
        ("evaluate new_product", lambda: el.evaluate(new_cat, enterprise=parsed.enterprise, new_product=new_product,
                                                     reference_date=parsed.reference_date, units=units)),
        ("parse + evaluate + as_dict + dumps", lambda: json.dumps(el.evaluate(
            demo_cat, **_kw(parse(raw, county_units=units)[0]), units=units).as_dict(), ensure_ascii=False)),
    ]:  # fmt: skip
        fn()
        start = time.perf_counter()
        for _ in range(n):
            fn()
        elapsed = time.perf_counter() - start
        results[label] = n / elapsed
    return results


def _kw(parsed):
    return {
        "enterprise": parsed.enterprise,
        "demonstration": parsed.demonstration,
        "reference_date": parsed.reference_date,
    }


def start_server(workers, wthreads, tmp):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{tmp}/bench.sqlite3",
        DEBUG="false",
        ELIGIBILITY_RATE_LIMIT="100000000/s",
        DJANGO_SETTINGS_MODULE="shenbao.settings",
    )
    py = str(ROOT / ".venv/bin/python")
    subprocess.run([py, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    # An open call, so the endpoint reads its thresholds from the database like in production.
    subprocess.run(
        [py, "manage.py", "shell", "-c",
         "from tests.factories import CallFactory; CallFactory(code='bench', title='bench')"],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    return start_gunicorn(env, workers, wthreads)


def load(port, method, path, body, total, threads):
    """Send `total` requests from `threads` threads (keep-alive connections); return (req/s, status counts)."""
    counter = iter(range(total))
    lock = threading.Lock()
    statuses = {}
    headers = {"Content-Type": "application/json"} if body else {}

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                if next(counter, None) is None:
                    break
            for _attempt in range(2):
                try:
                    conn.request(method, path, body=body, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    break
                except (http.client.HTTPException, OSError):
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            with lock:
                statuses[response.status] = statuses.get(response.status, 0) + 1
        conn.close()

    return total / run_threads([threading.Thread(target=worker) for _ in range(threads)]), statuses


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--inprocess", type=int, default=20000)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--wthreads", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    print_machine()
    for label, rate in in_process(args.inprocess).items():
        print(f"in-process {label}: {rate:,.0f}/s")

    body = json.dumps(BODY).encode()
    with tempfile.TemporaryDirectory() as tmp:
        proc, port = start_server(args.workers, args.wthreads, tmp)
        try:
            load(port, "GET", "/api/v1/ping", None, 200, args.threads)  # warm up
            load(port, "POST", "/api/v1/eligibility/check", body, 200, args.threads)
            ping, check = [], []
            for _ in range(args.rounds):
                rate, statuses = load(port, "GET", "/api/v1/ping", None, args.requests, args.threads)
                assert set(statuses) == {200}, statuses
                ping.append(rate)
                rate, statuses = load(port, "POST", "/api/v1/eligibility/check", body, args.requests, args.threads)
                assert set(statuses) == {200}, statuses
                check.append(rate)
        finally:
            proc.terminate()
            proc.wait(10)
    p, c = statistics.median(ping), statistics.median(check)
    print(
        f"gunicorn --workers {args.workers} --threads {args.wthreads}; client {args.threads} threads, "
        f"{args.requests} requests x {args.rounds} rounds (median)"
    )
    print(f"GET  /api/v1/ping:              {p:,.0f} req/s  (rounds: {', '.join(f'{r:,.0f}' for r in ping)})")
    print(f"POST /api/v1/eligibility/check: {c:,.0f} req/s  (rounds: {', '.join(f'{r:,.0f}' for r in check)})")
    print(f"ratio check/ping: {c / p:.2f} (target >= 0.50)")


if __name__ == "__main__":
    main()
