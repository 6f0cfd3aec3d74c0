"""The virus scan an upload passes before it is accepted: ``scan(fileobj)`` → None (clean) or what was found.

The backend is the class named by ``settings.VIRUS_SCAN_BACKEND`` (a dotted path); unset, it is
:class:`ClamdBackend` when ``settings.CLAMD_SOCKET`` is set and :class:`NoScanBackend` otherwise. A backend is a
class with ``scan(self, fileobj) -> str | None`` (the signature's name, or None) that raises
:class:`ScanUnavailable` when it cannot scan; the upload is then refused with "try again later" (never
accepted unscanned), and nothing of the application changes.

:class:`ClamdBackend` speaks clamd's INSTREAM protocol over its unix socket itself (``zINSTREAM\\0``, the file
in chunks each preceded by its length as 4 bytes big-endian, a zero-length chunk to end; the answer
``stream: OK`` or ``stream: <signature> FOUND``). clamd's ``StreamMaxLength`` (25 MB by default) must be at
least the largest checklist item's limit, or every larger file is refused as unscannable.
:class:`EicarTestBackend` is the double for development and tests: it finds the EICAR test string only.
"""

import socket
import struct

from django.conf import settings
from django.utils.module_loading import import_string

CHUNK_SIZE = 64 * 1024
DEFAULT_TIMEOUT_SECONDS = 30
# The EICAR test file, in two pieces so that this source file is not itself reported by a scanner.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class ScanUnavailable(Exception):
    """The scanner could not say (socket missing, timeout, an error answer)."""


class NoScanBackend:
    """No scanner configured: every file passes."""

    def scan(self, fileobj):
        return None


class EicarTestBackend:
    """Development and tests: reports the EICAR test file as clamd does, and nothing else."""

    def scan(self, fileobj):
        found = any(EICAR in chunk for chunk in _chunks(fileobj, overlap=len(EICAR)))
        return "Eicar-Test-Signature" if found else None


class ClamdBackend:
    def __init__(self, socket_path=None, timeout=None):
        self.socket_path = socket_path or getattr(settings, "CLAMD_SOCKET", "")
        self.timeout = timeout or getattr(settings, "CLAMD_TIMEOUT", DEFAULT_TIMEOUT_SECONDS)

    def scan(self, fileobj):
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
                conn.settimeout(self.timeout)
                conn.connect(self.socket_path)
                conn.sendall(b"zINSTREAM\0")
                for chunk in _chunks(fileobj):
                    conn.sendall(struct.pack(">I", len(chunk)) + chunk)
                conn.sendall(struct.pack(">I", 0))
                reply = _read_reply(conn)
        except OSError as exc:  # missing socket, refused, timeout (socket.timeout is an OSError)
            raise ScanUnavailable(str(exc)) from exc
        return _parse_reply(reply)


def _chunks(fileobj, overlap=0):
    fileobj.seek(0)
    tail = b""
    try:
        while chunk := fileobj.read(CHUNK_SIZE):
            yield tail + chunk
            tail = chunk[-overlap:] if overlap else b""
    finally:
        fileobj.seek(0)


def _read_reply(conn):
    reply = b""
    while not reply.endswith(b"\0"):
        data = conn.recv(4096)
        if not data:
            break
        reply += data
        if len(reply) > 64 * 1024:
            break
    return reply.rstrip(b"\0").decode("utf-8", "replace").strip()


def _parse_reply(reply):
    """``stream: OK`` → None; ``stream: Name FOUND`` → "Name"; anything else → ScanUnavailable."""
    _stream, _colon, verdict = reply.partition(": ")
    if verdict == "OK":
        return None
    if verdict.endswith(" FOUND"):
        return verdict.removesuffix(" FOUND").strip() or "unknown"
    raise ScanUnavailable(reply or "no answer")


def backend():
    path = getattr(settings, "VIRUS_SCAN_BACKEND", "") or (
        "applications.materials.scan.ClamdBackend"
        if getattr(settings, "CLAMD_SOCKET", "")
        else "applications.materials.scan.NoScanBackend"
    )
    return import_string(path)()


def scan(fileobj) -> str | None:
    """None for a clean file, else the name of what was found; ScanUnavailable when the scanner cannot say."""
    try:
        return backend().scan(fileobj)
    finally:
        fileobj.seek(0)
