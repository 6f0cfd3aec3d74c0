"""What an uploaded file is, from its content: PDF, JPEG, PNG or OFD, and whether a PDF carries active content."""

import io
import re
import struct
import zipfile

# kind -> (content type, accepted extensions (first is canonical), label)
TYPES = {
    "pdf": ("application/pdf", ("pdf",), "PDF"),
    "jpeg": ("image/jpeg", ("jpg", "jpeg"), "JPEG"),
    "png": ("image/png", ("png",), "PNG"),
    "ofd": ("application/ofd", ("ofd",), "OFD"),
}
MAX_FILENAME_CHARS = 100
CHUNK_SIZE = 64 * 1024
# A PDF whose object graph is larger than this is refused rather than walked forever.
MAX_PDF_OBJECTS = 500_000

# Active content in dictionary syntax (after #xx name escapes are decoded, ISO 32000-1 §7.3.5): a /JS entry
# with a string or reference value, an action of type /JavaScript or /Launch, a /JavaScript name tree.
# Requiring the value keeps ordinary text such as a path "C:/JS/file" in a title from matching.
_PDF_ACTIVE = re.compile(
    rb"/JS\s*[(<\d]"
    rb"|/S\s*/(?:JavaScript|Launch)(?![A-Za-z0-9])"
    rb"|/JavaScript\s*(?:<<|\d+\s+\d+\s+R)"
    rb"|/Launch\s*(?:<<|\d+\s+\d+\s+R)"
)
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM_BODY = re.compile(rb"(?<![A-Za-z])stream\r?\n.*?endstream", re.DOTALL)


# ---------------------------------------------------------------------------------------------------------
# Detection


def detect_type(head: bytes, fileobj=None) -> str | None:
    """'pdf', 'jpeg', 'png', 'ofd' or None, from the first bytes of a file.

    A ZIP is an OFD only when it has OFD.xml at its root: pass the whole file as ``fileobj`` (a seekable
    binary stream) to read its central directory; without it ``head`` is taken to be the whole file.
    """
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        return "ofd" if _zip_has_root_ofd_xml(head, fileobj) else None
    return None


def _zip_has_root_ofd_xml(head, fileobj):
    stream = fileobj if fileobj is not None else io.BytesIO(head)
    position = stream.tell() if fileobj is not None else 0
    try:
        with zipfile.ZipFile(stream) as archive:
            return any(name.lower() == "ofd.xml" for name in archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        if fileobj is None:
            # A truncated head: walk the local file headers that are complete.
            return _local_headers_have_ofd_xml(head)
        return False
    finally:
        if fileobj is not None:
            fileobj.seek(position)


def _local_headers_have_ofd_xml(data):
    offset = 0
    while data[offset : offset + 4] == b"PK\x03\x04" and offset + 30 <= len(data):
        flags, compressed = (
            struct.unpack_from("<H", data, offset + 6)[0],
            struct.unpack_from("<I", data, offset + 18)[0],
        )
        name_len, extra_len = struct.unpack_from("<HH", data, offset + 26)
        name = data[offset + 30 : offset + 30 + name_len]
        if name.lower() == b"ofd.xml":
            return True
        if flags & 0x08:  # sizes follow the data: cannot skip ahead reliably
            return False
        offset += 30 + name_len + extra_len + compressed
    return False


def pdf_has_active_content(stream) -> bool:
    """True when the PDF carries JavaScript (/JS, /JavaScript) or a /Launch action anywhere.

    Two independent looks: a scan of the raw bytes for the names (with #xx escapes decoded), and a walk
    of every object reachable from the trailer after pypdf has parsed the file, which also sees inside
    compressed object streams. Raises ValueError for a PDF that cannot be parsed or is password-protected.
    """
    stream.seek(0)
    data = stream.read()
    stream.seek(0)
    # Stream bodies are left out of the raw scan: in compressed or image data "/JS" turns up by chance
    # about once per 20 MB. What a compressed object stream hides, the parsed walk below sees.
    if _raw_has_active_name(_PDF_STREAM_BODY.sub(b"stream endstream", data)):
        return True
    try:
        return _parsed_has_active_content(stream)
    finally:
        stream.seek(0)


def _raw_has_active_name(data):
    decoded = _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data)
    return _PDF_ACTIVE.search(decoded) is not None


class PdfUnreadable(ValueError):
    pass


class PdfEncrypted(ValueError):
    pass


def _parsed_has_active_content(stream):
    import logging

    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(stream, strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception as exc:  # noqa: BLE001 - any failure to decrypt means we cannot inspect it
                raise PdfEncrypted from exc
            if not opened:
                raise PdfEncrypted
        stack = [reader.trailer]
        seen = set()
        visited = 0
        while stack:
            obj = stack.pop()
            if isinstance(obj, IndirectObject):
                key = (obj.idnum, obj.generation)
                if key in seen:
                    continue
                seen.add(key)
                obj = obj.get_object()
            visited += 1
            if visited > MAX_PDF_OBJECTS:
                raise PdfUnreadable("too many objects")
            if isinstance(obj, DictionaryObject):
                for name, value in obj.items():
                    if name in ("/JS", "/JavaScript", "/Launch"):
                        return True
                    if name == "/S" and value in ("/JavaScript", "/Launch"):
                        return True
                    if isinstance(value, (IndirectObject, DictionaryObject, ArrayObject)):
                        stack.append(value)
            elif isinstance(obj, ArrayObject):
                stack.extend(v for v in obj if isinstance(v, (IndirectObject, DictionaryObject, ArrayObject)))
    except (PdfEncrypted, PdfUnreadable):
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds of errors on broken files
        raise PdfUnreadable(str(exc)) from exc
    return False
