"""OFD uploads (GB/T 33190) validated as what they are: a ZIP container with OFD's structure.

``ofd_problem(fileobj, max_total_bytes)`` returns None for a container that

- opens as a ZIP, with no encrypted entries and no name twice;
- has only safe entry names: relative, no ``..`` part, no absolute path, no drive letter (``C:``), no control
  characters (``\\`` counts as a separator, as an extractor on Windows would take it);
- holds no executables or scripts: neither by extension (``.exe``, ``.js``, ``.sh``, ``.html``…) nor by
  content (a Windows, Linux or macOS executable, a ``#!`` script);
- unpacks to at most ``max_total_bytes`` in all (the checklist item's limit: the declared sizes are added up
  first, then every entry is really inflated, which also checks its CRC), compressed at most
  MAX_COMPRESSION_RATIO : 1 overall (a ZIP bomb packs 1 GiB into 1 MB, ~1000 : 1; OFD's XML and images
  rarely pass 20 : 1);
- has OFD.xml at its root, an ``ofd:OFD`` document whose every ``DocBody/DocRoot`` names an entry that exists.

Otherwise an :class:`OfdProblem` saying why.
"""

import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.etree import ElementTree

MAX_COMPRESSION_RATIO = 100
# Below this many unpacked bytes the ratio is not checked: a few kilobytes of XML may compress very well.
RATIO_FLOOR_BYTES = 1024 * 1024
MAX_ENTRIES = 100_000
MAX_OFD_XML_BYTES = 1024 * 1024
READ_CHUNK = 256 * 1024

EXECUTABLE_EXTENSIONS = frozenset(
    "exe dll com scr pif cpl sys drv ocx msi msp msc bat cmd ps1 psm1 vbs vbe js jse mjs wsf wsh hta "
    "jar class sh bash csh ksh zsh py pyc pl rb php phtml asp aspx jsp lnk reg inf html htm xhtml shtml "
    "svg swf app dmg apk so dylib".split()
)
EXECUTABLE_MAGIC = (
    b"MZ",  # Windows PE
    b"\x7fELF",  # Linux
    b"\xca\xfe\xba\xbe",  # macOS universal binary (also a Java class file)
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"#!",  # a script for an interpreter
)
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class OfdProblem:
    code: str  # "broken", "unsafe_name", "executable", "too_large", "ratio", "structure"
    params: dict = field(default_factory=dict)


def unsafe_entry_name(name) -> bool:
    path = name.replace("\\", "/")
    return (
        not path
        or path.startswith("/")
        or _DRIVE.match(path) is not None
        or ".." in path.split("/")
        or any(unicodedata.category(ch) == "Cc" for ch in path)
    )


def is_executable_name(name) -> bool:
    base = name.replace("\\", "/").rstrip("/").rpartition("/")[2]
    stem, dot, extension = base.rpartition(".")
    return bool(dot and extension.lower() in EXECUTABLE_EXTENSIONS)


def ofd_problem(fileobj, max_total_bytes) -> OfdProblem | None:
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            return _archive_problem(archive, max_total_bytes)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, NotImplementedError, OSError, EOFError, ValueError):
        return OfdProblem("broken")
    finally:
        fileobj.seek(0)


def _archive_problem(archive, max_total_bytes):
    infos = archive.infolist()
    if not infos or len(infos) > MAX_ENTRIES:
        return OfdProblem("broken")
    names = set()
    for info in infos:
        if unsafe_entry_name(info.filename):
            return OfdProblem("unsafe_name", {"name": info.filename})
        if info.filename in names:
            return OfdProblem("unsafe_name", {"name": info.filename})
        names.add(info.filename)
        if info.flag_bits & 0x1:
            return OfdProblem("broken")  # an encrypted entry cannot be read (OFD does not use ZIP encryption)
        if not info.is_dir() and is_executable_name(info.filename):
            return OfdProblem("executable", {"name": info.filename})
    declared = sum(info.file_size for info in infos)
    compressed = sum(info.compress_size for info in infos)
    problem = _size_problem(declared, compressed, max_total_bytes)
    if problem:
        return problem
    unpacked = 0
    for info in infos:
        if info.is_dir():
            continue
        with archive.open(info) as entry:
            first = entry.read(READ_CHUNK)
            if first.startswith(EXECUTABLE_MAGIC):
                return OfdProblem("executable", {"name": info.filename})
            chunk = first
            while chunk:
                unpacked += len(chunk)
                if unpacked > max_total_bytes:
                    return OfdProblem("too_large", {"size": unpacked})
                chunk = entry.read(READ_CHUNK)
    problem = _size_problem(unpacked, compressed, max_total_bytes)
    if problem:
        return problem
    return _structure_problem(archive, names)


def _size_problem(unpacked, compressed, max_total_bytes):
    if unpacked > max_total_bytes:
        return OfdProblem("too_large", {"size": unpacked})
    if unpacked > RATIO_FLOOR_BYTES and unpacked > MAX_COMPRESSION_RATIO * max(compressed, 1):
        return OfdProblem("ratio", {"ratio": unpacked // max(compressed, 1)})
    return None


def _local(tag):
    return tag.rpartition("}")[2]


def _normalised(path):
    path = path.strip().replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path.lstrip("/").lower()


def _structure_problem(archive, names):
    root_name = next((n for n in names if n.lower() == "ofd.xml"), None)
    if root_name is None:
        return OfdProblem("structure")
    info = archive.getinfo(root_name)
    if info.file_size > MAX_OFD_XML_BYTES:
        return OfdProblem("structure")
    content = archive.read(root_name)
    if b"<!DOCTYPE" in content.upper():
        return OfdProblem("structure")  # OFD.xml has no DTD; refusing one leaves no entities to expand
    try:
        root = ElementTree.fromstring(content)  # noqa: S314 - no DTD (above), no external entities in ElementTree
    except ElementTree.ParseError:
        return OfdProblem("structure")
    if _local(root.tag) != "OFD":
        return OfdProblem("structure")
    entries = {_normalised(n) for n in names}
    doc_roots = [
        e.text or "" for body in root if _local(body.tag) == "DocBody" for e in body if _local(e.tag) == "DocRoot"
    ]
    if not doc_roots or any(_normalised(path) not in entries for path in doc_roots):
        return OfdProblem("structure")
    return None
