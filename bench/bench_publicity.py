"""Benchmark of the public publicity page (公示) under a crowd: 200 concurrent readers of /publicity/<id>/.

Starts gunicorn as `make run` does (shenbao.wsgi, --workers 2 --threads 4, --no-control-socket) on a free port
of 127.0.0.1 with a throwaway SQLite database holding one publicity of 30 entries, then loads the page with
`wrk` (200 connections) when it is installed (`apt-get install -y wrk`), else with a Python thread pool of 200
readers (keep-alive connections). Prints requests/s and errors (non-200 answers, socket errors, timeouts) for
the page and for GET /api/v1/publicity/<id>. Target (issue 10): >= 500 req/s with no errors.

Usage: .venv/bin/python bench/bench_publicity.py [--duration 10] [--connections 200] [--workers 2] [--wthreads 4]
       [--python] (force the Python load generator). Record the figures in docs/performance.md ("Publicity").
"""

import argparse
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

from _common import ROOT, print_machine, run_threads, start_gunicorn

PY = str(ROOT / ".venv/bin/python")

SETUP = """
from accounts.models import User
from programmes.models import Call
from publicity import services
from tests.applications.core_helpers import make_call
from tests.evaluation.helpers import quick_application
from tests.factories import UserFactory
from accounts.models import Organisation
call = make_call()
apps = [quick_application(call) for _ in range(30)]
city = UserFactory(username="bench_city", role=User.Role.CITY_OFFICER,
                   organisation=Organisation.objects.get(kind="city_industry"))
p = services.publish(actor=city, call=call, category=apps[0].category, application_ids=[a.pk for a in apps],
                     supervision_phone="0514-87000000", supervision_contact="王科长")
print("PUBLICITY", p.pk)
"""


def prepare(tmp):
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp}/bench.sqlite3", DEBUG="false",
               DJANGO_SETTINGS_MODULE="shenbao.settings")  # fmt: skip
    subprocess.run([PY, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    out = subprocess.run([PY, "manage.py", "shell", "-c", SETUP], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    return env, int(re.search(r"PUBLICITY (\d+)", out).group(1))


def start_server(env, workers, wthreads):
    return start_gunicorn(env, workers, wthreads, "--no-control-socket", "--backlog", "2048")


def with_wrk(port, path, connections, duration):
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{duration}s", "--timeout", "5s", "--latency",
         f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = 0
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(g) for g in m.groups())
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(m.group(1))
    p99 = re.search(r"99%\s+(\S+)", out)
    return rate, errors, f"p99 {p99.group(1)}" if p99 else ""


def with_threads(port, path, connections, duration):
    stop = time.perf_counter() + duration
    lock = threading.Lock()
    counts = {"ok": 0, "errors": 0}

    def reader():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        ok = errors = 0
        while time.perf_counter() < stop:
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    ok += 1
                else:
                    errors += 1
            except (http.client.HTTPException, OSError):
                errors += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        with lock:
            counts["ok"] += ok
            counts["errors"] += errors

    wall = run_threads([threading.Thread(target=reader) for _ in range(connections)])
    return (counts["ok"] + counts["errors"]) / wall, counts["errors"], "python threads"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--wthreads", type=int, default=4)
    parser.add_argument("--python", action="store_true", help="use the Python load generator even if wrk exists")
    args = parser.parse_args()
    use_wrk = shutil.which("wrk") and not args.python
    generate = with_wrk if use_wrk else with_threads

    print_machine()
    with tempfile.TemporaryDirectory() as tmp:
        env, pk = prepare(tmp)
        proc, port = start_server(env, args.workers, args.wthreads)
        try:
            page, api = f"/publicity/{pk}/", f"/api/v1/publicity/{pk}"
            for path in (page, api):  # warm the cache of every worker
                with_threads(port, path, 8, 1)
            print(f"gunicorn --workers {args.workers} --threads {args.wthreads}; {args.connections} concurrent readers, "
                  f"{args.duration} s each, load by {'wrk' if use_wrk else 'Python threads'}")  # fmt: skip
            failed = False
            for label, path in (("page", page), ("api ", api)):
                rate, errors, extra = generate(port, path, args.connections, args.duration)
                print(f"GET {path:<28} {label}: {rate:,.0f} req/s, errors {errors}  {extra}")
                failed |= label == "page" and (rate < 500 or errors > 0)
        finally:
            proc.terminate()
            proc.wait(10)
    print("target: page >= 500 req/s with no errors:", "NOT MET" if failed else "met")


if __name__ == "__main__":
    sys.exit(main())
