"""Backup and restore: the database, every uploaded file and the seal master key in one encrypted archive.

The archive is a tar stream (manifest.json last) encrypted in chunks with AES-256-GCM under a key derived from
a passphrase (scrypt). Each chunk's nonce carries its number and its associated data the header and whether it
is the last one, so a wrong passphrase, a changed byte, reordered chunks and a cut-off file are all errors,
never a partial restore. Restore unpacks and checks every member against the manifest's SHA-256 before it
touches anything; afterwards it recomputes every table's digest and compares it with the manifest.

The database is dumped by the engine's own tool, consistent at one instant: PostgreSQL with pg_dump on a
snapshot exported from the transaction that also computes the table digests; SQLite with its online backup API
(the digests are computed on the copy). Files are read through the default storage, so local files and S3 alike.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from Cryptodome.Cipher import AES
from Cryptodome.Protocol.KDF import scrypt
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

FORMAT = 1
MAGIC = b"SHENBAO-BACKUP\x00\x01"
CHUNK = 1024 * 1024
SCRYPT_LOG2_N = 15
_RECORD = struct.Struct(">BI")  # final flag, ciphertext length
DB_MEMBER = {"postgresql": "database/dump.pgc", "sqlite": "database/db.sqlite3"}
SEAL_MEMBER = "secrets/seal_master_key"
FILES_PREFIX = "files/"
# Probes of /readyz and the like are not data.
SKIPPED_PREFIXES = ("health/",)


class BackupError(Exception):
    """An archive that cannot be used: wrong passphrase, damaged, truncated, or not matching its manifest."""


# -- encryption ----------------------------------------------------------------------------------------------


def _key(passphrase: str, salt: bytes, log2_n: int) -> bytes:
    if not passphrase:
        raise BackupError("a passphrase is required (BACKUP_PASSPHRASE or --passphrase-file)")
    return scrypt(passphrase.encode("utf-8"), salt, 32, N=2**log2_n, r=8, p=1)


class EncryptedWriter(io.RawIOBase):
    """A write-only stream that encrypts what is written into `raw`, chunk by chunk."""

    def __init__(self, raw, passphrase: str, *, chunk: int = CHUNK):
        salt, self._prefix = secrets.token_bytes(16), secrets.token_bytes(8)
        self._header = MAGIC + bytes([SCRYPT_LOG2_N]) + salt + self._prefix
        self._key = _key(passphrase, salt, SCRYPT_LOG2_N)
        self._raw, self._chunk, self._buffer, self._counter = raw, chunk, bytearray(), 0
        raw.write(self._header)

    def writable(self):
        return True

    def write(self, data) -> int:
        self._buffer += data
        while len(self._buffer) > self._chunk:  # keep at least one byte back: the last chunk is marked final
            self._emit(bytes(self._buffer[: self._chunk]), final=False)
            del self._buffer[: self._chunk]
        return len(data)

    def _emit(self, plaintext: bytes, *, final: bool):
        nonce = self._prefix + struct.pack(">I", self._counter)
        self._counter += 1
        cipher = AES.new(self._key, AES.MODE_GCM, nonce=nonce)
        cipher.update(self._header + bytes([final]))
        ciphertext, tag = cipher.encrypt_and_digest(plaintext)
        self._raw.write(_RECORD.pack(final, len(ciphertext)) + ciphertext + tag)

    def close(self):
        if not self.closed:
            self._emit(bytes(self._buffer), final=True)
            self._buffer.clear()
        super().close()


class DecryptedReader(io.RawIOBase):
    """The inverse of EncryptedWriter: a read-only stream of the plaintext, authenticated chunk by chunk."""

    def __init__(self, raw, passphrase: str):
        header = raw.read(len(MAGIC) + 1 + 16 + 8)
        if len(header) < len(MAGIC) + 25 or not header.startswith(MAGIC):
            raise BackupError("not a Shenbao backup archive (or of an unknown format)")
        log2_n = header[len(MAGIC)]
        salt, self._prefix = header[len(MAGIC) + 1 : len(MAGIC) + 17], header[len(MAGIC) + 17 :]
        self._header, self._key, self._raw = header, _key(passphrase, salt, log2_n), raw
        self._pending, self._counter, self._done = b"", 0, False

    def readable(self):
        return True

    def _next_chunk(self) -> bytes:
        record = self._raw.read(_RECORD.size)
        if len(record) < _RECORD.size:
            raise BackupError("the archive is truncated (its last chunk is missing)")
        final, length = _RECORD.unpack(record)
        body = self._raw.read(length + 16)
        if len(body) < length + 16 or final not in (0, 1):
            raise BackupError("the archive is truncated or damaged")
        nonce = self._prefix + struct.pack(">I", self._counter)
        self._counter += 1
        cipher = AES.new(self._key, AES.MODE_GCM, nonce=nonce)
        cipher.update(self._header + bytes([final]))
        try:
            plaintext = cipher.decrypt_and_verify(body[:length], body[length:])
        except ValueError:
            raise BackupError("wrong passphrase, or the archive was changed") from None
        if final:
            if self._raw.read(1):
                raise BackupError("the archive has data after its last chunk")
            self._done = True
        return plaintext

    def readinto(self, buffer) -> int:
        while not self._pending and not self._done:
            self._pending = self._next_chunk()
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


# -- table digests -------------------------------------------------------------------------------------------


def _canonical(value) -> str:
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).hex()
    return str(value)


def _digest_rows(cursor, table: str, quote) -> dict:
    cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 -- a table name from the catalogue, quoted
    rows = sorted(json.dumps([_canonical(v) for v in row], ensure_ascii=False) for row in cursor.fetchall())
    digest = hashlib.sha256()
    for line in rows:  # sorted text: independent of the physical order the engine returns
        digest.update(line.encode("utf-8") + b"\n")
    return {"rows": len(rows), "sha256": digest.hexdigest()}


def _sqlite_digests(db: sqlite3.Connection) -> dict:
    cursor = db.cursor()
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    tables = [name for (name,) in cursor.fetchall()]
    return {t: _digest_rows(cursor, t, lambda n: '"' + n.replace('"', '""') + '"') for t in tables}


def _postgres_digests(cursor) -> dict:
    tables = sorted(connection.introspection.table_names(cursor))
    return {t: _digest_rows(cursor, t, connection.ops.quote_name) for t in tables}


def table_digests() -> dict:
    """Every table's row count and SHA-256 of its rows, as the database holds them now."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(":memory:")
        try:
            connection.connection.backup(copy)  # a plain connection: no Django type converters
            return _sqlite_digests(copy)
        finally:
            copy.close()
    with connection.cursor() as cursor:
        return _postgres_digests(cursor)


# -- database dump and restore -------------------------------------------------------------------------------


def _pg_env() -> tuple[list[str], dict]:
    s = connection.settings_dict
    args = ["--dbname", s["NAME"]]
    if s.get("HOST"):
        args += ["--host", s["HOST"]]
    if s.get("PORT"):
        args += ["--port", str(s["PORT"])]
    if s.get("USER"):
        args += ["--username", s["USER"]]
    env = dict(os.environ)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict):
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[:2000]}")


def dump_database(target: Path) -> dict:
    """Write the database to `target` and return the table digests of that same instant."""
    if connection.in_atomic_block:  # SQLite's backup would wait for our own write lock; PostgreSQL's snapshot
        raise BackupError("backup must run outside a transaction")  # must be the transaction's first statement
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
            return _sqlite_digests(copy)
        finally:
            copy.close()
    if connection.vendor != "postgresql":
        raise BackupError(f"backup supports SQLite and PostgreSQL, not {connection.vendor}")
    args, env = _pg_env()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
              "--file", str(target), *args], env)  # fmt: skip
        return _postgres_digests(cursor)


def restore_database(source: Path):
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        dump = sqlite3.connect(source)
        try:
            dump.backup(connection.connection)  # replaces the whole database, in place
        finally:
            dump.close()
        return
    args, env = _pg_env()
    connection.close()  # no open transaction or lock of ours while the tables are replaced
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
          *args, str(source)], env)  # fmt: skip


# -- files ---------------------------------------------------------------------------------------------------


def stored_files(storage=None, directory: str = "") -> list[str]:
    """Every file's name in the storage, recursively, sorted."""
    storage = storage or default_storage
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        return []
    names = [f"{directory}/{f}" if directory else f for f in files]
    for d in directories:
        names += stored_files(storage, f"{directory}/{d}" if directory else d)
    return sorted(n for n in names if not n.startswith(SKIPPED_PREFIXES))


class _Hashing(io.RawIOBase):
    def __init__(self, raw):
        self._raw, self.sha256 = raw, hashlib.sha256()

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self._raw.read(len(buffer))
        self.sha256.update(data)
        buffer[: len(data)] = data
        return len(data)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes):
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
    archive.addfile(info, io.BytesIO(data))


# -- backup and restore --------------------------------------------------------------------------------------


@dataclass
class Summary:
    manifest: dict
    tables: int = 0
    rows: int = 0
    files: int = 0
    bytes: int = 0
    problems: list[str] = field(default_factory=list)


def backup(output, passphrase: str) -> Summary:
    """Write the encrypted archive to the binary stream `output`."""
    vendor = connection.vendor
    if vendor not in DB_MEMBER:
        raise BackupError(f"backup supports SQLite and PostgreSQL, not {vendor}")
    manifest = {"format": FORMAT, "created_at": timezone.now().isoformat(), "engine": vendor, "members": {}}
    with tempfile.TemporaryDirectory(prefix="shenbao-backup-") as tmp:
        dump = Path(tmp) / "dump"
        manifest["tables"] = dump_database(dump)
        writer = EncryptedWriter(output, passphrase)
        with tarfile.open(fileobj=writer, mode="w|") as archive:
            archive.add(dump, arcname=DB_MEMBER[vendor], recursive=False)
            manifest["members"][DB_MEMBER[vendor]] = {"sha256": _sha256_file(dump), "size": dump.stat().st_size}
            for name in stored_files():
                info = tarfile.TarInfo(FILES_PREFIX + name)
                info.size, info.mode = default_storage.size(name), 0o600
                with default_storage.open(name, "rb") as f:
                    hashing = _Hashing(f)
                    archive.addfile(info, io.BufferedReader(hashing))
                manifest["members"][info.name] = {"sha256": hashing.sha256.hexdigest(), "size": info.size}
            key = settings.SEAL_MASTER_KEY.encode("utf-8")
            _add_bytes(archive, SEAL_MEMBER, key)
            manifest["members"][SEAL_MEMBER] = {"sha256": hashlib.sha256(key).hexdigest(), "size": len(key)}
            _add_bytes(archive, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
        writer.close()
    return _summary(manifest)


def _summary(manifest: dict) -> Summary:
    files = {k: v for k, v in manifest["members"].items() if k.startswith(FILES_PREFIX)}
    return Summary(
        manifest=manifest,
        tables=len(manifest["tables"]),
        rows=sum(t["rows"] for t in manifest["tables"].values()),
        files=len(files),
        bytes=sum(v["size"] for v in files.values()),
    )


def unpack(source, passphrase: str, into: Path) -> dict:
    """Decrypt and unpack the archive into `into`; check every member against the manifest. Returns it."""
    with tarfile.open(fileobj=io.BufferedReader(DecryptedReader(source, passphrase)), mode="r|") as archive:
        for member in archive:
            if not member.isfile():
                raise BackupError(f"unexpected member in the archive: {member.name}")
            archive.extract(member, into, filter="data")  # no absolute paths, no "..", no links out
    manifest_path = into / "manifest.json"
    if not manifest_path.exists():
        raise BackupError("the archive has no manifest")
    manifest = json.loads(manifest_path.read_text("utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    present = {str(p.relative_to(into)) for p in into.rglob("*") if p.is_file()} - {"manifest.json"}
    expected = set(manifest["members"])
    if present != expected:
        raise BackupError(f"members differ from the manifest: {sorted(present ^ expected)[:10]}")
    for name, entry in manifest["members"].items():
        if _sha256_file(into / name) != entry["sha256"]:
            raise BackupError(f"{name} does not match its SHA-256 in the manifest")
    return manifest


def restore(source, passphrase: str, *, prune: bool = False) -> Summary:
    """Replace the database and the stored files with the archive's, then verify them against the manifest.

    Nothing is changed unless the whole archive decrypts and matches its manifest."""
    with tempfile.TemporaryDirectory(prefix="shenbao-restore-") as tmp:
        root = Path(tmp)
        manifest = unpack(source, passphrase, root)
        if manifest["engine"] != connection.vendor:
            raise BackupError(f"the backup is of a {manifest['engine']} database, this is {connection.vendor}")
        restore_database(root / DB_MEMBER[manifest["engine"]])
        wanted = set()
        for name in manifest["members"]:
            if not name.startswith(FILES_PREFIX):
                continue
            path = name.removeprefix(FILES_PREFIX)
            wanted.add(path)
            if default_storage.exists(path):
                default_storage.delete(path)
            with open(root / name, "rb") as f:
                saved = default_storage.save(path, File(f, name=path))
            if saved != path:
                raise BackupError(f"the storage renamed {path} to {saved}")
        if prune:
            for path in set(stored_files()) - wanted:
                default_storage.delete(path)
        key = (root / SEAL_MEMBER).read_text("utf-8")
    summary = _summary(manifest)
    summary.problems = verify(manifest)
    if key != settings.SEAL_MASTER_KEY:
        summary.problems.append(
            "the seal master key differs from this server's SEAL_MASTER_KEY: the restored seal keys decrypt only "
            "with the backup's key (restore --seal-key-out FILE writes it)"
        )
    summary.manifest["seal_master_key"] = key
    return summary


def verify(manifest: dict) -> list[str]:
    """What differs between the database and files now and the manifest (empty: identical)."""
    problems = []
    now = table_digests()
    for table, expected in manifest["tables"].items():
        if now.get(table) != expected:
            problems.append(f"table {table}: expected {expected['rows']} rows {expected['sha256'][:12]}, "
                            f"found {now.get(table)}")  # fmt: skip
    for name, entry in manifest["members"].items():
        if not name.startswith(FILES_PREFIX):
            continue
        path = name.removeprefix(FILES_PREFIX)
        if not default_storage.exists(path):
            problems.append(f"file {path} is missing")
            continue
        with default_storage.open(path, "rb") as f:
            digest = hashlib.sha256()
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        if digest.hexdigest() != entry["sha256"]:
            problems.append(f"file {path} differs")
    return problems


def copy_seal_key(key: str, target: Path):
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.write(key)
