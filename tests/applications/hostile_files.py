"""Rewriting a PDF so that its names are out of sight of a byte scan (for the upload checks' tests and bench)."""

import io
import struct
import zlib

from pypdf import PdfReader
from pypdf.generic import StreamObject


def in_object_streams(pdf):
    """The same PDF rewritten with every dictionary compressed into one object stream and an xref stream, so
    that no name of it is left in the file's bytes."""
    reader = PdfReader(io.BytesIO(pdf))
    numbers = sorted(reader.xref[0])
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets, packed = {}, []
    for number in numbers:
        obj = reader.get_object(number)
        if isinstance(obj, StreamObject):
            offsets[number] = out.tell()
            out.write(b"%d 0 obj\n" % number)
            obj.write_to_stream(out)
            out.write(b"\nendobj\n")
        else:
            body = io.BytesIO()
            obj.write_to_stream(body)
            packed.append((number, body.getvalue()))
    stream_number, xref_number = max(numbers) + 1, max(numbers) + 2
    header, bodies, position = [], b"", 0
    for number, body in packed:
        header.append(b"%d %d" % (number, position))
        bodies += body + b"\n"
        position += len(body) + 1
    head = b" ".join(header) + b"\n"
    compressed = zlib.compress(head + bodies)
    offsets[stream_number] = out.tell()
    out.write(
        b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (stream_number, len(packed), len(head), len(compressed))
        + compressed
        + b"\nendstream\nendobj\n"
    )
    xref_offset = out.tell()
    rows = {0: struct.pack(">BIH", 0, 0, 0xFFFF)}
    for index, (number, _body) in enumerate(packed):
        rows[number] = struct.pack(">BIH", 2, stream_number, index)
    for number, offset in offsets.items():
        rows[number] = struct.pack(">BIH", 1, offset, 0)
    rows[xref_number] = struct.pack(">BIH", 1, xref_offset, 0)
    data = b"".join(rows.get(n, struct.pack(">BIH", 0, 0, 0)) for n in range(xref_number + 1))
    root = reader.trailer.raw_get("/Root").idnum
    out.write(
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root %d 0 R /Length %d >>\nstream\n"
        % (xref_number, xref_number + 1, root, len(data))
        + data
        + b"\nendstream\nendobj\n"
    )
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref_offset)
    return out.getvalue()
