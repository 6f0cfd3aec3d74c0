"""What an uploaded file is, from its content: PDF, JPEG, PNG or OFD, and what a PDF may not carry.

Images are checked in ``images``, OFD containers in ``ofd``."""

import io
import re
import struct
import zipfile
import zlib

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

# What a PDF may not carry (docs/materials.md, "PDF active content"): the finding's key names the reason.
PDF_FINDINGS = (
    "javascript",  # /JS, a /JavaScript action or name tree
    "launch",  # a /Launch action (starts a program or opens a file)
    "xfa",  # an XFA form (/AcroForm /XFA): a second, scriptable form model
    "uri_on_open",  # /OpenAction or /AA of type /URI: a web address opened without a click
    "submit_form",  # a /SubmitForm action: sends form data somewhere
    "import_data",  # an /ImportData action: reads form data from a file
    "remote_goto",  # /GoToR or /GoToE: opens another (or an embedded) document
    "embedded_file",  # /EmbeddedFiles, a /FileAttachment annotation, an /EF file or /EmbeddedFile stream
    "rich_media",  # a /RichMedia annotation (Flash, video, 3D with scripts)
)

# The same findings in dictionary syntax, for the byte scan (after #xx name escapes are decoded, ISO 32000-1
# §7.3.5): a key only with a value that fits it, a name only as the value of /S, /Subtype or /Type. Requiring
# the value keeps ordinary text such as a path "C:/JS/file" in a title from matching.
_END = rb"(?![A-Za-z0-9])"
_VALUE = rb"\s*(?:<<|\[|\d+\s+\d+\s+R)"
_PDF_RAW_PATTERNS = {
    "javascript": [rb"/JS\s*[(<\d]", rb"/S\s*/JavaScript" + _END, rb"/JavaScript" + _VALUE],
    "launch": [rb"/S\s*/Launch" + _END, rb"/Launch" + _VALUE],
    "xfa": [rb"/XFA" + _VALUE],
    "uri_on_open": [rb"/OpenAction\s*<<(?:(?!>>).){0,200}?/S\s*/URI" + _END],  # the direct form only
    "submit_form": [rb"/S\s*/SubmitForm" + _END],
    "import_data": [rb"/S\s*/ImportData" + _END],
    "remote_goto": [rb"/S\s*/GoTo[RE]" + _END],
    "embedded_file": [
        rb"/EmbeddedFiles" + _VALUE,
        rb"/EF" + _VALUE,
        rb"/Subtype\s*/FileAttachment" + _END,
        rb"/Type\s*/EmbeddedFile" + _END,
    ],
    "rich_media": [rb"/Subtype\s*/RichMedia" + _END, rb"/RichMedia(?:Content|Settings)" + _VALUE],
}
_PDF_RAW = re.compile(
    b"|".join(b"(?P<%s>%s)" % (key.encode(), b"|".join(p)) for key, p in _PDF_RAW_PATTERNS.items()), re.DOTALL
)
# Object streams (/Type /ObjStm) hold compressed dictionaries: the byte scan inflates them (every revision's)
# and looks inside too, up to this many bytes in all.
_PDF_OBJECT_STREAM = re.compile(rb"/Type\s*/Obj(?:S|#53)tm" + _END)
MAX_PDF_INFLATED_BYTES = 64 * 1024 * 1024
# Each revision of an incrementally updated PDF ends with startxref and %%EOF. A file saved or signed a few
# times has a handful; one with more than this many is refused rather than parsed that many times.
_PDF_REVISION_END = re.compile(rb"startxref\s+\d+\s*%%EOF")
MAX_PDF_REVISIONS = 50
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


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
    """True when the PDF carries anything of PDF_FINDINGS (see :func:`pdf_active_content`)."""
    return pdf_active_content(stream) is not None


def pdf_active_content(stream) -> str | None:
    """The first of PDF_FINDINGS that the PDF carries, or None.

    Raises PdfEncrypted for an encrypted PDF (``open_password`` says whether it needs a password to open:
    its strings and streams, object streams included, cannot be read, so it cannot be checked) and
    PdfUnreadable (a ValueError) for one that cannot be parsed.

    Two independent looks: (1) pypdf parses the file (``strict=False``) and every object of every revision is
    looked at — each object the cross-reference tables list (object streams included) and everything reachable
    from the trailer, resolving indirect objects; an earlier revision (the file up to an earlier
    ``startxref … %%EOF``) is parsed too, for the objects a later update replaced. (2) A scan of the raw bytes
    outside stream bodies, with #xx name escapes decoded, plus the inflated contents of every object stream.
    """
    stream.seek(0)
    data = stream.read()
    stream.seek(0)
    try:
        reader = _open_pdf(io.BytesIO(data))
        # Stream bodies are left out of the raw scan: in compressed or image data "/JS" turns up by chance
        # about once per 20 MB. What a compressed object stream hides, the inflation and the parser see.
        finding = _raw_finding(without_stream_bodies(data)) or _object_stream_finding(data)
        return finding or _parsed_finding(reader, data)
    finally:
        stream.seek(0)


def without_stream_bodies(data):
    """``data`` with every ``stream`` … ``endstream`` body replaced by nothing (the keyword ``stream`` not
    preceded by a letter and followed by LF or CR LF). A find() loop: a regex over 20 MB took 0.4 s."""
    parts, position, search = [], 0, 0
    while (start := data.find(b"stream", search)) >= 0:
        after = start + 6
        if data[start - 1 : start].isalpha() if start else False:
            search = after
            continue
        if data[after : after + 1] == b"\n":
            body = after + 1
        elif data[after : after + 2] == b"\r\n":
            body = after + 2
        else:
            search = after
            continue
        end = data.find(b"endstream", body)
        if end < 0:
            break
        parts += [data[position:start], b"stream endstream"]
        position = search = end + 9
    parts.append(data[position:])
    return b"".join(parts)


def _raw_has_active_name(data):
    return _raw_finding(data) is not None


def _raw_finding(data):
    decoded = _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data)
    match = _PDF_RAW.search(decoded)
    return match.lastgroup if match else None


def _object_stream_finding(data):
    inflated = 0
    for match in _PDF_OBJECT_STREAM.finditer(data):
        start = data.find(b"stream", match.end())
        end = data.find(b"endstream", start + 6) if start >= 0 else -1
        if end < 0:
            continue
        body = data[start + 6 : end].lstrip(b"\r\n")
        try:
            content = zlib.decompressobj().decompress(body, MAX_PDF_INFLATED_BYTES - inflated + 1)
        except zlib.error:
            continue  # not deflated (or broken): the parser decides
        inflated += len(content)
        if inflated > MAX_PDF_INFLATED_BYTES:
            raise PdfUnreadable("object streams too large")
        finding = _raw_finding(content)
        if finding:
            return finding
    return None


class PdfUnreadable(ValueError):
    pass


class PdfEncrypted(ValueError):
    def __init__(self, *args, open_password=True):
        super().__init__(*args)
        self.open_password = open_password


def _open_pdf(stream):
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(stream, strict=False)
        encrypted = reader.is_encrypted
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds of errors on broken files
        raise PdfUnreadable(str(exc)) from exc
    if encrypted:
        try:
            opens_without_password = bool(reader.decrypt(""))
        except Exception:  # noqa: BLE001 - e.g. AES without a crypto provider: it cannot be read either way
            opens_without_password = True
        raise PdfEncrypted(open_password=not opens_without_password)
    return reader


def _revisions(reader, data):
    """The parsed file, then each earlier revision that pypdf can parse on its own (newest first)."""
    from pypdf import PdfReader

    yield reader
    ends = [m.end() for m in _PDF_REVISION_END.finditer(data)]
    if len(ends) > MAX_PDF_REVISIONS:
        raise PdfUnreadable("too many revisions")
    for end in reversed(ends[:-1]):  # the last one ends the file itself
        try:
            yield PdfReader(io.BytesIO(data[:end]), strict=False)
        except Exception:  # noqa: BLE001, S112 - a fragment pypdf cannot parse: the byte scan looked at it
            continue


def _location(reader, idnum, generation):
    """Where an object's bytes are in the file, so that a revision's unchanged objects are looked at once."""
    offset = reader.xref.get(generation, {}).get(idnum)
    if offset is not None:
        return ("o", offset)
    in_stream = reader.xref_objStm.get(idnum)
    if in_stream is not None:
        return ("s", reader.xref.get(0, {}).get(in_stream[0]), in_stream[0], in_stream[1])
    return ("?", id(reader), idnum, generation)


def _parsed_finding(reader, data):
    from pypdf.generic import IndirectObject

    seen_locations = set()
    budget = [MAX_PDF_OBJECTS]
    try:
        for number, revision in enumerate(_revisions(reader, data)):
            # What the file shows (the newest revision, from its trailer) must parse; an object only listed, or
            # of an earlier revision, that pypdf cannot parse is left to the byte scan.
            if number == 0:
                finding = _walk(revision, [revision.trailer], seen_locations, budget, tolerant=False)
                if finding:
                    return finding
            listed = [
                IndirectObject(idnum, generation, revision)
                for generation, table in revision.xref.items()
                if generation != 65535
                for idnum in table
            ] + [IndirectObject(idnum, 0, revision) for idnum in revision.xref_objStm]
            finding = _walk(revision, [revision.trailer, *listed], seen_locations, budget, tolerant=True)
            if finding:
                return finding
    except PdfUnreadable:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds of errors on broken files
        raise PdfUnreadable(str(exc)) from exc
    return None


_ACTION_FINDINGS = {
    "/JavaScript": "javascript",
    "/Launch": "launch",
    "/SubmitForm": "submit_form",
    "/ImportData": "import_data",
    "/GoToR": "remote_goto",
    "/GoToE": "remote_goto",
    "/RichMediaExecute": "rich_media",
}
_KEY_FINDINGS = {
    "/JS": "javascript",
    "/JavaScript": "javascript",
    "/Launch": "launch",
    "/XFA": "xfa",
    "/EmbeddedFiles": "embedded_file",
    "/EF": "embedded_file",
    "/RichMediaContent": "rich_media",
    "/RichMediaSettings": "rich_media",
}
_SUBTYPE_FINDINGS = {"/FileAttachment": "embedded_file", "/RichMedia": "rich_media"}


def _resolve(value):
    from pypdf.generic import IndirectObject

    return value.get_object() if isinstance(value, IndirectObject) else value


def _walk(reader, stack, seen_locations, budget, *, tolerant):
    """Look at every object on ``stack`` and everything reachable from it; the first finding or None.
    ``tolerant``: an object that cannot be parsed is skipped instead of making the file unreadable."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    containers = (IndirectObject, DictionaryObject, ArrayObject)
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            location = _location(reader, obj.idnum, obj.generation)
            if location in seen_locations:
                continue
            seen_locations.add(location)
            try:
                obj = obj.get_object()
            except Exception:  # noqa: BLE001 - pypdf raises many kinds of errors on broken objects
                if not tolerant:
                    raise
                continue
        budget[0] -= 1
        if budget[0] < 0:
            raise PdfUnreadable("too many objects")
        if isinstance(obj, DictionaryObject):
            finding = _dictionary_finding(obj)
            if finding:
                return finding
            stack.extend(v for v in obj.values() if isinstance(v, containers))
        elif isinstance(obj, ArrayObject):
            stack.extend(v for v in obj if isinstance(v, containers))
    return None


def _dictionary_finding(obj):
    for name, value in obj.items():
        finding = _KEY_FINDINGS.get(name)
        if finding:
            return finding
        if name == "/S":
            finding = _ACTION_FINDINGS.get(_resolve(value))
        elif name == "/Subtype":
            finding = _SUBTYPE_FINDINGS.get(_resolve(value))
        elif name == "/Type" and _resolve(value) == "/EmbeddedFile":
            finding = "embedded_file"
        elif name == "/OpenAction":
            finding = _automatic_action_finding([value])
        elif name == "/AA":
            triggers = _resolve(value)
            finding = _automatic_action_finding(list(triggers.values())) if hasattr(triggers, "values") else None
        if finding:
            return finding
    return None


def _automatic_action_finding(actions):
    """Actions run without a click (/OpenAction, the /AA triggers) and the actions they chain with /Next:
    a /URI among them opens a web address when the document, a page or a field is opened."""
    from pypdf.generic import ArrayObject, DictionaryObject

    seen = set()
    while actions:
        action = _resolve(actions.pop())
        if id(action) in seen or len(seen) > 1000:
            continue
        seen.add(id(action))
        if isinstance(action, ArrayObject):
            actions.extend(action)
        elif isinstance(action, DictionaryObject):
            if _resolve(action.get("/S")) == "/URI":
                return "uri_on_open"
            if "/Next" in action:
                actions.append(action["/Next"])
    return None
