"""A forwarding batch's documents: the recommendation summary sheet (推荐汇总表) as xlsx and PDF, the cover letter
(上报文件, PDF, on the unit's letterhead with its 文号 and date) and the manifest's body.

Input is plain data taken from the frozen snapshots by reviews/batches.py (`Entry`, `Letter`), never the live
applications, and nothing here touches the database. The documents are official papers and are written in
Chinese whatever the requester's language. Figures are the snapshots' `derived` values written by
core.formatting; the PDFs use the project's derived CJK font (applications.pdf.print_css_context, docs/pdf.md).

Each PDF is laid out once by WeasyPrint; from that layout we read where the two bureaus' stamps go (the boxes
with the ids `seal-industry` and `seal-finance`), so that reviews.seals.seal_pdf puts each picture on its box
whatever the number of pages — `seal_spots` in millimetres from the page's lower left corner.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.pdf import print_css_context
from core import formatting
from reviews.seals.crypto import sm3_hex

MANIFEST_SCHEMA = "shenbao.batch-manifest.v1"
PX_TO_MM = 25.4 / 96  # WeasyPrint lays out in CSS pixels
SEAL_BOXES = {"industry": "seal-industry", "finance": "seal-finance"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The summary sheet's columns, the same in the xlsx and the PDF.
SUMMARY_COLUMNS = (
    gettext_lazy("序号"),
    gettext_lazy("县（市、区）"),
    gettext_lazy("受理编号"),
    gettext_lazy("企业名称"),
    gettext_lazy("统一社会信用代码"),
    gettext_lazy("申报类别"),
    gettext_lazy("项目投资额（元）"),
    gettext_lazy("研发投入（元）"),
    gettext_lazy("工信部门意见"),
    gettext_lazy("财政部门意见"),
)
XLSX_WIDTHS = (6, 12, 24, 36, 22, 18, 16, 16, 18, 18)


@dataclass(frozen=True)
class Entry:
    """One recommended application as its frozen snapshot has it."""

    position: int
    application_id: int
    receipt_no: str
    enterprise: str
    uscc: str
    category_code: str
    category_name: str
    investment_yuan: str | None  # demonstration: the investment inside the period (derived)
    rd_yuan: str | None  # new product: the R&D investment (derived)
    industry_opinion: str
    finance_opinion: str
    snapshot_version: int
    snapshot_sha256: str

    def cells(self, unit: str) -> list:
        return [
            self.position,
            unit,
            self.receipt_no,
            self.enterprise,
            self.uscc,
            self.category_name,
            self.investment_yuan,
            self.rd_yuan,
            self.industry_opinion,
            self.finance_opinion,
        ]


@dataclass(frozen=True)
class Letter:
    """What the letterhead, the 文号 line and the closing say."""

    number: str
    date: dt.date
    unit: str  # the county-level unit (邗江区)
    industry_bureau: str
    finance_bureau: str
    recipient: str  # the city's industry bureau
    call_title: str
    category_counts: list[tuple[str, int]] = field(default_factory=list)


@dataclass(frozen=True)
class Rendered:
    data: bytes
    media_type: str
    seal_spots: dict

    @property
    def sm3(self) -> str:
        return sm3_hex(self.data)


def chinese_date(day: dt.date) -> str:
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


def opinion_text(decision_label: str, comment: str) -> str:
    """ "通过" or "通过：comment" (a bureau may remark on its approval)."""
    comment = (comment or "").strip()
    return f"{decision_label}：{comment}" if comment else str(decision_label)


# ------------------------------------------------------------------------------------------------- xlsx


def summary_xlsx(letter: Letter, entries: list[Entry]) -> Rendered:
    """The summary sheet as a workbook: a title row, the sender and number, the header, one row each."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    with translation.override(settings.LANGUAGE_CODE):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("推荐汇总表")
        last = get_column_letter(len(SUMMARY_COLUMNS))
        sheet.append([summary_title(letter)])
        sheet.merge_cells(f"A1:{last}1")
        sheet["A1"].font = Font(bold=True, size=14)
        sheet["A1"].alignment = Alignment(horizontal="center")
        sheet.append([sender_line(letter)])
        sheet.merge_cells(f"A2:{last}2")
        sheet.append([str(c) for c in SUMMARY_COLUMNS])
        for cell in sheet[3]:
            cell.font = Font(bold=True)
        for entry in entries:
            row = entry.cells(letter.unit)
            row[6], row[7] = formatting.to_decimal(row[6]), formatting.to_decimal(row[7])  # numbers, not text
            sheet.append(row)
        for row in sheet.iter_rows(min_row=4, min_col=7, max_col=8):
            for cell in row:
                cell.number_format = "#,##0.00"
        for index, width in enumerate(XLSX_WIDTHS, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A4"
        out = io.BytesIO()
        workbook.save(out)
    return Rendered(out.getvalue(), XLSX_TYPE, {})


def summary_title(letter: Letter) -> str:
    return _("%(call)s推荐汇总表") % {"call": letter.call_title}


def sender_line(letter: Letter) -> str:
    return _("报送单位：%(industry)s、%(finance)s　文号：%(number)s　日期：%(date)s") % {
        "industry": letter.industry_bureau,
        "finance": letter.finance_bureau,
        "number": letter.number,
        "date": chinese_date(letter.date),
    }


# ------------------------------------------------------------------------------------------------- PDF


def summary_pdf(letter: Letter, entries: list[Entry]) -> Rendered:
    with translation.override(settings.LANGUAGE_CODE):
        rows = [
            {
                "cells": entry.cells(letter.unit),
                "investment": formatting.money(entry.investment_yuan, unit=""),
                "rd": formatting.money(entry.rd_yuan, unit=""),
            }
            for entry in entries
        ]
        html = render_to_string(
            "reviews/summary_pdf.html",
            {
                "letter": letter,
                "title": summary_title(letter),
                "sender": sender_line(letter),
                "columns": SUMMARY_COLUMNS,
                "rows": rows,
                "count": len(entries),
                "date": chinese_date(letter.date),
                **print_css_context(letter.number),
            },
        )
    return _pdf(html)


def letter_pdf(letter: Letter) -> Rendered:
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "reviews/letter_pdf.html",
            {
                "letter": letter,
                "total": sum(count for _name, count in letter.category_counts),
                "date": chinese_date(letter.date),
                **print_css_context(letter.number),
            },
        )
    return _pdf(html)


def _pdf(html: str) -> Rendered:
    from weasyprint import HTML

    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render()
    spots = {}
    for index, page in enumerate(document.pages):
        for bureau, anchor in SEAL_BOXES.items():
            if anchor in page.anchors:
                x1, y1, x2, y2 = page.anchors[anchor]
                spots[bureau] = {
                    "page": index,
                    "at": [round((x1 + x2) / 2 * PX_TO_MM, 2), round((page.height - (y1 + y2) / 2) * PX_TO_MM, 2)],
                }
    return Rendered(document.write_pdf(), "application/pdf", spots)


# ------------------------------------------------------------------------------------------------- manifest


def manifest_body(*, batch: dict, entries: list[Entry], documents: list[dict]) -> dict:
    """What the seals sign besides the documents: which versions went to the city, and the files' digests.

    Plain JSON (no floats), written canonically by reviews.seals (sorted keys, no spaces, UTF-8).
    """
    return {
        "schema": MANIFEST_SCHEMA,
        "batch": batch,
        "applications": [
            {
                "position": e.position,
                "application_id": e.application_id,
                "receipt_no": e.receipt_no,
                "enterprise": e.enterprise,
                "uscc": e.uscc,
                "category": e.category_code,
                "snapshot_version": e.snapshot_version,
                "snapshot_sha256": e.snapshot_sha256,
            }
            for e in entries
        ],
        "documents": documents,
        "digests": {"documents": "SM3", "snapshots": "SHA-256"},
    }
