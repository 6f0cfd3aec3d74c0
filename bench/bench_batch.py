"""Benchmark of a forwarding batch: 200 recommended applications → assemble (summary sheet xlsx + PDF, cover
letter, manifest) → the industry bureau's seal → the finance bureau's seal → verification of every document.
Target (issue 9): the whole under 5 s on this machine. Forwarding (200 transitions in one transaction) is
measured after it, for information.

Setup is synthetic but shaped like the real thing: 200 enterprises of 邗江 with a submitted snapshot each
(the demo application's form data and its derived figures, names, credit codes and receipt numbers of their
own, every third one a new-product application) and both bureaus' approvals. The seal keys exist beforehand
(made once per bureau in production) and WeasyPrint has rendered once (a server process has it loaded).

Default database: a fresh PostgreSQL database `h_batch_bench` on 127.0.0.1 (dropped and recreated);
`--sqlite` uses a throwaway SQLite file instead.

Usage: .venv/bin/python bench/bench_batch.py [--applications 200] [--runs 2] [--sqlite]
Prints wall and CPU seconds per step; record them in docs/performance.md ("Forwarding batch").
"""

import argparse
import hashlib
import json
import os
import platform

from _common import Clock, prepare_env, setup_django

# The seal keys are encrypted with it; a benchmark's keys are thrown away with its database.
os.environ.setdefault("SEAL_MASTER_KEY", "bench-batch-master-key-not-for-production")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=200)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--sqlite", action="store_true")
    args = parser.parse_args()
    prepare_env("batch", sqlite=args.sqlite)
    setup_django()

    from stdnum.cn import uscc as uscc_mod

    from accounts.models import Organisation, User
    from applications import derived
    from applications.demo import DEMONSTRATION_DATA, NEW_PRODUCT_DATA
    from applications.models import Application, Snapshot
    from applications.services import canonical_json
    from programmes.demo import load as load_programmes
    from reviews import batches, documents
    from reviews.models import CountyOpinion
    from reviews.seals.services import seal_key_for

    _historic, call = load_programmes()
    categories = {c.code: c for c in call.categories.all()}
    industry_org = Organisation.objects.get(kind="county_industry", region_id="321003")
    finance_org = Organisation.objects.get(kind="county_finance", region_id="321003")
    industry = User.objects.create(username="bench_ind", role="county_industry", organisation=industry_org)
    finance = User.objects.create(username="bench_fin", role="county_finance", organisation=finance_org)
    city = Organisation.objects.get(kind="city_industry")
    User.objects.create(username="bench_city", role="city_officer", organisation=city)
    seal_key_for(industry_org, actor=industry)
    seal_key_for(finance_org, actor=finance)
    period = (call.investment_period_start, call.investment_period_end)
    figures = {
        "demonstration": derived.figures("demonstration", DEMONSTRATION_DATA, period=period),
        "new_product": derived.figures("new_product", NEW_PRODUCT_DATA, period=period),
    }

    def make_applications(run, n):
        orgs = Organisation.objects.bulk_create(
            [
                Organisation(name=f"扬州市批次测试{run}-{i:04d}科技有限公司", kind="enterprise", region_id="321003")
                for i in range(n)
            ]
        )
        applications, snapshots = [], []
        for i, org in enumerate(orgs):
            code = "new_product" if i % 3 == 2 else "demonstration"
            category = categories[code]
            body = f"91321003{run:02d}{i:07d}"
            receipt = f"{call.receipt_prefix}-{category.short_code}-321003-{run}{i:04d}"
            snapshot = {
                "schema": "shenbao.application.v2",
                "receipt_no": receipt,
                "version": 1,
                "category": {"code": code, "name": category.name},
                "enterprise": {"name": org.name, "uscc": body + uscc_mod.calc_check_digit(body)},
                "form": DEMONSTRATION_DATA if code == "demonstration" else NEW_PRODUCT_DATA,
                "derived": figures[code],
            }
            canonical = canonical_json(snapshot)
            applications.append(
                Application(
                    call=call,
                    category=category,
                    enterprise=org,
                    region_id="321003",
                    status=Application.Status.RECOMMENDED,
                    form_version=category.form_versions.order_by("-version").first(),
                    receipt_no=receipt,
                    digest=hashlib.sha256(canonical).hexdigest(),
                    review_round=1,
                )
            )
            snapshots.append(canonical)
        applications = Application.objects.bulk_create(applications)
        rows = Snapshot.objects.bulk_create(
            [
                Snapshot(application=a, version=1, canonical_json=c.decode(), digest=a.digest)
                for a, c in zip(applications, snapshots, strict=True)
            ]
        )
        CountyOpinion.objects.bulk_create(
            [
                CountyOpinion(
                    application=a,
                    snapshot=s,
                    round=1,
                    bureau=bureau,
                    decision="approve",
                    reviewer=user,
                    organisation=user.organisation,
                )  # fmt: skip
                for a, s in zip(applications, rows, strict=True)
                for bureau, user in (("industry", industry), ("finance", finance))
            ]
        )
        return [a.pk for a in applications]

    # A server process has WeasyPrint and the fonts loaded: render once before measuring.
    documents.letter_pdf(documents.Letter("x", call.deadline.date(), "邗江区", "a", "b", "c", call.title, [("d", 1)]))

    print(f"Forwarding batch of {args.applications} applications — {platform.node()}, {os.cpu_count()} CPUs, "
          f"{'SQLite' if args.sqlite else 'PostgreSQL'}, load {os.getloadavg()[0]:.1f}")  # fmt: skip

    def run_once(run, ids):
        clock = Clock()
        batch = clock.step(
            "assemble (xlsx, 2 PDFs, manifest)", lambda: batches.batch_assemble(actor=industry, application_ids=ids)
        )
        clock.step("seal: industry bureau", lambda: batches.batch_seal(batch=batch, actor=industry))
        clock.step("seal: finance bureau", lambda: batches.batch_seal(batch=batch, actor=finance))
        verification = clock.step("verify (3 sealed files + xlsx)", lambda: batches.verification_of(batch))
        assert verification["valid"], json.dumps(verification, ensure_ascii=False)[:500]
        total = sum(wall for _name, wall, _cpu in clock.rows)
        total_cpu = sum(cpu for _name, _wall, cpu in clock.rows)
        clock.step("(forward: 200 transitions, 1 tx)", lambda: batches.batch_forward(batch=batch, actor=finance))
        summary = batches.document_of(batch, "summary_pdf")
        clock.print(f"run {run}: {batch.number}, summary PDF {summary.size // 1024} KB, load {os.getloadavg()[0]:.1f}")
        print(f"    {'TOTAL assemble + 2 seals + verify':<34} {total:6.2f} s wall  {total_cpu:6.2f} s CPU"
              f"  (target < 5 s: {'met' if total < 5 else 'NOT met'})")  # fmt: skip
        return total

    totals = [run_once(run, make_applications(run, args.applications)) for run in range(1, args.runs + 1)]
    print(f"  best total {min(totals):.2f} s, worst {max(totals):.2f} s")


if __name__ == "__main__":
    main()
