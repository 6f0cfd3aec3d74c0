"""PDF rendering time of the demo-like sample application, and of the font strategies we compared.

    .venv/bin/python bench/bench_pdf.py                 # the shipped strategy, 7 renders
    .venv/bin/python bench/bench_pdf.py -n 5 --all      # every variant (slow: the system fonts take seconds)
    .venv/bin/python bench/bench_pdf.py --font-build    # also time the install-time font build

Prints min / median / max seconds and the PDF size per variant. Record results in docs/performance.md ("PDF").
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import spread_line, timed

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shenbao.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

import applications.pdf as pdf  # noqa: E402
from core import fonts  # noqa: E402
from tests.applications.pdf_samples import digest_of, sample  # noqa: E402


def derived_dir():
    if not fonts.available_faces(settings.PDF_FONT_DIR):
        print(f"building the derived fonts into {settings.PDF_FONT_DIR} first …")
        fonts.build(settings.PDF_FONT_DIR)
    return Path(settings.PDF_FONT_DIR)


def variant_dirs(tmp):
    """name → (font dir, font stack, description)."""
    full = derived_dir()
    regular_only = tmp / "regular"
    regular_only.mkdir()
    shutil.copy(full / "ShenbaoSansSC-Regular.otf", regular_only)
    empty = tmp / "empty"
    empty.mkdir()
    return {
        "presubset": (full, fonts.FONT_STACK, "shipped: pre-subset Noto Sans CJK SC, regular + bold"),
        "presubset-regular": (regular_only, fonts.FONT_STACK, "pre-subset regular only (bold synthesised)"),
        "wqy-zenhei": (empty, fonts.FONT_STACK, "fallback: no derived font → WenQuanYi Zen Hei"),
        "noto-system": (empty, '"Noto Sans CJK SC", sans-serif', "Debian's Noto Sans CJK SC .ttc directly"),
    }


def run(name, font_dir, stack, n, category):
    settings.PDF_FONT_DIR = font_dir
    pdf.FONT_STACK = stack
    snapshot = sample(category)
    url = f"{settings.SITE_URL}/verify/{digest_of(snapshot)}"
    started = time.perf_counter()
    pdf.render_application_pdf(snapshot, verify_url=url)  # warm-up: imports, font loading, template loading
    first = time.perf_counter() - started
    times, content = timed(lambda: pdf.render_application_pdf(snapshot, verify_url=url), n)
    extra = f"size {len(content) / 1024:.0f} KB  (first {first:.2f} s)"
    print(spread_line(f"{name:20s} {category:14s}", times, extra, width=35))
    return times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=7)
    parser.add_argument("--all", action="store_true", help="also the alternatives (slow)")
    parser.add_argument("--font-build", action="store_true", help="time the install-time font build")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs; target: the demo application's PDF under 2 s")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if args.font_build:
            started = time.perf_counter()
            result = fonts.build(tmp / "build", log=lambda *a: None)
            print(f"font build (both faces, from scratch): {time.perf_counter() - started:.1f} s {result}")
            started = time.perf_counter()
            fonts.build(tmp / "build", log=lambda *a: None)
            print(f"font build again (up to date, idempotent): {time.perf_counter() - started:.2f} s")
        variants = variant_dirs(tmp)
        names = list(variants) if args.all else ["presubset"]
        worst = 0.0
        for name in names:
            font_dir, stack, description = variants[name]
            print(f"-- {name}: {description}")
            for category in ("demonstration", "new_product"):
                times = run(
                    name, font_dir, stack, args.n if name.startswith("presubset") else max(2, args.n // 3), category
                )
                if name == "presubset":
                    worst = max(worst, statistics.median(times))
    status = "OK" if worst < 2 else "OVER TARGET"
    print(f"shipped strategy: worst median {worst:.3f} s — {status}")
    return 0 if worst < 2 else 1


if __name__ == "__main__":
    sys.exit(main())
