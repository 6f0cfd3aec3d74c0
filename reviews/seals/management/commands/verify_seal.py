"""manage.py verify_seal FILE [--keys keys.json] [--json]: the same answer as POST /api/v1/seals/verify.

With --keys it reads the keys as GET /api/v1/seals/keys publishes them and never touches the database, so a
sealed file can be checked on any machine with this code. Exit status 0 valid, 1 invalid, 2 unusable input.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from reviews.seals.keyring import Keyring
from reviews.seals.verify import verify_any


class Command(BaseCommand):
    help = "Verify the SM2 seals of a sealed PDF or manifest (exit 0 valid, 1 invalid)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--keys", type=Path, help="keys.json as published by GET /api/v1/seals/keys (offline)")
        parser.add_argument("--json", action="store_true", help="print the API's JSON answer")

    def handle(self, *args, file, keys=None, **options):
        try:
            data = file.read_bytes()
            keyring = Keyring.load(keys.read_bytes()) if keys else None
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise CommandError(f"cannot read input: {error}") from error
        try:
            outcome = verify_any(data, keyring)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(_as_json(outcome) if options["json"] else _as_text(outcome))
        if not outcome["valid"]:
            raise SystemExit(1)


def _as_json(outcome):
    return json.dumps(outcome, ensure_ascii=False, indent=2)


def _as_text(outcome):
    lines = [("VALID" if outcome["valid"] else "INVALID") + f" ({outcome['kind']}): {outcome['reason']}"]
    for s in outcome["signatures"]:
        mark = "ok " if s["valid"] else "BAD"
        lines.append(f"  [{mark}] {s['bureau']} · {s['signer']} · {s['signed_at']} · key {s['key_id']} · {s['reason']}")
    return "\n".join(lines)
