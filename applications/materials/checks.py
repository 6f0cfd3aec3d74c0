"""One upload against one checklist item: its name, size, type (from its content) and the labels shown."""

import hashlib
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_UP

from django.utils.translation import gettext as _

from applications.materials.detection import (
    CHUNK_SIZE,
    MAX_FILENAME_CHARS,
    TYPES,
    PdfEncrypted,
    detect_type,
    pdf_has_active_content,
)
from core.errors import DomainError
from core.formatting import file_size as format_size  # one size formatter (core.formatting)

# ---------------------------------------------------------------------------------------------------------
# Labels


def type_labels(kinds):
    return _("、").join(TYPES[k][2] for k in kinds if k in TYPES)  # "PDF、JPEG" / "PDF, JPEG"


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
