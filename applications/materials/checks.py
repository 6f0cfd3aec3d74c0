"""One upload against one checklist item: its name, size, type (from its content), the content checked to
the end (PDF objects, image decoding, OFD container), the virus scan, and the labels shown."""

import hashlib
import html
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
    pdf_active_content,
)
from applications.materials.images import MAX_IMAGE_PIXELS, image_problem
from applications.materials.ofd import ofd_problem
from applications.materials.scan import ScanUnavailable, scan
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


# Characters that make a filename look different from what it is.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def submitted_filename(uploaded_file):
    """The filename as the client sent it. Django's multipart parser silently drops control and invisible
    characters from ``uploaded_file.name``; the materials' upload handler (``limits.RawFilenameHandler``)
    keeps the name before that as ``raw_name``. Only its last path component counts, as in Django (a browser
    that sends ``C:\\Users\\…\\x.pdf`` means ``x.pdf``), and HTML character references are read as Django
    reads them (``&#8238;`` is U+202E)."""
    raw = getattr(uploaded_file, "raw_name", None)
    if raw is None:
        return uploaded_file.name
    return html.unescape(raw).rsplit("/")[-1].rsplit("\\")[-1]


def _code_point(ch):
    return f"U+{ord(ch):04X}"


def clean_filename(name):
    """The user's filename as a label, or DomainError. Separators, control, direction and invisible characters
    are refused, not silently removed, so that what the reviewer sees is what the enterprise chose."""
    name = (name or "").strip()
    if not name or name in {".", ".."}:
        raise DomainError(_("文件名为空，请重命名后再上传。"), field="file")
    if "/" in name or "\\" in name:
        raise DomainError(_("文件名不能包含路径分隔符（“/”或“\\”），请重命名后再上传。"), field="file")
    for ch in name:
        category = unicodedata.category(ch)
        if category == "Cc":
            raise DomainError(
                _("文件名含有控制字符（%(char)s），请重命名后再上传。") % {"char": _code_point(ch)}, field="file"
            )
        if ch in BIDI_CONTROLS:
            raise DomainError(
                _(
                    "文件名含有改变文字方向的控制字符（%(char)s），它能让文件名显示得与实际不同"
                    "（如把“.exe”显示成“.pdf”），请重命名后再上传。"
                )
                % {"char": _code_point(ch)},
                field="file",
            )
        if category in {"Cf", "Cs", "Zl", "Zp"}:
            raise DomainError(
                _("文件名含有零宽或不可见字符（%(char)s），请重命名后再上传。") % {"char": _code_point(ch)},
                field="file",
            )
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
    name = clean_filename(submitted_filename(uploaded_file))
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
    _check_content(uploaded_file, kind, item)
    try:
        found = scan(uploaded_file)
    except ScanUnavailable as exc:
        raise DomainError(_("暂时无法检查病毒，请稍后重试。"), field="file") from exc
    if found:
        raise DomainError(_("文件未通过病毒检查（发现“%(name)s”），不予接收。") % {"name": found}, field="file")
    uploaded_file.seek(0)
    return InspectedUpload(
        kind=kind,
        content_type=TYPES[kind][0],
        size=size,
        sha256=digest.hexdigest(),
        filename=filename_for_kind(name, kind),
    )


# ---------------------------------------------------------------------------------------------------------
# The content, to the end


def _pdf_finding_labels():
    return {
        "javascript": _("JavaScript 脚本"),
        "launch": _("启动程序或打开文件的动作（Launch）"),
        "xfa": _("XFA 动态表单"),
        "uri_on_open": _("打开文件或页面时自动访问网址的动作"),
        "submit_form": _("提交表单数据的动作（SubmitForm）"),
        "import_data": _("导入数据的动作（ImportData）"),
        "remote_goto": _("打开其他文件的链接（GoToR、GoToE）"),
        "embedded_file": _("嵌入的文件（附件）"),
        "rich_media": _("富媒体内容（RichMedia）"),
    }


def _file_of(uploaded_file):
    return uploaded_file.file if hasattr(uploaded_file, "file") else uploaded_file


def _check_content(uploaded_file, kind, item):
    uploaded_file.seek(0)
    try:
        if kind == "pdf":
            _check_pdf(uploaded_file)
        elif kind in ("jpeg", "png"):
            _check_image(_file_of(uploaded_file), kind)
        elif kind == "ofd":
            _check_ofd(_file_of(uploaded_file), item)
    finally:
        uploaded_file.seek(0)


def _check_pdf(uploaded_file):
    try:
        finding = pdf_active_content(uploaded_file)
    except PdfEncrypted as exc:
        if exc.open_password:
            message = _("PDF 文件设置了打开密码，无法查验，请上传未加密的文件。")
        else:
            message = _(
                "PDF 文件已加密（设置了权限密码，如禁止打印或复制），其内容无法完整查验，请取消加密后重新上传。"
            )
        raise DomainError(message, field="file") from exc
    except ValueError as exc:
        raise DomainError(_("PDF 文件已损坏，无法读取，请重新导出后上传。"), field="file") from exc
    if finding == "javascript" or finding == "launch":
        raise DomainError(
            _(
                "PDF 文件含有 JavaScript 脚本或自动执行的动作，出于安全原因不予接收，请另存为不含脚本的 PDF 后重新上传。"
            ),
            field="file",
        )
    if finding:
        raise DomainError(
            _("PDF 文件含有%(what)s，出于安全原因不予接收，请另存为不含这些内容的 PDF（如用“打印为 PDF”）后重新上传。")
            % {"what": _pdf_finding_labels()[finding]},
            field="file",
        )


def _check_image(fileobj, kind):
    problem = image_problem(fileobj, kind)
    if problem is None:
        return
    label = TYPES[kind][2]
    if problem.code == "too_many_pixels":
        megapixels = {"megapixels": MAX_IMAGE_PIXELS // 1_000_000}
        if problem.params:
            message = _(
                "图片尺寸过大（%(width)d×%(height)d 像素），不得超过 %(megapixels)d 百万像素，请缩小后再上传。"
            ) % {**problem.params, **megapixels}
        else:
            message = _("图片尺寸过大，不得超过 %(megapixels)d 百万像素，请缩小后再上传。") % megapixels
    elif problem.code == "trailing_markup":
        message = _("%(type)s 图片末尾附带了网页或脚本代码，出于安全原因不予接收，请重新导出图片后上传。") % {
            "type": label
        }
    else:
        message = _("%(type)s 图片已损坏或不完整，无法打开，请重新导出后上传。") % {"type": label}
    raise DomainError(message, field="file")


def _check_ofd(fileobj, item):
    problem = ofd_problem(fileobj, item.max_size_bytes)
    if problem is None:
        return
    params = problem.params
    if problem.code == "unsafe_name":
        message = _("OFD 文件内含不安全的路径“%(name)s”（含“..”、绝对路径或盘符），不予接收。") % params
    elif problem.code == "executable":
        message = _("OFD 文件内含可执行程序或脚本“%(name)s”，出于安全原因不予接收。") % params
    elif problem.code == "too_large":
        message = _("OFD 文件解压后为 %(size)s，超过“%(item)s”的上限 %(limit)s，不予接收。") % {
            "size": format_size(params["size"], rounding=ROUND_UP),
            "item": item.name,
            "limit": format_size(item.max_size_bytes),
        }
    elif problem.code == "ratio":
        message = _("OFD 文件的压缩比异常（%(ratio)d 倍），疑似压缩炸弹，不予接收。") % params
    elif problem.code == "structure":
        message = _("OFD 文件结构不完整（缺少有效的 OFD.xml 或其指向的文档），请重新导出后上传。")
    else:
        message = _("OFD 文件已损坏，无法读取，请重新导出后上传。")
    raise DomainError(message, field="file")
