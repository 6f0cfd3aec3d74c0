"""Benchmark of the request-body guard (core.jsonsafe.loads) against plain json.loads.

Bodies: the demo application's PATCH body (the autosave's usual size), a 5 MB body of short strings (the largest
the API accepts), a 5 MB wide and shallow body of nested arrays (the depth scan's worst case that is still
accepted), and 100,000 nested arrays (refused by the scan). Best and median wall time over N rounds each.
No database. Target: the guard costs at most twice json.loads, also on the 5 MB bodies; the attack is refused
in about a millisecond.

Usage: .venv/bin/python bench/bench_jsonsafe.py [--rounds 7]
Prints the figures; record them in docs/performance.md ("Request-body guard").
"""

import argparse
import json
import os

from _common import best, load_average, print_machine


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shenbao.settings")
    import django

    django.setup()
    from applications.demo import DEMONSTRATION_DATA
    from core.jsonsafe import UnsafeInput, loads

    row = "扬州市工业和信息化局" * 3
    strings = {"data": {"rows": [row] * (5 * 1024 * 1024 // (len(row.encode()) + 3))}}
    bodies = {
        "demo PATCH body": {"data": DEMONSTRATION_DATA, "version": 3},
        "5 MB of strings": strings,
        "5 MB wide arrays": [[i, [i]] for i in range(300_000)],
    }
    bodies = {name: json.dumps(body, ensure_ascii=False).encode() for name, body in bodies.items()}
    bodies["100,000 nested"] = b"[" * 100_000 + b"]" * 100_000
    print_machine()
    print(f"load average: {load_average()}")
    for name, body in bodies.items():

        def guarded(body=body):
            try:
                return loads(body)
            except UnsafeInput:
                return None

        def plain(body=body):
            try:
                return json.loads(body)
            except RecursionError:
                return None

        g_best, g_median, _cpu, _ = best(guarded, args.rounds)
        p_best, p_median, _cpu, _ = best(plain, args.rounds)
        print(
            f"{name:18} {len(body) / 1024:8.0f} KB  jsonsafe best {g_best * 1000:.2f} ms median {g_median * 1000:.2f} ms  "
            f"json.loads best {p_best * 1000:.2f} ms median {p_median * 1000:.2f} ms  ratio {g_best / max(p_best, 1e-9):.2f}"
        )


if __name__ == "__main__":
    main()
