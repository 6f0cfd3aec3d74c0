"""The embedded default's SQLite takes concurrent writers one at a time (issue 11 §13): WAL, a busy timeout and
write transactions that take the lock at BEGIN. Sixteen enterprises submitting at once got "database is locked"
before. Run in a subprocess on a SQLite file with the project's settings (the test database is in memory, where
neither WAL nor a second connection exists); the speed is bench/bench_sqlite_rush.py's business."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import json, threading
import django
django.setup()
from django.conf import settings
from django.db import connection, transaction

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
    cursor.execute("INSERT INTO counter VALUES (1, 0)")
    cursor.execute("PRAGMA journal_mode")
    journal_mode = cursor.fetchone()[0]
connection.close()

errors, barrier = [], threading.Barrier(16)

def writer():
    barrier.wait()
    for _ in range(5):
        try:
            # read, then write in one transaction: the shape of taking the next receipt number
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT n FROM counter WHERE id = 1")
                n = cursor.fetchone()[0]
                cursor.execute("UPDATE counter SET n = %s WHERE id = 1", [n + 1])
        except Exception as exc:
            errors.append(str(exc))
    connection.close()

threads = [threading.Thread(target=writer) for _ in range(16)]
for t in threads:
    t.start()
for t in threads:
    t.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT n FROM counter WHERE id = 1")
    final = cursor.fetchone()[0]
print(json.dumps({"options": settings.DATABASES["default"].get("OPTIONS", {}), "journal_mode": journal_mode,
                  "errors": errors[:3], "error_count": len(errors), "final": final}))
"""


def test_sqlite_file_takes_sixteen_concurrent_writers_without_database_is_locked(tmp_path):
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SHENBAO_ENV", "DEBUG"}}
    environment.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'rush.sqlite3'}",
        SHENBAO_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="shenbao.settings",
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["options"]["transaction_mode"] == "IMMEDIATE"
    assert outcome["options"]["timeout"] >= 20
    assert "journal_mode=WAL" in outcome["options"]["init_command"]
    assert outcome["journal_mode"] == "wal"
    assert outcome["error_count"] == 0, outcome["errors"]
    assert outcome["final"] == 16 * 5  # every increment counted: none lost, none doubled
