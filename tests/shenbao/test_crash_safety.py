"""Crash safety: SIGKILL the server while submissions and county approvals are in flight, then check the database.

A real gunicorn (two workers, four threads each) serves the test database; eight threads fire `POST …/submit`
and then the bureaus' `POST …/transitions` (approve, with a few `GET …/pdf` rendering into the PDF cache) at
it, and once a random number of answers has come back (others are in flight) the whole process group is killed
with SIGKILL — no handler runs, no transaction is finished by the application. After each kill the database must
show every application wholly in its old state or wholly in its new one (docs/architecture.md, "Crash safety"):
snapshot, digest, receipt number, status, materials marked, report figures, inbox messages and the audit event
all present or all absent; receipt numbers gap-free per unit; the audit chain intact; opinions matching their
events and the status they imply; every file a row names, and every cached PDF, present and complete. The seed
of the random choices is printed (and taken from CRASH_SEED when set) so a failing run can be repeated.

PostgreSQL only: the server is another process and must see the test's committed rows, and SQLite's embedded
default is not what runs behind gunicorn in production.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection

from accounts.models import Organisation, User
from accounts.services import api_token_issue
from applications.demo import tiny_pdf
from applications.models import Application, Material, ReceiptCounter, Snapshot
from applications.services import canonical_json, digest_of
from audit.chain import verify_chain
from audit.models import Event
from notifications.models import Message
from reports.models import ApplicationFigures
from reviews.models import CountyOpinion
from tests.applications.core_helpers import complete, demonstration_data, draft, make_call, make_profile
from tests.factories import OrganisationFactory, UserFactory, bureau
from tests.reviews.helpers import CHECKLIST

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'",
        reason="the killed server is another process sharing the test database: PostgreSQL only",
    ),
]

S = Application.Status
ENTERPRISES = 40
KILL_ROUNDS = 3
BASE_DIR = Path(settings.BASE_DIR)
MESSAGE_KINDS = ("application.submit", "application.recommend")


# ------------------------------------------------------------------------------------------------ the server


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url():
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += f":{quote(db['PASSWORD'], safe='')}"
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Server:
    """gunicorn in its own process group, so one killpg reaches the master and every worker at once."""

    def __init__(self, log_dir: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / f"gunicorn-{self.port}.log"
        self.process = None
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_", "S3_", "COV_"))},
            "DJANGO_SETTINGS_MODULE": "shenbao.settings",
            "DATABASE_URL": _database_url(),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "STORAGE_BACKEND": "local",
            "SECRET_KEY": settings.SECRET_KEY,
            "SEAL_MASTER_KEY": settings.SEAL_MASTER_KEY,
            "SITE_URL": "http://shenbao.crash.test",  # one address for every server: one PDF cache key
            "SHENBAO_ENV": "development",
            "DEBUG": "false",
            # The PDF is queued (to nobody: an in-memory broker) rather than rendered inside each submission, as
            # with a Celery worker in production; the PDF round below renders them on demand under the kill.
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_BROKER_URL": "memory://",
            "PGAPPNAME": SERVER_APPLICATION_NAME,  # libpq's: its backends are told apart from this process's own
        }
        self.env.pop("REDIS_URL", None)  # the database cache of the test database, no shared Redis state

    def spawn(self):
        """Boot it (it opens no database connection before its first request): a spare boots meanwhile."""
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("gunicorn")),
                    "shenbao.wsgi",
                    "--workers=2",
                    "--threads=4",
                    f"--bind=127.0.0.1:{self.port}",
                    "--no-control-socket",
                    "--preload",  # one import in the master, forked to the workers: a faster boot
                    "--timeout=60",
                ],
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def wait_ready(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited ({self.process.returncode}):\n{self.log.read_text()[-3000:]}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=0.5).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.05)
        self.kill()
        raise AssertionError(f"gunicorn did not answer /healthz:\n{self.log.read_text()[-3000:]}")

    def kill(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None
        _wait_for_server_backends_to_end()


class Servers:
    """One server at a time takes the requests; the next one boots meanwhile (a restart costs no boot time)."""

    def __init__(self, log_dir: Path):
        self.log_dir, self.current, self.spare = log_dir, None, None

    def start(self):
        assert self.current is None or self.current.process is None, "kill the running server first"
        self.current = self.spare or Server(self.log_dir).spawn()
        self.spare = Server(self.log_dir).spawn()
        return self.current.wait_ready()

    def kill(self):
        if self.current:
            self.current.kill()

    def stop(self):
        for server in (self.current, self.spare):
            if server:
                server.kill()


SERVER_APPLICATION_NAME = "shenbao-crash-safety-server"


def _wait_for_server_backends_to_end():
    """A killed worker's backend aborts its transaction when it sees the socket close; wait for that, so the
    checks read what will stay (a COMMIT in flight finishes or not, but is never half-way)."""
    deadline = time.monotonic() + 15
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s",
                [SERVER_APPLICATION_NAME],
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.02)
    raise AssertionError("backends of the killed server still open after 15 s")


# ---------------------------------------------------------------------------------------------- the requests


def _post(url, token, body=None):
    headers = {"Authorization": f"Bearer {token}"}
    try:
        if body is None:
            response = requests.get(url, headers=headers, timeout=60)
        else:
            response = requests.post(url, json=body, headers=headers, timeout=60)
    except requests.RequestException:
        return None  # the server died under it: the database says what happened
    return response.status_code


def _fire_and_kill(server, jobs, rng, *, answers_before_kill):
    """Start every job on a thread pool; once `answers_before_kill` have come back (others are in flight then:
    eight threads), wait a random few milliseconds more and SIGKILL the server."""
    pool = ThreadPoolExecutor(max_workers=8)
    futures = [pool.submit(_post, *job) for job in jobs]
    pending = set(futures)
    while pending and len(futures) - len(pending) < answers_before_kill:
        _done, pending = wait(pending, return_when=FIRST_COMPLETED)
    time.sleep(rng.uniform(0, 0.08))
    server.kill()
    pool.shutdown(wait=True)
    return Counter(f.result() for f in futures)


def _run_all(server, jobs):
    with ThreadPoolExecutor(max_workers=8) as pool:
        return Counter(pool.map(lambda job: _post(*job), jobs))


# ---------------------------------------------------------------------------------------------- the checks


def _check_file(field):
    """A file a row names exists and is complete."""
    path = Path(settings.MEDIA_ROOT) / field.name
    assert path.is_file(), f"{field.name} is referenced but missing"
    return path.read_bytes()


def _check_pdf_cache():
    """Every cached PDF parses to its end (a half-written one would be served as the copy), for a snapshot."""
    from pypdf import PdfReader

    digests = set(Snapshot.objects.values_list("digest", flat=True))
    folder = Path(settings.MEDIA_ROOT) / "pdf"
    found = sorted(folder.glob("*.pdf")) if folder.is_dir() else []
    for path in found:
        content = path.read_bytes()
        assert content.rstrip().endswith(b"%%EOF"), f"{path.name} is truncated ({len(content)} bytes)"
        assert len(PdfReader(path, strict=False).pages) >= 1, path.name
        assert path.name.split("-")[0] in digests, f"{path.name} names no snapshot"
    return len(found)


def check_consistency(call, applications):
    """Every invariant, against the database, while no request is in flight (the server killed or idle)."""
    apps = {a.pk: a for a in Application.objects.filter(pk__in=[a.pk for a in applications])}
    snapshots = defaultdict(list)
    for snap in Snapshot.objects.filter(application__in=apps.values()):
        snapshots[snap.application_id].append(snap)
    events = defaultdict(list)
    for event in Event.objects.filter(object_type="applications.application", object_id__in=[str(pk) for pk in apps]):
        events[(int(event.object_id), event.action)].append(event)
    opinions = defaultdict(list)
    for opinion in CountyOpinion.objects.filter(application__in=apps.values()):
        opinions[opinion.application_id].append(opinion)
    messages = Counter(
        Message.objects.filter(object_type="applications.application", object_id__in=[str(pk) for pk in apps])
        .values_list("object_id", "kind")
        .iterator()
    )
    figures = dict(
        ApplicationFigures.objects.filter(application__in=apps.values()).values_list("pk", "snapshot_version")
    )
    told_of_submission = set()

    for pk, app in apps.items():
        submit_events = events[(pk, "application.submit")]
        materials = list(Material.all_versions.filter(application_id=pk))
        for material in materials:
            content = _check_file(material.file)
            assert len(content) == material.size and hashlib.sha256(content).hexdigest() == material.sha256
        if app.status == S.DRAFT:  # wholly the old state
            assert not snapshots[pk] and not submit_events and not opinions[pk], pk
            assert app.receipt_no in ("", None) and not app.digest and app.submitted_at is None, pk
            assert not any(m.submitted for m in materials), pk
            assert pk not in figures and not any(messages[(str(pk), k)] for k in MESSAGE_KINDS), pk
            continue
        assert app.status in {S.SUBMITTED, S.COUNTY_REVIEW, S.RECOMMENDED}, (pk, app.status)
        # wholly the new state: one snapshot of this version, its digest, its receipt, one audit event
        assert len(snapshots[pk]) == 1, (pk, snapshots[pk])
        snap = snapshots[pk][0]
        assert snap.version == 1 and snap.digest == app.digest
        frozen = json.loads(snap.canonical_json)
        assert canonical_json(frozen).decode() == snap.canonical_json
        assert digest_of(snap.canonical_json.encode("utf-8")) == snap.digest
        assert frozen["receipt_no"] == app.receipt_no and frozen["application_id"] == pk
        assert {m["sha256"] for m in frozen["materials"]} == {m.sha256 for m in materials if m.submitted}
        assert all(m.submitted for m in materials if m.replaced_at is None), pk
        assert len(submit_events) == 1, (pk, submit_events)
        assert submit_events[0].data["digest"] == app.digest
        assert submit_events[0].data["receipt_no"] == app.receipt_no
        # written in the same transaction: the report figures of the snapshot, the county's inbox messages
        assert figures.get(pk) == 1, pk
        told_of_submission.add(messages[(str(pk), "application.submit")])
        # opinions: each one has its event, and the status is what they add up to (reviews/workflow)
        approvals = {o.bureau for o in opinions[pk] if o.round == app.review_round and o.decision == "approve"}
        assert len(opinions[pk]) == len(approvals), (pk, opinions[pk])
        approve_events = events[(pk, "application.approve")]
        assert sorted(e.data["bureau"] for e in approve_events) == sorted(o.bureau for o in opinions[pk])
        assert all(o.snapshot_id == snap.pk for o in opinions[pk])
        expected = {0: S.SUBMITTED, 1: S.COUNTY_REVIEW, 2: S.RECOMMENDED}[len(approvals)]
        assert app.status == expected, (pk, app.status, approvals)
        assert len(events[(pk, "application.recommend")]) == (app.status == S.RECOMMENDED)
        assert messages[(str(pk), "application.recommend")] == (app.status == S.RECOMMENDED), pk  # one user each
    assert len(told_of_submission) <= 1 and 0 not in told_of_submission, told_of_submission  # both bureaus' people

    # receipts: per call, category and unit exactly 1..n, and the counter at n (nothing burnt by a rollback)
    issued = defaultdict(list)
    for app in apps.values():
        if app.receipt_no:
            issued[(app.category_id, app.region_id)].append(int(app.receipt_no.rsplit("-", 1)[1]))
    for counter in ReceiptCounter.objects.filter(call=call):
        numbers = sorted(issued.pop((counter.category_id, counter.region_id), []))
        assert numbers == list(range(1, counter.last_number + 1)), (counter.region_id, numbers, counter.last_number)
    assert not issued, f"receipts without a counter: {issued}"
    # no orphans: every snapshot and opinion of the call belongs to a submitted application (checked above)
    assert Snapshot.objects.filter(application__call=call, application__status=S.DRAFT).count() == 0
    chain = verify_chain()
    assert chain.ok, chain
    return Counter(a.status for a in apps.values()), _check_pdf_cache()


# ---------------------------------------------------------------------------------------------- the test


def _like(template, user, call):
    """A complete draft like `template` (core_helpers.complete), with files of its own (the demo's, naming this
    application, so no file is shared) stored without the upload checks: those of 39 × 7 files would take
    most of the test's time and prove nothing here."""
    make_profile(user)
    application = draft(user, call, data=demonstration_data())
    for material in Material.objects.filter(application=template).select_related("item"):
        content = tiny_pdf(f"Shenbao demo material: {material.item.code}", [f"Application {application.pk}"])
        copy = Material(
            application=application,
            item=material.item,
            original_name=material.original_name,
            content_type=material.content_type,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            uploaded_by=user,
        )
        copy.file.save(material.original_name, ContentFile(content), save=False)
        copy.save()
    return application


def test_sigkill_during_submissions_and_county_approvals_leaves_every_application_whole(tmp_path):
    started = time.monotonic()
    seed = int(os.environ.get("CRASH_SEED") or random.SystemRandom().randrange(10**6))
    print(f"crash safety seed: CRASH_SEED={seed}")
    rng = random.Random(seed)

    call = make_call()
    applications, tokens = [], {}
    for i in range(ENTERPRISES):
        user = UserFactory(
            username=f"crash{i}",
            organisation=OrganisationFactory(name=f"崩溃测试企业{i}有限公司", region_id="321003"),
            role=User.Role.ENTERPRISE,
        )
        application = _like(applications[0], user, call) if applications else complete(user, call)
        applications.append(application)
        tokens[application.pk] = api_token_issue(user=user)[0]
    K = Organisation.Kind
    reviewers = {
        "industry": UserFactory(
            username="crash_ind", role=User.Role.COUNTY_INDUSTRY, organisation=bureau(K.COUNTY_INDUSTRY, "321003")
        ),
        "finance": UserFactory(
            username="crash_fin", role=User.Role.COUNTY_FINANCE, organisation=bureau(K.COUNTY_FINANCE, "321003")
        ),
    }
    reviewer_tokens = {b: api_token_issue(user=u)[0] for b, u in reviewers.items()}
    setup_done = time.monotonic()

    server = Servers(tmp_path)

    def submit_jobs(pks):
        return [
            (f"{server.current.url}/api/v1/applications/{pk}/submit", tokens[pk], {"declaration": True}) for pk in pks
        ]

    def approve_jobs(pairs):
        return [
            (
                f"{server.current.url}/api/v1/applications/{pk}/transitions",
                reviewer_tokens[b],
                {"action": "approve", "checklist": CHECKLIST[b]},
            )
            for pk, b in pairs
        ]

    def drafts():
        return list(Application.objects.filter(call=call, status=S.DRAFT).order_by("?").values_list("pk", flat=True))

    def owed():
        given = set(CountyOpinion.objects.filter(application__call=call).values_list("application_id", "bureau"))
        pairs = [(a.pk, b) for a in applications for b in ("industry", "finance") if (a.pk, b) not in given]
        rng.shuffle(pairs)
        return pairs

    def pdf_jobs(pks):
        return [(f"{server.current.url}/api/v1/applications/{pk}/pdf", tokens[pk], None) for pk in pks]

    report, timings = [], Counter()

    @contextlib.contextmanager
    def timed(what):
        began = time.monotonic()
        yield
        timings[what] += time.monotonic() - began

    def start():
        with timed("server starts"):
            server.start()

    def kill_midway(what, jobs):
        with timed(f"{what} requests"):
            answers = _fire_and_kill(server, jobs, rng, answers_before_kill=rng.randint(1, max(1, len(jobs) // 3)))
        with timed("checks"):
            report.append((f"{what} killed", dict(answers), check_consistency(call, applications)))

    def all_answered(what, jobs):
        with timed(f"{what} requests"):
            answers = _run_all(server, jobs)
        assert set(answers) <= {200}, answers
        with timed("checks"):  # every request has been answered: nothing is in flight
            return check_consistency(call, applications)

    printed = [a.pk for a in applications[:4]]
    try:
        # Submissions: killed mid-flight three times, then the rest on a server left alone.
        for _round in range(KILL_ROUNDS):
            start()
            kill_midway("submit", submit_jobs(drafts()))
        start()
        statuses, _pdfs = all_answered("submit", submit_jobs(drafts()))
        assert statuses == {S.SUBMITTED: ENTERPRISES}
        # County approvals, both bureaus at once on every application, killed mid-flight the same way; the first
        # time with printable PDFs being rendered on demand into the cache meanwhile (cut mid-render or mid-write).
        kill_midway("approve+pdf", pdf_jobs(printed) + approve_jobs(owed()))
        for _round in range(KILL_ROUNDS - 1):
            start()
            kill_midway("approve", approve_jobs(owed()))
        start()
        statuses, pdfs = all_answered("approve", pdf_jobs(printed) + approve_jobs(owed()))
    finally:
        server.stop()
    assert statuses == {S.RECOMMENDED: ENTERPRISES}
    for line in report:
        print(*line)
    print(
        f"seed {seed}: setup {setup_done - started:.1f} s, then {time.monotonic() - setup_done:.1f} s",
        {k: round(v, 1) for k, v in timings.items()},
        f"{pdfs} PDFs cached",
    )
    assert pdfs == len(printed)
    # Something must actually have been cut: a kill after every answer had come back proves nothing.
    for what in ("submit", "approve"):
        assert sum(a.get(None, 0) for w, a, _state in report if w.startswith(what)) > 0, what
