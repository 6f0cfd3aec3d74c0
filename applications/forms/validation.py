"""The validation engine of the application forms: drafts, submissions and the page's POST.

Drafts may be incomplete or even wrong: ``validate(..., for_submission=False)`` reports format errors but
keeps what was typed; only ``for_submission=True`` also demands every required field. Messages are Chinese
and name the field by its label (resolved for the call's year, see ``definitions.resolve``).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from applications.forms.definitions import FormDefinition, Group, Matrix, Table

MAX_ROWS = 200
MONEY_MAX = Decimal("999999999999.99")
TWO_PLACES = Decimal("0.01")


class StructureError(ValueError):
    """The data is not of the form's shape at all (not an object, unknown keys): nothing may be saved."""

    def __init__(self, errors):
        super().__init__(errors[0]["message"])
        self.errors = errors


# ---------------------------------------------------------------------------------------------- validation


def _blank(value):
    return value is None or (isinstance(value, str) and value.strip() == "")


def parse_money(value) -> Decimal:
    """'120,000.5' -> Decimal('120000.50'); raises ValueError for anything that is not a non-negative amount."""
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError("float")
    text = str(value).strip().replace(",", "").replace("，", "").replace(" ", "")
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        raise ValueError("format")
    amount = Decimal(text)
    if amount < 0:
        raise ValueError("negative")
    if amount != amount.quantize(TWO_PLACES):
        raise ValueError("places")
    if amount > MONEY_MAX:
        raise ValueError("too_large")
    return amount.quantize(TWO_PLACES)


def parse_number(value) -> Decimal:
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError("float")
    text = str(value).strip().replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError("format") from exc
    if not number.is_finite() or number < 0 or abs(number) > MONEY_MAX:
        raise ValueError("range")
    return number


def parse_date(value) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise ValueError("format") from exc


class _Later:
    """Where a cell is, worded only if a message needs it: a table of 100 cells is validated on every autosave and
    nearly all of them are fine (the wording costs a translation and the labels' year text each)."""

    __slots__ = ("msgid", "values")

    def __init__(self, msgid, **values):
        self.msgid, self.values = msgid, values

    def __str__(self):
        return str(self.msgid) % self.values


class _Validator:
    def __init__(self, definition, *, period, years, for_submission):
        self.definition = definition
        self.period = period
        self.years = years
        self.for_submission = for_submission
        self.errors = []

    def error(self, path, message):
        self.errors.append({"field": path, "message": str(message)})

    def value(self, fld, raw, path, where):
        """Normalise one value. Invalid input is kept as typed (a draft keeps it) and reported."""
        if _blank(raw):
            if fld.required and self.for_submission:
                self.error(path, _("请填写%(where)s。") % {"where": where})
            return "" if fld.kind not in {"bool"} else None
        kind = fld.kind
        if kind in {"text", "textarea"}:
            if not isinstance(raw, str):
                self.error(path, _("%(where)s应为文字。") % {"where": where})
                return str(raw)
            text = raw.strip() if kind == "text" else raw
            if len(text) > fld.max_len:
                self.error(
                    path,
                    _("%(where)s最多 %(limit)s 个字，现为 %(n)s 个字。")
                    % {"where": where, "limit": fld.max_len, "n": len(text)},
                )
            return text
        if kind == "money":
            try:
                return str(parse_money(raw))
            except ValueError as exc:
                reason = str(exc)
                if reason == "negative":
                    msg = _("%(where)s不能为负数。")
                elif reason == "places":
                    msg = _("%(where)s最多保留两位小数（精确到分）。")
                elif reason == "too_large":
                    msg = _("%(where)s超出上限（不超过 999999999999.99 元）。")
                else:
                    msg = _("%(where)s应为金额数字（元），例如 120000.00。")
                self.error(path, msg % {"where": where})
                return raw if isinstance(raw, str) else str(raw)
        if kind == "number":
            try:
                number = parse_number(raw)
                return format(number.normalize(), "f") if number == number.to_integral() else str(number)
            except ValueError:
                self.error(path, _("%(where)s应为不小于 0 的数字。") % {"where": where})
                return raw if isinstance(raw, str) else str(raw)
        if kind == "date":
            try:
                return parse_date(raw).isoformat()
            except ValueError:
                self.error(path, _("%(where)s日期格式应为 YYYY-MM-DD，例如 2018-03-01。") % {"where": where})
                return str(raw)
        if kind == "choice":
            allowed = [c for c, _label in fld.choices]
            if raw not in allowed:
                labels = "、".join(str(label) for _c, label in fld.choices)
                self.error(path, _("%(where)s应为以下之一：%(labels)s。") % {"where": where, "labels": labels})
            return raw if isinstance(raw, str) else str(raw)
        if kind == "bool":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in {"true", "1", "on", "yes", "是"}:
                return True
            if text in {"false", "0", "off", "no", "否"}:
                return False
            self.error(path, _("%(where)s应为“是”或“否”。") % {"where": where})
            return None
        if kind == "year":
            try:
                year = int(str(raw).strip())
            except ValueError:
                self.error(path, _("%(where)s应为年份，例如 2018。") % {"where": where})
                return raw
            if self.years and year not in self.years:
                self.error(
                    path,
                    _("%(where)s只能是 %(years)s 年。") % {"where": where, "years": "、".join(map(str, self.years))},
                )
            return year
        raise AssertionError(kind)

    def table(self, tbl, raw):
        if raw in (None, ""):
            raw = []
        if not isinstance(raw, list):
            raise StructureError([{"field": tbl.key, "message": str(_("「%(t)s」应为列表。") % {"t": tbl.label})}])
        if len(raw) > MAX_ROWS:
            raise StructureError(
                [{"field": tbl.key, "message": str(_("「%(t)s」最多 %(n)s 行。") % {"t": tbl.label, "n": MAX_ROWS})}]
            )
        keys = {c.key for c in tbl.columns}
        rows = []
        for index, row in enumerate(raw):
            if not isinstance(row, dict):
                raise StructureError(
                    [
                        {
                            "field": f"{tbl.key}.{index}",
                            "message": str(_("「%(t)s」的每一行应为对象。") % {"t": tbl.label}),
                        }
                    ]
                )
            extra = sorted(set(row) - keys)
            if extra:
                raise StructureError(
                    [
                        {
                            "field": f"{tbl.key}.{index}.{extra[0]}",
                            "message": str(_("「%(t)s」没有“%(k)s”这一栏。") % {"t": tbl.label, "k": extra[0]}),
                        }
                    ]
                )
            clean = {}
            for col in tbl.columns:
                where = _Later(_("「%(t)s」第 %(n)s 行的“%(c)s”"), t=tbl.label, n=index + 1, c=col.label)
                clean[col.key] = self.value(col, row.get(col.key), f"{tbl.key}.{index}.{col.key}", where)
            rows.append(clean)
        # Rules across rows: uniqueness, the investment period, the minimum number of rows.
        for key in tbl.unique:
            seen = {}
            col = tbl.column(key)
            for index, row in enumerate(rows):
                value = row.get(key)
                if _blank(value):
                    continue
                norm = str(value).strip().upper() if isinstance(value, str) else value
                if norm in seen:
                    self.error(
                        f"{tbl.key}.{index}.{key}",
                        _("「%(t)s」第 %(n)s 行的“%(c)s”%(v)s 与第 %(m)s 行重复。")
                        % {"t": tbl.label, "n": index + 1, "c": col.label, "v": value, "m": seen[norm] + 1},
                    )
                else:
                    seen[norm] = index
        if tbl.period_column and self.period:
            start, end = self.period
            for index, row in enumerate(rows):
                try:
                    day = parse_date(row.get(tbl.period_column))
                except ValueError:
                    continue
                if not start <= day <= end:
                    self.error(
                        f"{tbl.key}.{index}.{tbl.period_column}",
                        _("「%(t)s」第 %(n)s 行的日期 %(d)s 不在本批次投入统计期（%(s)s 至 %(e)s）内，不计入投入总额。")
                        % {"t": tbl.label, "n": index + 1, "d": day.isoformat(), "s": start, "e": end},
                    )
        if self.for_submission and len(rows) < tbl.min_rows:
            self.error(tbl.key, _("「%(t)s」至少填写 %(n)s 行。") % {"t": tbl.label, "n": tbl.min_rows})
        return rows

    def group(self, grp, raw):
        if raw in (None, ""):
            raw = {}
        if not isinstance(raw, dict):
            raise StructureError([{"field": grp.key, "message": str(_("「%(t)s」应为对象。") % {"t": grp.label})}])
        extra = sorted(set(raw) - {f.key for f in grp.fields})
        if extra:
            raise StructureError(
                [
                    {
                        "field": f"{grp.key}.{extra[0]}",
                        "message": str(_("「%(t)s」没有“%(k)s”这一项。") % {"t": grp.label, "k": extra[0]}),
                    }
                ]
            )
        return {
            f.key: self.value(f, raw.get(f.key), f"{grp.key}.{f.key}", _("“%(c)s”") % {"c": f.label})
            for f in grp.fields
        }

    def matrix(self, mtx, raw):
        if raw in (None, ""):
            raw = {}
        if not isinstance(raw, dict):
            raise StructureError([{"field": mtx.key, "message": str(_("「%(t)s」应为对象。") % {"t": mtx.label})}])
        codes = [r[0] for r in mtx.rows]
        extra = sorted(set(raw) - set(codes))
        if extra:
            raise StructureError(
                [
                    {
                        "field": f"{mtx.key}.{extra[0]}",
                        "message": str(_("「%(t)s」没有“%(k)s”这一行。") % {"t": mtx.label, "k": extra[0]}),
                    }
                ]
            )
        out = {}
        col_keys = {c.key for c in mtx.columns}
        for code, label, unit, _target, _direction in mtx.rows:
            row = raw.get(code) or {}
            if not isinstance(row, dict) or set(row) - col_keys:
                raise StructureError(
                    [
                        {
                            "field": f"{mtx.key}.{code}",
                            "message": str(_("「%(t)s」“%(r)s”一行的格式不对。") % {"t": mtx.label, "r": label}),
                        }
                    ]
                )
            clean = {}
            for col in mtx.columns:
                where = _Later(_("「%(t)s」“%(r)s”的“%(c)s”"), t=mtx.label, r=label, c=col.label)
                clean[col.key] = self.value(col, row.get(col.key), f"{mtx.key}.{code}.{col.key}", where)
            if not clean.get("unit"):
                clean["unit"] = unit
            out[code] = clean
        return out

    def run(self, data):
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise StructureError([{"field": "data", "message": str(_("申报书内容应为对象。"))}])
        items = self.definition.items
        extra = sorted(set(data) - {i.key for i in items})
        if extra:
            raise StructureError(
                [{"field": extra[0], "message": str(_("申报书中没有“%(k)s”这一项。") % {"k": extra[0]})}]
            )
        clean = {}
        for item in items:
            raw = data.get(item.key)
            if isinstance(item, Table):
                clean[item.key] = self.table(item, raw)
            elif isinstance(item, Group):
                clean[item.key] = self.group(item, raw)
            elif isinstance(item, Matrix):
                clean[item.key] = self.matrix(item, raw)
            else:
                clean[item.key] = self.value(item, raw, item.key, _("“%(c)s”") % {"c": item.label})
        return clean


def validate(definition: FormDefinition, data, *, call=None, for_submission: bool = False) -> tuple[dict, list[dict]]:
    """Return (normalised data, errors). Raises StructureError if the data is not of the form's shape."""
    period = (call.investment_period_start, call.investment_period_end) if call is not None else None
    years = (call.year - 1, call.year) if call is not None else ()
    validator = _Validator(definition, period=period, years=years, for_submission=for_submission)
    clean = validator.run(data)
    return clean, validator.errors


def empty_data(definition: FormDefinition, *, call=None) -> dict:
    """A new draft: blank values, and the fixed-year rows (sales per year) already there."""
    data, _errors = validate(definition, {}, call=call)
    for item in definition.items:
        if isinstance(item, Table) and item.fixed_years and call is not None:
            data[item.key] = [
                {c.key: (year if c.key == "year" else "") for c in item.columns} for year in (call.year - 1, call.year)
            ]
    return data


# ------------------------------------------------------------------------------------------ the page's POST


def _row_blank(row, table):
    return all(_blank(row.get(c.key)) for c in table.columns if not c.readonly)


def parse_post(definition: FormDefinition, post) -> dict:
    """The page's fields, named like the JSON paths (``investments.0.amount_yuan``), back into form data."""
    data = {}
    for item in definition.items:
        if isinstance(item, Table):
            rows = {}
            prefix = f"{item.key}."
            for name in post:
                if not name.startswith(prefix):
                    continue
                parts = name[len(prefix) :].split(".")
                if len(parts) != 2 or not parts[0].isdigit():
                    continue
                index, col = int(parts[0]), parts[1]
                if col in {c.key for c in item.columns}:
                    rows.setdefault(index, {})[col] = post.get(name)
            ordered = [rows[i] for i in sorted(rows)]
            data[item.key] = [r for r in ordered if item.fixed_years or not _row_blank(r, item)]
        elif isinstance(item, Group):
            data[item.key] = {f.key: post.get(f"{item.key}.{f.key}", "") for f in item.fields}
        elif isinstance(item, Matrix):
            data[item.key] = {
                code: {c.key: post.get(f"{item.key}.{code}.{c.key}", "") for c in item.columns}
                for code, *_rest in item.rows
            }
        elif item.kind == "bool":
            value = post.get(item.key, "")
            data[item.key] = value
        else:
            data[item.key] = post.get(item.key, "")
    return data


def quantize(amount) -> Decimal:
    return Decimal(amount).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
