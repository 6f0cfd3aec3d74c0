"""manage.py restore FILE --yes — replace the database and the uploaded files with a backup's, then verify.

Nothing is changed unless the whole archive decrypts and every member matches the manifest's SHA-256; after
the restore every table's digest and every file's is compared with the manifest (exit status 1 on a
difference). docs/deployment.md: backup and restore."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.services import audit_record
from shenbao import backup
from shenbao.management.commands.backup import passphrase_from


class Command(BaseCommand):
    help = "Restore a backup written by `manage.py backup` (replaces the database and the stored files)."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--passphrase-file", help="a file holding the passphrase (else BACKUP_PASSPHRASE)")
        parser.add_argument("--yes", action="store_true", help="really replace this server's data")
        parser.add_argument("--check", action="store_true", help="only decrypt and check the archive")
        parser.add_argument("--prune", action="store_true", help="also delete stored files the backup lacks")
        parser.add_argument("--seal-key-out", help="write the backup's seal master key to this file (mode 0600)")

    def handle(self, *args, archive, **options):
        passphrase = passphrase_from(options)
        try:
            if options["check"]:
                return self._check(archive, passphrase)
            if not options["yes"]:
                raise CommandError("restore replaces the database and the files: add --yes (or --check first)")
            with open(archive, "rb") as f:
                summary = backup.restore(f, passphrase, prune=options["prune"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        if options.get("seal_key_out"):
            backup.copy_seal_key(summary.manifest["seal_master_key"], Path(options["seal_key_out"]))
        audit_record(
            action="system.restore",
            summary=f"恢复备份（{summary.manifest['created_at']}）",
            data={"created_at": summary.manifest["created_at"], "tables": summary.tables, "files": summary.files},
        )
        for problem in summary.problems:
            self.stderr.write(problem)
        if any(not p.startswith("the seal master key") for p in summary.problems):
            raise CommandError("the restored data differ from the backup's manifest (listed above)")
        self.stdout.write(
            self.style.SUCCESS(
                f"restored {summary.tables} tables ({summary.rows} rows) and {summary.files} files; "
                "every table and file matches the manifest"
            )
        )

    def _check(self, archive, passphrase):
        import tempfile

        with open(archive, "rb") as f, tempfile.TemporaryDirectory() as tmp:
            manifest = backup.unpack(f, passphrase, Path(tmp))
        files = sum(1 for m in manifest["members"] if m.startswith(backup.FILES_PREFIX))
        self.stdout.write(
            self.style.SUCCESS(
                f"{archive}: intact ({manifest['engine']}, {len(manifest['tables'])} tables, {files} files, "
                f"written {manifest['created_at']})"
            )
        )
