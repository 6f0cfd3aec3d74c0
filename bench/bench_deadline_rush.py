"""Load test of the deadline rush (issue 11 §17): N enterprises log in, autosave five times, upload a material and
submit, all within 5 minutes, against gunicorn + PostgreSQL on this machine, driven by locust (bench/locustfile.py).

Setup (not timed): a fresh PostgreSQL database `h_deadline_rush_bench`, migrated; the 2018 call of the demo
(`programmes.demo.load`: notice, call, categories, forms, checklists — no applications, no review); N enterprises
spread over every county-level unit, each with a user (one password, argon2 as in production), a saved profile
with its declarations (`enterprises.services.profile_save`, the service) and a 示范 draft complete but for its
情况总结 and one material — its own invoice numbers and file hashes, so that the automatic flags see N different
applications, as they would be. Then gunicorn (`shenbao.wsgi`, DEBUG off, persistent database connections,
the cache in a throwaway redis-server when there is one, as in production) and locust, headless: one locust user
per enterprise, spawned at `--spawn-rate` per second (default: all of them over 4 minutes). The PDF of each
submission is queued for a Celery worker (CELERY_TASK_ALWAYS_EAGER=false), as in production; none runs here, so
the PDFs wait in the queue and are not part of the figures (bench_pdf.py: ~0.7 s of CPU each).

Prints, per request type (login, autosave, upload, submit), the count, failures and p50/p95/p99 from locust's CSV;
how long the whole rush took; whether every enterprise submitted; whether the receipt numbers are unique and
gap-free per call, category and county-level unit; the load average; the targets (0 errors, everything within
5 minutes, autosave p95 < 200 ms, submission p95 < 1 s). Exits non-zero on errors or gaps (not on a missed
latency target: the machine is shared).

Usage: .venv/bin/python bench/bench_deadline_rush.py [--users 2000] [--quick] [--spawn-rate R] [--workers 2]
       [--worker-class gthread|sync] [--threads 4] [--run-time 300] [--no-redis] [--full-autosave] [--keep]
`--quick` is a smoke run (100 users at 10/s). The default (2,000 users over 4 minutes) takes about 5 minutes plus
~3 minutes of setup and loads both cores; `make bench` runs it too. Also printed: the CPU seconds gunicorn, the
PostgreSQL backends and locust used during the rush (per enterprise: what the two cores can carry). The database
and the temporary folder are removed at the end unless `--keep`. Record the figures in docs/performance.md
("Deadline rush (locust)").
"""

import argparse
import copy
import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from _common import (
    ROOT,
    bulk_drafts,
    bulk_materials,
    eligible_profile,
    free_port,
    load_average,
    prepare_env,
    print_machine,
    setup_django,
    start_gunicorn,
)

PASSWORD = "Rush2018deadline"
TYPES = ("login", "autosave", "upload", "submit")
TARGETS_MS = {"autosave": 200, "submit": 1000}  # p95


def build(n):
    """N enterprises with profiles and drafts ready but for the summary and one material: the locust users' list."""
    from django.contrib.auth.hashers import make_password
    from django.core.files.storage import default_storage

    from accounts.models import Organisation, User
    from accounts.selectors import county_units
    from applications.demo import DEMONSTRATION_DATA, tiny_pdf
    from programmes.demo import load as load_programmes

    _historic, call = load_programmes()
    category = call.categories.get(code="demonstration")
    items = list(category.material_items.all())
    uploaded = next(i for i in items if i.required and "pdf" in i.allowed_types and not i.multiple)
    units = list(county_units())
    stored = default_storage.save("applications/bench/rush.pdf", __import__("io").BytesIO(tiny_pdf("rush")))
    password = make_password(PASSWORD)  # one argon2 hash for all: each login still verifies it in full

    regions = [units[i % len(units)] for i in range(n)]
    orgs = Organisation.objects.bulk_create(
        [Organisation(name=f"冲刺{i:05d}科技有限公司", kind="enterprise", region_id=r) for i, r in enumerate(regions)]
    )
    users = User.objects.bulk_create(
        [
            User(username=f"rush{i:05d}", role="enterprise", organisation=o, password=password)
            for i, o in enumerate(orgs)
        ]
    )
    for i, (user, region) in enumerate(zip(users, regions, strict=True)):
        body = f"91{region if region.isdigit() else '321000'}{i:09d}"  # a zone's enterprises: the city's authority
        eligible_profile(user, region=region, uscc_body=body)

    def draft(i):
        data = copy.deepcopy(DEMONSTRATION_DATA)
        for k, row in enumerate(data["investments"]):
            row["invoice_no"] = f"No.32{i:06d}{k}"  # each enterprise its own invoices
        data.pop("summary")  # typed during the rush
        return data

    apps = bulk_drafts(users, call=call, category=category, data=draft)
    rest = [item for item in items if item.pk != uploaded.pk]
    bulk_materials(
        apps, rest, file=stored, sha256=lambda a, item: hashlib.sha256(f"{a.pk}/{item.pk}".encode()).hexdigest()
    )
    return [
        {"username": u.username, "password": PASSWORD, "application": a.pk, "version": a.version,
         "item": uploaded.code, "summary": DEMONSTRATION_DATA["summary"]}
        for u, a in zip(users, apps, strict=True)
    ]  # fmt: skip


def start_redis(tmp):
    """A throwaway redis-server on a free port (the production cache), or None when there is none."""
    binary = shutil.which("redis-server")
    if not binary:
        return None, None
    port = free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", tmp],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(50):
        ok = subprocess.run([shutil.which("redis-cli") or "redis-cli", "-p", str(port), "ping"], capture_output=True)
        if ok.stdout.strip() == b"PONG":
            return proc, f"redis://127.0.0.1:{port}/0"
        time.sleep(0.1)
    proc.kill()
    return None, None


def warm_up(port, spare, n):
    """n logins and reads of the spare enterprise's draft from n threads: every worker has imported and connected."""
    import http.client
    import threading

    def one():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        body = json.dumps({"username": spare["username"], "password": spare["password"]})
        conn.request("POST", "/api/v1/auth/token", body, {"Content-Type": "application/json"})
        token = json.loads(conn.getresponse().read())["token"]
        for _ in range(3):
            conn.request(
                "GET", f"/api/v1/applications/{spare['application']}", headers={"Authorization": f"Bearer {token}"}
            )
            conn.getresponse().read()
        conn.close()

    threads = [threading.Thread(target=one) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def cpu_seconds(gunicorn_pid, database):
    """CPU seconds used so far by the gunicorn master and workers, and by the PostgreSQL backends of `database`."""
    import psutil  # comes with locust

    def used(proc):
        try:
            t = proc.cpu_times()
            return t.user + t.system
        except psutil.Error:
            return 0.0

    master = psutil.Process(gunicorn_pid)
    web = used(master) + sum(used(p) for p in master.children(recursive=True))
    db = 0.0
    for proc in psutil.process_iter(["name", "cmdline"]):
        if (
            proc.info["name"]
            and proc.info["name"].startswith("postgres")
            and any(database in part for part in proc.info["cmdline"] or ())
        ):
            db += used(proc)
    return web, db


def read_stats(prefix):
    """{type: row} from locust's <prefix>_stats.csv (times in ms)."""
    rows = {}
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            rows[row["Name"]] = row
    return rows


def receipts_gap_free(ids):
    """Per (call, category, unit): the numbers are 1…n, each once. (gap-free, groups, submitted)."""
    import re

    from applications.models import Application

    groups = defaultdict(list)
    rows = (
        Application.objects.filter(pk__in=ids, receipt_no__isnull=False)
        .exclude(receipt_no="")
        .values_list("call_id", "category_id", "region_id", "receipt_no")
    )
    for call_id, category_id, region_id, receipt_no in rows:
        match = re.search(r"-(\d{4})$", receipt_no or "")
        groups[(call_id, category_id, region_id)].append(int(match.group(1)) if match else 0)
    gap_free = all(sorted(numbers) == list(range(1, len(numbers) + 1)) for numbers in groups.values())
    return gap_free, len(groups), sum(len(v) for v in groups.values())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--quick", action="store_true", help="a smoke run: 100 users at 10/s")
    parser.add_argument("--spawn-rate", type=float, help="users started per second (default: all over 240 s)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="gthread", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (gthread)")
    parser.add_argument("--run-time", type=int, default=300, help="seconds the rush must fit in (locust gets 120 more)")
    parser.add_argument("--no-redis", action="store_true", help="keep the database cache")
    parser.add_argument(
        "--full-autosave", action="store_true", help="autosaves ask for the whole application (no Prefer header)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database and the locust CSV afterwards")
    args = parser.parse_args()
    users = 100 if args.quick else args.users
    rate = args.spawn_rate or (10.0 if args.quick else users / 240)

    print_machine()
    print(f"load average at start: {load_average()}")
    tmp = prepare_env("deadline_rush")
    Path(tmp, "static").mkdir()  # STATIC_ROOT: whitenoise warns at every worker's start without it
    setup_django()
    from django.db import connections

    from applications.models import Application

    started = time.perf_counter()
    pool = build(users + 1)
    spare = pool.pop()  # warms the workers up before the rush (not one of the locust users)
    from _common import analyze

    analyze()
    connections.close_all()
    print(f"setup: {users} enterprises with profiles and drafts in {time.perf_counter() - started:.1f} s")
    users_file, result_file, prefix = Path(tmp, "users.json"), Path(tmp, "result.json"), Path(tmp, "rush")
    users_file.write_text(json.dumps(pool, ensure_ascii=False), encoding="utf-8")

    redis, redis_url = (None, None) if args.no_redis else start_redis(tmp)
    env = dict(
        os.environ, DEBUG="false", DB_CONN_MAX_AGE="3600", CELERY_TASK_ALWAYS_EAGER="false"
    )  # persistent (its CPU is counted)
    if redis_url:
        env["REDIS_URL"] = redis_url
    # keep-alive longer than a user's pause between requests: with gthread's default (2 s) the server closes a
    # connection just as the client reuses it (status 0, connection reset)
    extra = ["--no-control-socket", "--backlog", "4096", "--timeout", "120", "--keep-alive", "30",
             "--worker-class", args.worker_class]  # fmt: skip
    proc, port = start_gunicorn(env, args.workers, args.threads, *extra)
    command = [
        str(ROOT / ".venv/bin/locust"), "-f", str(ROOT / "bench/locustfile.py"), "--headless",
        "-u", str(users), "-r", f"{rate:g}", "--run-time", f"{args.run_time + 120}s", "--stop-timeout", "5",
        "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    warm_up(port, spare, args.workers * args.threads * 2)
    load_before = load_average()
    from _common import pg_name

    web_before, db_before = cpu_seconds(proc.pid, pg_name("deadline_rush"))
    children_before = os.times()
    rush_started = time.perf_counter()
    try:
        locust = subprocess.run(
            command,
            cwd=ROOT,
            env=dict(
                os.environ,
                RUSH_USERS_FILE=str(users_file),
                RUSH_RESULT_FILE=str(result_file),
                RUSH_FULL_AUTOSAVE="1" if args.full_autosave else "0",
            ),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
    finally:
        load_after = load_average()
        web_after, db_after = cpu_seconds(proc.pid, pg_name("deadline_rush"))
        children = os.times()
        proc.terminate()
        proc.wait(30)
    wall = time.perf_counter() - rush_started
    queued = None
    if redis:
        out = subprocess.run(["redis-cli", "-u", redis_url, "llen", "celery"], capture_output=True, text=True)
        queued = out.stdout.strip()
        redis.terminate()
        redis.wait(10)

    locust_cpu = (children.children_user + children.children_system) - (
        children_before.children_user + children_before.children_system
    )
    result = json.loads(result_file.read_text()) if result_file.exists() else {}
    stats = read_stats(prefix)
    gap_free, groups, numbered = receipts_gap_free([entry["application"] for entry in pool])
    submitted = Application.objects.filter(
        pk__in=[entry["application"] for entry in pool], status=Application.Status.SUBMITTED
    ).count()

    threads = f" --threads {args.threads}" if args.worker_class == "gthread" else ""
    print(
        f"gunicorn shenbao.wsgi --workers {args.workers} --worker-class {args.worker_class}{threads}, PostgreSQL, "
        f"cache {'redis' if redis_url else 'database'}, PDFs queued for Celery"
        + (f" ({queued} waiting)" if queued is not None else "")
    )
    print(f"locust: {users} users at {rate:g}/s; load average before the rush {load_before}, after {load_after}")
    print(
        "autosave answers: "
        + ("the whole application" if args.full_autosave else "minimal (Prefer: return=minimal, RFC 7240)")
    )
    print(f"  {'type':<9} {'n':>6} {'fail':>5} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7}  (ms)")
    errors = 0
    for name in (*TYPES, "Aggregated"):
        row = stats.get(name)
        if row is None:
            print(f"  {name:<9} (none)")
            continue
        errors += int(row["Failure Count"]) if name != "Aggregated" else 0
        print(
            f"  {name:<9} {row['Request Count']:>6} {row['Failure Count']:>5} {row['50%']:>7} {row['95%']:>7} "
            f"{row['99%']:>7} {float(row['Max Response Time']):>7.0f}"
        )
    span = (result["last_done"] - result["started"]) if result.get("last_done") and result.get("started") else None
    print(
        f"flows completed {result.get('done', 0)} of {users}; first login to last submission "
        + (f"{span:.1f} s" if span is not None else "-")
        + f"; locust ran {wall:.1f} s (exit {locust.returncode})"
    )
    print(
        f"submitted {submitted} of {users}; receipt numbers unique and gap-free in each of {groups} call/category/unit"
    )
    print(f"group(s) ({numbered} numbers): {gap_free}")
    web, db = web_after - web_before, db_after - db_before
    print(
        f"CPU during the rush: gunicorn {web:.1f} s, PostgreSQL {db:.1f} s, locust {locust_cpu:.1f} s; per enterprise "
        f"{1000 * web / users:.0f} + {1000 * db / users:.0f} + {1000 * locust_cpu / users:.0f} ms "
        f"(2 cores give {2 * wall:.0f} CPU-s in {wall:.0f} s)"
    )
    if result.get("failed"):
        print("first failures:", *result["failed"][:5], sep="\n  ")
    if locust.returncode not in (0, 1):  # 1: locust saw failures (counted above)
        print(locust.stdout[-3000:])

    within = span is not None and span <= args.run_time and result.get("done") == users
    latency = {
        name: float(stats[name]["95%"]) < limit if stats.get(name) and stats[name]["95%"] != "N/A" else False
        for name, limit in TARGETS_MS.items()
    }
    print(
        f"targets: 0 errors {'met' if errors == 0 else 'NOT MET'}; all {users} within {args.run_time} s "
        f"{'met' if within else 'NOT MET'}; gap-free {'met' if gap_free else 'NOT MET'}; autosave p95 < 200 ms "
        f"{'met' if latency['autosave'] else 'NOT MET'}; submission p95 < 1 s {'met' if latency['submit'] else 'NOT MET'}"
    )
    ok = errors == 0 and gap_free and submitted == users
    if not args.keep:
        from _common import drop_postgres, pg_name

        drop_postgres(pg_name("deadline_rush"))
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
