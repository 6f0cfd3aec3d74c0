"""manage.py backup FILE — the database, uploaded files and seal master key in one encrypted archive.

The passphrase comes from --passphrase-file or the BACKUP_PASSPHRASE variable (never from the command line,
where other users could read it). docs/deployment.md: backup and restore."""

import os

from django.core.management.base import BaseCommand, CommandError

from audit.services import audit_record
from shenbao import backup


def passphrase_from(options) -> str:
    if options.get("passphrase_file"):
        with open(options["passphrase_file"], encoding="utf-8") as f:
            return f.read().strip()
    passphrase = os.environ.get("BACKUP_PASSPHRASE", "")
    if not passphrase:
        raise CommandError("no passphrase: set BACKUP_PASSPHRASE or pass --passphrase-file")
    return passphrase


class Command(BaseCommand):
    help = "Write an encrypted backup of the database, the uploaded files and the seal master key."

    def add_arguments(self, parser):
        parser.add_argument("output", help="the archive to write, e.g. shenbao-2026-12-02.backup")
        parser.add_argument("--passphrase-file", help="a file holding the passphrase (else BACKUP_PASSPHRASE)")

    def handle(self, *args, output, **options):
        passphrase = passphrase_from(options)
        partial = f"{output}.partial"
        try:
            with open(partial, "wb") as f:
                summary = backup.backup(f, passphrase)
        except backup.BackupError as exc:
            os.unlink(partial)
            raise CommandError(str(exc)) from exc
        os.replace(partial, output)  # a backup that stopped halfway never looks like a finished one
        audit_record(
            action="system.backup",
            summary=f"备份：{summary.tables} 张表、{summary.rows} 行、{summary.files} 个文件",
            data={"tables": summary.tables, "rows": summary.rows, "files": summary.files, "bytes": summary.bytes},
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{output}: {summary.tables} tables, {summary.rows} rows, {summary.files} files "
                f"({summary.bytes} bytes), manifest of SHA-256s inside"
            )
        )
