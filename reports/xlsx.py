"""Streaming spreadsheets: openpyxl's write-only workbook, one row at a time, saved to a temporary file.

Columns have a kind: text, money (a Decimal written as a number with a number format, never a float), int,
datetime (shown in Asia/Shanghai; spreadsheets have no time zones) and date. Text that a spreadsheet would
evaluate — starting with = + - @, a tab or a carriage return (OWASP's list for formula/CSV injection) — is
written as an explicit string cell with the quote prefix, so neither Excel nor LibreOffice ever runs it and
the text itself is kept as it was (no apostrophe added to the data).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext

from programmes.models import SHANGHAI

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = "#,##0.00"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
TEXT, MONEY, INT, DATETIME, DATE, DECIMAL = "text", "money", "int", "datetime", "date", "decimal"
# Characters XML 1.0 (so xlsx) cannot hold; openpyxl refuses them.
_ILLEGAL = {c: None for c in (*range(0, 9), 11, 12, *range(14, 32))}


@dataclass(frozen=True)
class Column:
    header: str  # a msgid, translated when written
    kind: str = TEXT
    width: int = 16


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES)


def local(value: dt.datetime) -> dt.datetime:
    """The Shanghai wall-clock time, naive (what a spreadsheet can store)."""
    if timezone.is_aware(value):
        value = value.astimezone(SHANGHAI)
    return value.replace(tzinfo=None)


class Sheet:
    def __init__(self, book, title: str, columns: list[Column]):
        from openpyxl.utils import get_column_letter

        self.columns = columns
        self.sheet = book.create_sheet(title[:31])
        for index, column in enumerate(columns, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = column.width
        self.sheet.freeze_panes = "A2"
        self.sheet.append([gettext(c.header) for c in columns])
        self.rows = 0
        self._cells = {}

    def _styled(self, index: int, number_format: str | None = None, *, text=False):
        """One styled cell per column, refilled for each row: the write-only sheet writes a row's cells as they
        are appended, and building 30,000 styled cells costs more than the rest of the sheet."""
        from openpyxl.cell import WriteOnlyCell

        key = (index, text)
        cell = self._cells.get(key)
        if cell is None:
            cell = self._cells[key] = WriteOnlyCell(self.sheet)
            if number_format:
                cell.number_format = number_format
            if text:
                cell.quotePrefix = True  # the spreadsheet keeps it text when the cell is edited
        return cell

    def _cell(self, index: int, column: Column, value):
        if value is None or value == "":
            return None
        kind = column.kind
        if kind in (MONEY, DECIMAL):
            cell = self._styled(index, MONEY_FORMAT if kind == MONEY else "0.00")
            cell.value = value if isinstance(value, Decimal) else Decimal(str(value))
            return cell
        if kind == INT:
            return int(value)
        if kind in (DATETIME, DATE):
            cell = self._styled(index, DATETIME_FORMAT if kind == DATETIME else DATE_FORMAT)
            cell.value = local(value) if kind == DATETIME else value
            return cell
        text = str(value).translate(_ILLEGAL)
        if not is_formula_like(text):
            return text
        cell = self._styled(index, text=True)
        cell.value = text
        cell.data_type = "s"  # openpyxl would otherwise write "=…" as a formula
        return cell

    def append(self, values: Iterable) -> None:
        self.sheet.append([self._cell(i, c, v) for i, (c, v) in enumerate(zip(self.columns, values, strict=True))])
        self.rows += 1


def write_workbook(title: str, columns: list[Column], rows: Iterable[Iterable]):
    """(temporary file positioned at 0, number of rows). The caller streams and closes the file."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = Sheet(book, title, columns)
    for row in rows:
        sheet.append(row)
    out = tempfile.TemporaryFile()
    book.save(out)
    out.seek(0)
    return out, sheet.rows
