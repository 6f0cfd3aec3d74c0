"""Sealing and verifying a batch document: a 200-row WeasyPrint table (like the 推荐汇总表), sealed by two
bureaus (industry, then finance) and verified, plus a manifest of 200 applications.

    .venv/bin/python bench/bench_seal.py            # 5 rounds
    .venv/bin/python bench/bench_seal.py -n 10 --rows 200

Runs on a throwaway SQLite database (the keys are made in it once, outside the timings). Prints min / median /
max seconds per step. The issue's target, "a 200-application batch sealed (documents + signatures) under 5 s",
adds the documents' rendering (the lead's batch bench) to these figures. Record results in docs/performance.md.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time

from _common import ROOT as BASE_DIR
from _common import spread_line, timed

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shenbao.settings")
_tmp = tempfile.TemporaryDirectory()
os.environ["DATABASE_URL"] = f"sqlite:///{_tmp.name}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from accounts.models import Organisation  # noqa: E402
from reviews.seals.manifest import manifest_bytes, seal_manifest, verify_manifest  # noqa: E402
from reviews.seals.pdf import seal_pdf, verify_pdf  # noqa: E402
from reviews.seals.selectors import published_keys  # noqa: E402
from reviews.seals.services import seal_key_for  # noqa: E402
from tests.seals.helpers import table_html  # noqa: E402


def report(name, times, extra=""):
    print(spread_line(name, times, extra))
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=5)
    parser.add_argument("--rows", type=int, default=200)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    industry = Organisation.objects.get(kind="county_industry", region_id="321003")
    finance = Organisation.objects.get(kind="county_finance", region_id="321003")
    started = time.perf_counter()
    seal_key_for(industry), seal_key_for(finance)
    print(f"{os.cpu_count()} CPUs; two seal keys made in {time.perf_counter() - started:.2f} s (once per bureau)")
    keys = published_keys()

    from weasyprint import HTML

    html = table_html(args.rows)
    HTML(string=html, base_url=str(BASE_DIR)).write_pdf()  # warm-up: fonts, imports
    render_times, document = timed(lambda: HTML(string=html, base_url=str(BASE_DIR)).write_pdf(), args.n)
    report(f"render {args.rows}-row table (WeasyPrint)", render_times, f"{len(document) / 1024:.0f} KB")

    def seal_twice():
        once = seal_pdf(
            document, organisation=industry, signer="张工信", bureau_label="邗江区工信局", position=(60, 50)
        )
        return seal_pdf(once, organisation=finance, signer="李财政", bureau_label="邗江区财政局", position=(150, 50))

    seal_twice()  # warm-up: the stamp image is deflated once per key and process
    seal_times, sealed = timed(seal_twice, args.n)
    sealing = report("seal the PDF twice", seal_times, f"{len(sealed) / 1024:.0f} KB")
    verify_times, outcome = timed(lambda: verify_pdf(sealed, keys), args.n)
    assert outcome["valid"], outcome
    verifying = report("verify the sealed PDF (2 seals)", verify_times)

    body = {
        "applications": [
            {"receipt_no": f"YZ2019-SF-321003-{i:04d}", "snapshot_sha256": f"{i:064x}"} for i in range(args.rows)
        ],
        "documents": {"summary.pdf": {"sm3": "00" * 32}, "letter.pdf": {"sm3": "11" * 32}},
    }

    def seal_body():
        first = seal_manifest(body, [], organisation=industry, signer="张工信", bureau_label="邗江区工信局")
        second = seal_manifest(body, first["signatures"], organisation=finance, signer="李财政", bureau_label="财政")
        return manifest_bytes(second)

    manifest_times, manifest = timed(seal_body, args.n)
    report("seal the manifest twice", manifest_times, f"{len(manifest) / 1024:.0f} KB")
    check_times, outcome = timed(lambda: verify_manifest(manifest, keys), args.n)
    assert outcome["valid"], outcome
    report("verify the manifest (2 seals)", check_times)

    documents = statistics.median(render_times)
    total = documents + sealing + verifying
    print(f"one document rendered + sealed twice + verified: {total:.3f} s (median figures)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
