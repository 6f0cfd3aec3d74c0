"""What the benchmarks share: a fresh database and Django, timing figures, the machine line, gunicorn.

A benchmark runs as a script (`.venv/bin/python bench/bench_x.py`), so its own folder is on sys.path and
`import _common` works; importing it puts the project's root there too. Nothing here measures anything by itself.
"""

import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def pg_url(name):
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def fresh_postgres(name):
    """Drop and recreate the database `name` on 127.0.0.1; return its DATABASE_URL."""
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return pg_url(name)


def drop_postgres(name):
    """Close Django's connections, then drop the database `name`."""
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def prepare_env(name, *, sqlite=False, database_url=None):
    """Environment of a benchmark run: a throwaway var and media directory, and the database — a SQLite file in
    it, the URL given, or a fresh PostgreSQL database `h_<name>_bench` (the default). Returns the directory."""
    tmp = tempfile.mkdtemp(prefix=f"bench-{name}-")
    os.environ["SHENBAO_VAR_DIR"] = tmp
    os.environ["MEDIA_ROOT"] = str(Path(tmp) / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shenbao.settings")
    if sqlite:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    elif database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ["DATABASE_URL"] = fresh_postgres(pg_name(name))
    return tmp


def pg_name(name):
    return f"h_{name}_bench"


def setup_django(*, migrate=True, client=False, debug=None):
    """django.setup() and the migrations; `client` lets the in-process test Client in (any host), `debug` sets
    DEBUG (False: no query log grows while a page is requested thousands of times)."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    if client:
        settings.ALLOWED_HOSTS = ["*"]
    if debug is not None:
        settings.DEBUG = debug
    if migrate:
        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)  # the database cache, when that is the configured one


def analyze():
    """What autovacuum does after a bulk load; PostgreSQL's plans depend on it."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# Figures ---------------------------------------------------------------------------------------------------


def pct(values, p):
    """The p-th percentile, nearest rank."""
    values = sorted(values)
    return values[max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))]


def ms(seconds):
    return f"{seconds * 1000:.1f} ms"


def percentiles(timings):
    """'p50 …, p95 …, max …' of request timings in seconds."""
    return f"p50 {ms(statistics.median(timings))}, p95 {ms(pct(timings, 95))}, max {ms(max(timings))}"


def best(fn, repeat):
    """(best wall time, median wall time, best CPU time of this process, result). On a shared machine the CPU
    time tells the work apart from the waiting; the database server's own time is only in the wall time."""
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return min(times), sorted(times)[len(times) // 2], min(cpu), result


def timed(function, n):
    """The wall times of n calls and the last call's value."""
    times, value = [], None
    for _ in range(n):
        started = time.perf_counter()
        value = function()
        times.append(time.perf_counter() - started)
    return times, value


def spread_line(name, times, extra="", width=34):
    """'name n=… min … s median … s max … s extra'."""
    return (
        f"{name:{width}s} n={len(times)}  min {min(times):.3f} s  median {statistics.median(times):.3f} s  "
        f"max {max(times):.3f} s  {extra}"
    )


def run_threads(threads):
    """Start the threads together and wait for them all; the wall seconds that took."""
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start


class Clock:
    """Wall and CPU seconds of named steps, printed as a table."""

    def __init__(self):
        self.rows = []

    def step(self, name, fn):
        wall, cpu = time.perf_counter(), time.process_time()
        value = fn()
        self.rows.append((name, time.perf_counter() - wall, time.process_time() - cpu))
        return value

    def print(self, title):
        print(f"  {title}")
        for name, wall, cpu in self.rows:
            print(f"    {name:<34} {wall:6.2f} s wall  {cpu:6.2f} s CPU")


# The machine -----------------------------------------------------------------------------------------------


def load_average():
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def print_machine():
    """The machine and the date, for the figures' record."""
    print(f"machine: {platform.node()} {platform.platform()} cpus={os.cpu_count()} python={platform.python_version()}")
    print(f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")


# A server --------------------------------------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env, workers, wthreads, *extra):
    """gunicorn shenbao.wsgi on a free port of 127.0.0.1, once it accepts connections: (process, port)."""
    port = free_port()
    proc = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "shenbao.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--threads", str(wthreads), *extra, "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, port
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("gunicorn did not start")


# The profile every benchmark enterprise gets: a small, eligible enterprise of `region` (Django must be set up).
BENCH_PROFILE = {
    "legal_representative": "张三",
    "contact_person": "李四",
    "mobile": "13800000000",
    "independent_legal_person": True,
    "industry": "industry",
    "employees": 80,
    "revenue_yuan": "15000000.00",
    "assets_yuan": "9000000.00",
}


def eligible_profile(user, *, region, uscc_body):
    """Save an eligible profile for `user`'s organisation; `uscc_body` is the credit code's first 17 characters."""
    import datetime

    from stdnum.cn import uscc as uscc_mod

    from enterprises.models import Declaration
    from enterprises.services import profile_save

    data = {
        **BENCH_PROFILE,
        "name": user.organisation.name,
        "registered_region": region,
        "tax_region": region,
        "established_on": datetime.date(2012, 1, 1),
    }
    return profile_save(
        organisation=user.organisation,
        data=data,
        declarations={k: True for k in Declaration.Kind.values},
        actor=user,
        uscc=uscc_body + uscc_mod.calc_check_digit(uscc_body),
    )


def bulk_drafts(users, *, call, category, data):
    """One draft application per user, bulk-created; `data(i)` is the i-th user's form data."""
    from applications.models import Application

    form_version = category.form_versions.order_by("-version").first()
    return Application.objects.bulk_create(
        [
            Application(
                call=call,
                category=category,
                form_version=form_version,
                enterprise_id=u.organisation_id,
                created_by=u,
                data=data(i),
            )
            for i, u in enumerate(users)
        ]  # fmt: skip
    )


def bulk_materials(applications, items, *, file, sha256=lambda application, item: "0" * 64):
    """A stored file for each checklist item of each application (all pointing at one stored PDF)."""
    from applications.models import Material

    return Material.objects.bulk_create(
        [
            Material(application=a, item=item, file=file, original_name=f"{item.code}.pdf",
                     content_type="application/pdf", size=1000, sha256=sha256(a, item))
            for a in applications
            for item in items
        ],
        batch_size=2000,
    )  # fmt: skip
