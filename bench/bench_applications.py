"""Benchmark of the applications core: autosave, submission, and 200 enterprises submitting at once.

1. Autosave: PATCH /api/v1/applications/{id} (JSON, bearer token) and the page's POST …/autosave/ (form data,
   returns the eligibility panel's HTML), with 1,000 drafts in the database; p50/p95/max over N requests.
2. Submission: POST /api/v1/applications/{id}/submit of complete, eligible applications (7 materials each),
   without the PDF (the PDF task is switched off here; it is measured by bench_pdf.py).
3. Burst: 200 enterprises of one county submit from T threads at once; wall time, errors, and whether the
   receipt numbers are unique and gap-free (0001…0200).

Requests go through Django's full stack in process (middleware, auth, ninja), not over a socket.
Default database: a fresh PostgreSQL database `h_applications_bench` on 127.0.0.1 (dropped and recreated);
`--sqlite` uses a throwaway SQLite file instead (no row locks there: the burst runs with one thread).

Usage: .venv/bin/python bench/bench_applications.py [--drafts 1000] [--autosaves 300] [--submits 40]
       [--burst 200] [--threads 16] [--sqlite]
Prints the figures; record them in docs/performance.md ("Applications").
"""

import argparse
import os
import platform
import threading
import time

from _common import (
    bulk_drafts,
    bulk_materials,
    eligible_profile,
    ms,
    pct,
    percentiles,
    prepare_env,
    run_threads,
    setup_django,
)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--drafts", type=int, default=1000)
    parser.add_argument("--autosaves", type=int, default=300)
    parser.add_argument("--submits", type=int, default=40)
    parser.add_argument("--burst", type=int, default=200)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--sqlite", action="store_true")
    args = parser.parse_args()
    prepare_env("applications", sqlite=args.sqlite)
    setup_django(client=True)

    from django.db import connection, connections
    from django.test import Client

    import applications.services as services
    from accounts.models import ApiToken, Organisation, User
    from applications.demo import DEMONSTRATION_DATA, tiny_pdf
    from applications.models import Application
    from programmes.demo import load as load_programmes

    services._queue_pdf = lambda application_id: None  # submission without the PDF
    _historic, call = load_programmes()
    category = call.categories.get(code="demonstration")
    items = list(category.material_items.all())

    from django.core.files.storage import default_storage

    pdf_name = default_storage.save("applications/bench/tiny.pdf", __import__("io").BytesIO(tiny_pdf("bench")))

    def make_enterprises(n, prefix, region="321003", with_profile=False):
        orgs = Organisation.objects.bulk_create(
            [Organisation(name=f"{prefix}{i:04d}有限公司", kind="enterprise", region_id=region) for i in range(n)]
        )
        users = User.objects.bulk_create(
            [
                User(username=f"{prefix}{i:04d}", role="enterprise", organisation=o, password="!")
                for i, o in enumerate(orgs)
            ]
        )
        if with_profile:
            for i, user in enumerate(users):
                body = f"91{region}{hash(prefix) % 1000:03d}{i:06d}"
                eligible_profile(user, region=region, uscc_body=body)
        return users

    def make_applications(users, with_materials):
        apps = bulk_drafts(users, call=call, category=category, data=lambda i: DEMONSTRATION_DATA)
        if with_materials:
            bulk_materials(apps, items, file=pdf_name)
        return apps

    t0 = time.perf_counter()
    filler = make_enterprises(args.drafts, "draft")
    make_applications(filler, with_materials=False)
    editors = make_enterprises(1, "editor", with_profile=True)
    editor_app = make_applications(editors, with_materials=True)[0]
    submitters = make_enterprises(args.submits, "submit", region="321002", with_profile=True)
    submit_apps = make_applications(submitters, with_materials=True)
    burst_users = make_enterprises(args.burst, "burst", region="321003", with_profile=True)
    burst_apps = make_applications(burst_users, with_materials=True)
    setup_s = time.perf_counter() - t0
    print(f"database: {connection.vendor}; drafts in DB: {Application.objects.count()} (setup {setup_s:.1f} s)")
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs")

    def bearer(user):
        key, _token = ApiToken.issue(user)
        return {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    # 1. Autosave --------------------------------------------------------------------------------------
    client = Client()
    headers = bearer(editors[0])
    url = f"/api/v1/applications/{editor_app.id}"
    version = editor_app.version
    timings = []
    for i in range(args.autosaves):
        data = dict(DEMONSTRATION_DATA, summary=DEMONSTRATION_DATA["summary"] + str(i))
        start = time.perf_counter()
        response = client.patch(url, {"data": data, "version": version}, content_type="application/json", **headers)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, response.content
        version = response.json()["version"]
    api_timings = timings[5:]
    print(f"autosave API PATCH (n={len(api_timings)}): {percentiles(api_timings)}")

    from applications.forms import definition_for_application
    from tests.applications.core_helpers import as_post

    page = Client()
    page.force_login(editors[0])
    editor_app = Application.objects.get(pk=editor_app.pk)
    post = as_post(definition_for_application(editor_app), editor_app.data)
    timings = []
    for i in range(args.autosaves):
        post.update({"version": str(version), "summary": f"页面自动保存 {i}"})
        start = time.perf_counter()
        response = page.post(f"/applications/{editor_app.id}/autosave/", post)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, response.content[:500]
        version = response.json()["version"]
    page_timings = timings[5:]
    print(f"autosave page POST + panel HTML (n={len(page_timings)}): {percentiles(page_timings)}")

    # 2. Submission ------------------------------------------------------------------------------------
    timings = []
    for user, app in zip(submitters, submit_apps, strict=True):
        c = Client()
        h = bearer(user)
        start = time.perf_counter()
        response = c.post(
            f"/api/v1/applications/{app.id}/submit", {"declaration": True}, content_type="application/json", **h
        )
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, response.content
    print(f"submission API POST (n={len(timings)}, no PDF): {percentiles(timings)}")

    # 3. Burst -----------------------------------------------------------------------------------------
    threads = 1 if connection.vendor == "sqlite" else args.threads
    jobs = [(u, a, bearer(u)) for u, a in zip(burst_users, burst_apps, strict=True)]
    errors, latencies, lock = [], [], threading.Lock()
    barrier = threading.Barrier(threads)

    def worker(chunk):
        c = Client()
        barrier.wait()
        for _user, app, h in chunk:
            start = time.perf_counter()
            try:
                r = c.post(
                    f"/api/v1/applications/{app.id}/submit", {"declaration": True}, content_type="application/json", **h
                )
                ok = r.status_code == 200
                detail = None if ok else (r.status_code, r.content[:200])
            except Exception as exc:  # noqa: BLE001
                ok, detail = False, repr(exc)
            with lock:
                latencies.append(time.perf_counter() - start)
                if not ok:
                    errors.append(detail)
        connections.close_all()

    chunks = [jobs[i::threads] for i in range(threads)]
    wall = run_threads([threading.Thread(target=worker, args=(chunk,)) for chunk in chunks])
    numbers = sorted(Application.objects.filter(pk__in=[a.id for a in burst_apps]).values_list("receipt_no", flat=True))
    expected = [f"{call.receipt_prefix}-SF-321003-{n:04d}" for n in range(1, args.burst + 1)]
    print(
        f"burst: {args.burst} submissions from {threads} threads in {wall:.2f} s "
        f"({args.burst / wall:.1f}/s), p95 {ms(pct(latencies, 95))}, errors {len(errors)}, "
        f"receipt numbers unique and gap-free: {numbers == expected}"
    )
    if errors:
        print("first errors:", errors[:3])
    if not args.sqlite:
        connections.close_all()


if __name__ == "__main__":
    main()
