"""manage.py backup / restore: the encrypted archive and a round trip that compares every table and file.

The round trip runs on whichever database the suite runs on: SQLite in the first pass, PostgreSQL (pg_dump and
pg_restore on the test database) in the second."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from applications.models import Application, Material
from audit.chain import verify_chain
from audit.models import Event
from shenbao import backup
from tests.applications.core_helpers import complete, make_call

PASSPHRASE = "correct horse battery staple"


def _encrypt(data: bytes, chunk: int) -> bytes:
    out = io.BytesIO()
    writer = backup.EncryptedWriter(out, PASSPHRASE, chunk=chunk)
    writer.write(data)
    writer.close()
    return out.getvalue()


def _decrypt(blob: bytes, passphrase=PASSPHRASE) -> bytes:
    return io.BufferedReader(backup.DecryptedReader(io.BytesIO(blob), passphrase)).read()


@pytest.mark.parametrize("size", [0, 1, 99, 100, 101, 1000])
def test_the_stream_round_trips_at_every_chunk_boundary(size):
    data = bytes(range(256)) * 4
    assert _decrypt(_encrypt(data[:size], chunk=100)) == data[:size]


def test_a_wrong_passphrase_a_changed_byte_and_a_cut_archive_are_refused():
    blob = _encrypt(b"x" * 500, chunk=100)
    with pytest.raises(backup.BackupError, match="wrong passphrase"):
        _decrypt(blob, "not the passphrase")
    changed = bytearray(blob)
    changed[len(blob) // 2] ^= 1
    with pytest.raises(backup.BackupError):
        _decrypt(bytes(changed))
    record = backup._RECORD.size + 100 + 16
    with pytest.raises(backup.BackupError, match="truncated"):
        _decrypt(blob[:-record])  # five chunks of 100 bytes: the final one cut off
    with pytest.raises(backup.BackupError, match="not a Shenbao backup"):
        _decrypt(b"PK\x03\x04" + blob[4:])


@pytest.mark.django_db(transaction=True)
def test_restore_checks_the_whole_archive_before_it_changes_anything(tmp_path, settings):
    settings.SEAL_MASTER_KEY = "k" * 32
    default_storage.save("materials/kept.pdf", ContentFile(b"%PDF-1.7 kept"))
    archive = io.BytesIO()
    backup.backup(archive, PASSPHRASE)
    damaged = bytearray(archive.getvalue())
    damaged[-40] ^= 1  # inside the last chunk: the manifest
    default_storage.delete("materials/kept.pdf")
    with pytest.raises(backup.BackupError):
        backup.restore(io.BytesIO(bytes(damaged)), PASSPHRASE)
    assert not default_storage.exists("materials/kept.pdf")


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_brings_back_every_table_and_file(cast, tmp_path, monkeypatch):
    application = complete(cast.enterprise_a, make_call())
    materials = list(Material.objects.filter(application=application))
    assert materials
    archive = tmp_path / "shenbao.backup"
    monkeypatch.setenv("BACKUP_PASSPHRASE", PASSPHRASE)
    call_command("backup", str(archive), stdout=io.StringIO())
    with open(archive, "rb") as f:
        manifest = backup.unpack(f, PASSPHRASE, tmp_path / "unpacked")
    assert manifest["tables"]["applications_application"]["rows"] == 1
    assert {f"files/{m.file.name}" for m in materials} <= set(manifest["members"])

    # Damage after the backup: a row gone, a row changed, a file gone, a file added.
    title = cast.enterprise_a.organisation.name
    Application.objects.all().delete()
    cast.enterprise_b.organisation.__class__.objects.filter(pk=cast.enterprise_a.organisation_id).update(name="改")
    default_storage.delete(materials[0].file.name)
    default_storage.save("stray/after-the-backup.txt", ContentFile(b"later"))
    assert backup.verify(manifest)

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive), stdout=io.StringIO())
    out = io.StringIO()
    call_command("restore", str(archive), "--yes", "--prune", stdout=out, stderr=io.StringIO())
    assert "every table and file matches" in out.getvalue()
    # Everything as backed up, but for the restore's own audit event, appended afterwards.
    assert [p for p in backup.verify(manifest) if not p.startswith("table audit_event:")] == []
    assert Event.objects.count() == manifest["tables"]["audit_event"]["rows"] + 1
    assert verify_chain().ok
    assert Application.objects.filter(pk=application.pk).exists()
    assert cast.enterprise_a.organisation.__class__.objects.get(pk=cast.enterprise_a.organisation_id).name == title
    assert default_storage.exists(materials[0].file.name)
    assert not default_storage.exists("stray/after-the-backup.txt")
    # The backup's own event came after its snapshot; the restore's is appended to the restored chain.
    assert list(Event.objects.filter(action__startswith="system.").values_list("action", flat=True)) == [
        "system.restore"
    ]


@pytest.mark.django_db(transaction=True)
def test_the_commands_want_a_passphrase(tmp_path, monkeypatch):
    monkeypatch.delenv("BACKUP_PASSPHRASE", raising=False)
    with pytest.raises(CommandError, match="passphrase"):
        call_command("backup", str(tmp_path / "x.backup"))
    secret = tmp_path / "pass"
    secret.write_text("from a file\n")
    call_command("backup", str(tmp_path / "x.backup"), "--passphrase-file", str(secret), stdout=io.StringIO())
    out = io.StringIO()
    call_command("restore", str(tmp_path / "x.backup"), "--check", "--passphrase-file", str(secret), stdout=out)
    assert "intact" in out.getvalue()
