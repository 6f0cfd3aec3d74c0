"""The expert pool as a spreadsheet: the import template, the export, and reading an import (ORM-free).

Columns are Chinese headers in a fixed order; the import reads them by header, so a reordered sheet still
works. Text cells that a spreadsheet would run as a formula (starting with = + - @) are written with a
leading apostrophe (OWASP's advice against formula injection) and read back without it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

# (key, header msgid)
COLUMNS = (
    ("username", gettext_noop("登录名")),
    ("display_name", gettext_noop("姓名")),
    ("mobile", gettext_noop("手机号码")),
    ("field", gettext_noop("专业领域")),
    ("employer_name", gettext_noop("工作单位")),
    ("employer_credit_code", gettext_noop("工作单位统一社会信用代码")),
    ("region", gettext_noop("所在县区")),
    ("title", gettext_noop("职称")),
    ("contact", gettext_noop("联系方式")),
    ("active", gettext_noop("在库")),
)
MAX_ROWS = 2000
_FORMULA = ("=", "+", "-", "@")


def safe_text(value) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def _workbook(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("专家库"))
    sheet.append([_(header) for _key, header in COLUMNS])  # Chinese headers, whatever the worker's language
    for row in rows:
        sheet.append([safe_text(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_bytes() -> bytes:
    return _workbook(
        [["zhang_san", "张三", "13800000000", "信息技术与软件", "扬州大学", "", "广陵区", "教授", "", "是"]]
    )


def export_bytes(rows: list[dict]) -> bytes:
    """`rows`: one dict per expert with the COLUMNS' keys (labels already resolved by the caller)."""
    return _workbook([[row.get(key, "") for key, _header in COLUMNS] for row in rows])


@dataclass
class Sheet:
    rows: list[tuple[int, dict]]  # (spreadsheet row number, {key: text})
    problems: list[dict]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a mobile typed as a number
    text = str(value).strip()
    return text[1:] if text.startswith("'") and text[1:2] in _FORMULA else text


def read(content: bytes) -> Sheet:
    """The rows of an uploaded sheet by header; an unreadable file or missing columns are problems."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a file that is not a workbook
        return Sheet([], [{"field": "file", "message": _("无法读取该文件，请上传由模板填写的 .xlsx 文件。")}])
    sheet = book.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    header = [_text(v) for v in next(lines, ())]
    by_header = {_(h): key for key, h in COLUMNS} | {h: key for key, h in COLUMNS}
    index = {by_header[h]: i for i, h in enumerate(header) if h in by_header}
    missing = [
        _(h) for key, h in COLUMNS if key not in index and key in ("username", "display_name", "field", "employer_name")
    ]
    if missing:
        return Sheet([], [{"field": "file", "message": _("表头缺少：%(cols)s。") % {"cols": "、".join(missing)}}])
    rows, problems = [], []
    for number, values in enumerate(lines, start=2):
        cells = {key: _text(values[i]) if i < len(values) else "" for key, i in index.items()}
        if not any(cells.values()):
            continue
        rows.append((number, cells))
        if len(rows) > MAX_ROWS:
            problems.append({"field": "file", "message": _("一次最多导入 %(n)s 位专家。") % {"n": MAX_ROWS}})
            break
    book.close()
    return Sheet(rows, problems)
