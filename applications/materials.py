"""The materials checklist (申报材料): checking an upload, storing it privately, replacing and deleting it.

What the notice's section 三 asks for is data (programmes.MaterialItem rows of the category); this module
decides whether one uploaded file may become a Material of one item:

- its type comes from its content (magic bytes), never from its name: PDF, JPEG, PNG or OFD (a ZIP
  container with OFD.xml at its root, GB/T 33190);
- a PDF must not carry JavaScript or launch actions (raw byte scan AND a walk of the parsed object graph,
  so neither name escapes like ``/J#53`` nor compressed object streams hide them);
- empty files and files over the item's limit are refused before anything is stored; the request body of
  an upload is capped as well (:class:`UploadLimitHandler`) so a huge file is cut off while it streams in;
- the user's filename is only a label: no path separators or control characters, at most 100 characters,
  its extension made to match the detected type. On disk the file gets a random name
  (``applications.models.material_path``) in the default (private) storage;
- SHA-256 is computed while the file is read in chunks.

Writes (``attach_material``, ``delete_material``) lock the application row, re-check that it is editable,
write the row and the audit event in one transaction, and never leave a stored file without its row (or a
row without its file). Old files of replaced or deleted materials are removed from storage after commit.
"""

import hashlib
import io
import re
import struct
import unicodedata
import zipfile
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, ROUND_UP, Decimal

from django.core.files.storage import default_storage
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import transaction
from django.db.models import Max
from django.http import QueryDict
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from applications import material_rules
from applications.models import Application, Material
from audit.services import audit_record
from core.errors import Conflict, DomainError, PermissionDeniedError
from programmes.models import MaterialItem

# kind -> (content type, accepted extensions (first is canonical), label)
TYPES = {
    "pdf": ("application/pdf", ("pdf",), "PDF"),
    "jpeg": ("image/jpeg", ("jpg", "jpeg"), "JPEG"),
    "png": ("image/png", ("png",), "PNG"),
    "ofd": ("application/ofd", ("ofd",), "OFD"),
}
MAX_FILENAME_CHARS = 100
CHUNK_SIZE = 64 * 1024
# Room for the multipart boundaries and the other form fields on top of the largest allowed file.
MULTIPART_OVERHEAD_BYTES = 256 * 1024
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


# ---------------------------------------------------------------------------------------------------------
# Labels


def format_size(size, *, rounding=ROUND_HALF_UP):
    """20971520 -> '20 MB'; 1536 -> '1.5 KB'. A file's own size is rounded up so that it never looks
    equal to the limit it exceeds."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            value = (Decimal(size) / Decimal(factor)).quantize(Decimal("0.01"), rounding=rounding)
            text = f"{value:f}".rstrip("0").rstrip(".")
            return f"{text} {unit}"
    return f"{size} B"


def type_labels(kinds):
    return "、".join(TYPES[k][2] for k in kinds if k in TYPES)


def accept_attribute(kinds):
    """For <input type=file accept=…>: a hint for the browser's picker only; the server decides."""
    values = []
    for kind in kinds:
        if kind in TYPES:
            content_type, extensions, _label = TYPES[kind]
            values += [f".{ext}" for ext in extensions] + [content_type]
    return ",".join(values)


# ---------------------------------------------------------------------------------------------------------
# Checking one upload


@dataclass(frozen=True)
class InspectedUpload:
    kind: str
    content_type: str
    size: int
    sha256: str
    filename: str


def clean_filename(name):
    """The user's filename as a label, or DomainError. Separators and control characters are refused, not
    silently removed, so that what the reviewer sees is what the enterprise chose."""
    name = (name or "").strip()
    if not name or name in {".", ".."}:
        raise DomainError(_("文件名为空，请重命名后再上传。"), field="file")
    if "/" in name or "\\" in name:
        raise DomainError(_("文件名不能包含路径分隔符（“/”或“\\”），请重命名后再上传。"), field="file")
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Zl", "Zp"} for ch in name):
        raise DomainError(_("文件名含有控制字符或不可见字符，请重命名后再上传。"), field="file")
    if len(name) > MAX_FILENAME_CHARS:
        raise DomainError(
            _("文件名过长（%(length)d 个字符），不得超过 %(limit)d 个字符，请重命名后再上传。")
            % {"length": len(name), "limit": MAX_FILENAME_CHARS},
            field="file",
        )
    return name


def filename_for_kind(name, kind):
    """Keep the user's extension when it fits the detected type, otherwise put the right one."""
    extensions = TYPES[kind][1]
    stem, dot, ext = name.rpartition(".")
    if dot and stem and ext.lower() in extensions:
        return name
    if dot and stem and ext.lower() in {e for _t, exts, _l in TYPES.values() for e in exts}:
        return f"{stem}.{extensions[0]}"
    return f"{name}.{extensions[0]}"


def too_large_message(item, size=None):
    limit = format_size(item.max_size_bytes) if item is not None else None
    if item is None:
        return _("文件过大，超过了上传大小上限。")
    if size is None:
        return _("文件过大：“%(item)s”的单个文件不得超过 %(limit)s。") % {"item": item.name, "limit": limit}
    return _("文件大小为 %(size)s，超过“%(item)s”的上限 %(limit)s。") % {
        "size": format_size(size, rounding=ROUND_UP),
        "item": item.name,
        "limit": limit,
    }


def inspect_upload(uploaded_file, item) -> InspectedUpload:
    """Check one uploaded file against one checklist item; raise DomainError (field 'file') if refused."""
    name = clean_filename(uploaded_file.name)
    declared = uploaded_file.size or 0
    if declared > item.max_size_bytes:
        raise DomainError(too_large_message(item, declared), field="file")
    digest = hashlib.sha256()
    head = b""
    size = 0
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks(CHUNK_SIZE):
        size += len(chunk)
        if size > item.max_size_bytes:
            raise DomainError(too_large_message(item, max(size, declared)), field="file")
        if len(head) < 16:
            head += chunk[: 16 - len(head)]
        digest.update(chunk)
    if size == 0:
        raise DomainError(_("文件为空（0 字节），请重新选择文件。"), field="file")
    uploaded_file.seek(0)
    kind = detect_type(head, uploaded_file.file if hasattr(uploaded_file, "file") else uploaded_file)
    uploaded_file.seek(0)
    if kind is None:
        raise DomainError(
            _("无法识别的文件类型：只接受 PDF、JPEG、PNG 或 OFD 文件（按文件内容判断，与扩展名无关）。"), field="file"
        )
    allowed = item.allowed_type_list
    if kind not in allowed:
        raise DomainError(
            _("“%(item)s”只接受 %(types)s 格式的文件，所选文件是 %(kind)s。")
            % {"item": item.name, "types": type_labels(allowed), "kind": TYPES[kind][2]},
            field="file",
        )
    if kind == "pdf":
        try:
            active = pdf_has_active_content(uploaded_file)
        except PdfEncrypted as exc:
            raise DomainError(_("PDF 文件设置了打开密码，无法查验，请上传未加密的文件。"), field="file") from exc
        except ValueError as exc:
            raise DomainError(_("PDF 文件已损坏，无法读取，请重新导出后上传。"), field="file") from exc
        if active:
            raise DomainError(
                _(
                    "PDF 文件含有 JavaScript 脚本或自动执行的动作，出于安全原因不予接收，请另存为不含脚本的 PDF 后重新上传。"
                ),
                field="file",
            )
    uploaded_file.seek(0)
    return InspectedUpload(
        kind=kind,
        content_type=TYPES[kind][0],
        size=size,
        sha256=digest.hexdigest(),
        filename=filename_for_kind(name, kind),
    )


# ---------------------------------------------------------------------------------------------------------
# Request body limit


def upload_request_limit(application):
    """Largest request body accepted for an upload to this application: its largest item plus overhead."""
    largest = MaterialItem.objects.filter(category_id=application.category_id).aggregate(m=Max("max_size_bytes"))["m"]
    return (largest or MaterialItem.DEFAULT_MAX_BYTES) + MULTIPART_OVERHEAD_BYTES


def request_too_large_message(limit):
    return _("上传内容过大：单次上传不得超过 %(limit)s。") % {
        "limit": format_size(max(limit - MULTIPART_OVERHEAD_BYTES, 0))
    }


def request_too_large(request, limit):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > limit
    except ValueError:
        return False


class UploadLimitHandler(FileUploadHandler):
    """First upload handler of a materials request: refuses a body over ``limit`` before it is read (from
    Content-Length) or as soon as the streamed file bytes pass it. Marks ``request.upload_too_large``."""

    def __init__(self, request=None, limit=None):
        super().__init__(request)
        self.limit = limit or (MaterialItem.DEFAULT_MAX_BYTES + MULTIPART_OVERHEAD_BYTES)
        self.received = 0

    def _mark(self):
        if self.request is not None:
            self.request.upload_too_large = True

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.received = 0
        if content_length and content_length > self.limit:
            self._mark()
            # "Handled": nothing parsed, nothing spooled to disk.
            return QueryDict(encoding=encoding), MultiValueDict()
        return None

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self._mark()
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


def install_upload_limit(request, limit):
    """Put UploadLimitHandler first, if the body has not been parsed yet. Returns whether it was installed."""
    if hasattr(request, "_files"):
        return False
    request.upload_handlers.insert(0, UploadLimitHandler(request, limit))
    return True


# ---------------------------------------------------------------------------------------------------------
# Services


def check_can_change(application, actor):
    if material_rules.can_change(actor, application):
        return
    if material_rules.is_owner(actor, application):
        raise Conflict(
            _("申报书当前状态为“%(status)s”，材料不能再上传或删除。") % {"status": application.get_status_display()}
        )
    raise PermissionDeniedError(_("没有权限修改该申报书的材料。"))


def resolve_item(application, reference):
    """A MaterialItem of the application's category, from its code or its id; DomainError otherwise."""
    reference = str(reference or "").strip()
    if not reference:
        raise DomainError(_("请选择材料项。"), field="item")
    items = MaterialItem.objects.filter(category_id=application.category_id)
    item = items.filter(code=reference).first()
    if item is None and reference.isdigit():
        item = items.filter(pk=int(reference)).first()
    if item is None:
        raise DomainError(_("材料项“%(item)s”不属于该申报类别。") % {"item": reference}, field="item")
    return item


def _delete_stored(names):
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # pragma: no cover - an orphan file is harmless; a missing one is fine
            pass


def attach_material(*, application, item, uploaded_file, actor, request=None) -> Material:
    """Store one file as a material of ``item``. A second file on a non-multiple item replaces the first."""
    if item.category_id != application.category_id:
        raise DomainError(_("材料项“%(item)s”不属于该申报类别。") % {"item": item.name}, field="item")
    check_can_change(application, actor)
    inspected = inspect_upload(uploaded_file, item)
    stored_name = None
    try:
        with transaction.atomic():
            locked = Application.objects.select_for_update().get(pk=application.pk)
            check_can_change(locked, actor)
            material = Material(
                application=locked,
                item=item,
                original_name=inspected.filename,
                content_type=inspected.content_type,
                size=inspected.size,
                sha256=inspected.sha256,
                uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            uploaded_file.seek(0)
            material.file.save(inspected.filename, uploaded_file, save=False)
            stored_name = material.file.name
            material.save()
            replaced = []
            if not item.multiple:
                for old in locked.materials.filter(item=item).exclude(pk=material.pk):
                    replaced.append({"id": old.pk, "filename": old.original_name, "sha256": old.sha256})
                    old_name = old.file.name
                    old.delete()
                    transaction.on_commit(lambda n=old_name: _delete_stored([n]))
            audit_record(
                action="material.replace" if replaced else "material.upload",
                actor=actor,
                obj=material,
                summary=_("上传材料：%(item)s · %(file)s") % {"item": item.name, "file": material.original_name},
                data={
                    "application": locked.pk,
                    "item": item.code,
                    "filename": material.original_name,
                    "content_type": material.content_type,
                    "size": material.size,
                    "sha256": material.sha256,
                    "replaced": replaced,
                },
                request=request,
            )
    except BaseException:
        if stored_name:
            _delete_stored([stored_name])
        raise
    return material


def delete_material(*, application, material, actor, request=None):
    if material.application_id != application.pk:
        raise DomainError(_("该材料不属于此申报书。"), field="material")
    check_can_change(application, actor)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        check_can_change(locked, actor)
        material = Material.objects.select_related("item").filter(pk=material.pk, application=locked).first()
        if material is None:
            return  # already gone (deleted by a colleague a moment ago): the outcome the user wanted
        name = material.file.name
        audit_record(
            action="material.delete",
            actor=actor,
            obj=material,
            summary=_("删除材料：%(item)s · %(file)s") % {"item": material.item.name, "file": material.original_name},
            data={
                "application": locked.pk,
                "item": material.item.code,
                "filename": material.original_name,
                "size": material.size,
                "sha256": material.sha256,
            },
            request=request,
        )
        material.delete()
        transaction.on_commit(lambda: _delete_stored([name]))


# ---------------------------------------------------------------------------------------------------------
# Selectors


def materials_missing(application) -> list[MaterialItem]:
    """Required checklist items of the application's category that have no file yet, in checklist order."""
    attached = Material.objects.filter(application=application).values("item_id")
    return list(
        MaterialItem.objects.filter(category_id=application.category_id, required=True).exclude(pk__in=attached)
    )


def material_rows(application):
    """The checklist for templates: every item of the category with its files (two queries)."""
    items = list(MaterialItem.objects.filter(category_id=application.category_id))
    by_item = {}
    for material in Material.objects.filter(application=application).order_by("uploaded_at", "id"):
        by_item.setdefault(material.item_id, []).append(material)
    rows = []
    for item in items:
        kinds = item.allowed_type_list
        files = by_item.get(item.pk, [])
        rows.append(
            {
                "item": item,
                "materials": files,
                "types_label": type_labels(kinds),
                "accept": accept_attribute(kinds),
                "max_size_label": format_size(item.max_size_bytes),
                "missing": item.required and not files,
            }
        )
    return rows


def material_api_url(material):
    return reverse("api:material_file", kwargs={"application_id": material.application_id, "material_id": material.pk})


def material_as_dict(material):
    """The API shape of a material (also for the application detail endpoint)."""
    return {
        "id": material.pk,
        "item": material.item_id,
        "item_code": material.item.code,
        "item_name": material.item.name,
        "filename": material.original_name,
        "content_type": material.content_type,
        "size": material.size,
        "sha256": material.sha256,
        "uploaded_at": material.uploaded_at,
        "download_url": material_api_url(material),
    }


def snapshot_materials(application):
    """The ``materials`` list of the snapshot, as docs/application-data.md has it."""
    return [
        {
            "item_code": m.item.code,
            "item_name": m.item.name,
            "filename": m.original_name,
            "content_type": m.content_type,
            "size": m.size,
            "sha256": m.sha256,
        }
        for m in Material.objects.filter(application=application).select_related("item")
    ]
