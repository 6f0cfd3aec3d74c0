"""What changed between two submitted versions of an application: field by field, and which files.

Pure: it reads two snapshot dicts (docs/application-data.md) and the application's form definition, never the
database. Form fields are named by their labels in the definition (a table row by its number, rows matched on
the table's unique columns, e.g. the invoice number, so that deleting one row does not show every later row as
changed); the derived figures, the profile frozen at submission, and the materials per checklist item by
SHA-256 (added / removed / replaced).

Each field row: {"section", "path", "label", "before", "after", "before_text", "after_text"} — `before`/`after`
are the JSON values as submitted, the `_text`s what a person reads (choice labels, 是/否, money).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.forms import Field, Group, Matrix, Table, snapshot_form
from applications.pdf import ENTERPRISE_FIELDS, ENTERPRISE_HIDDEN, ENTERPRISE_MONEY, SIZE_CLASSES, text_value
from core import formatting
from programmes.vocabulary import AREAS, COMPARISON_ROWS

FORM, FIGURES, PROFILE = "form", "figures", "profile"
ADDED, REMOVED, REPLACED = "added", "removed", "replaced"
SEPARATOR = " · "

# The derived figures a reviewer reads (the rest of `derived` is bookkeeping for the PDF): key, label, kind.
FIGURES_SHOWN = (
    ("investment_total_yuan", gettext_lazy("统计期内投入合计"), "money"),
    ("investments_outside_period", gettext_lazy("统计期外（不计入）"), "count"),
    ("investments_outside_period_yuan", gettext_lazy("统计期外金额"), "money"),
    ("management_software_kinds", gettext_lazy("关键生产管理软件"), "list"),
    ("control_projects", gettext_lazy("生产管控项目"), "count"),
    ("online_sales_share", gettext_lazy("线上交易额占比"), "share"),
    ("rd_investment_total_yuan", gettext_lazy("研发投入合计"), "money"),
    ("patents", gettext_lazy("专利"), "count"),
    ("ip_owned", gettext_lazy("知识产权权属"), "bool"),
)
FIGURE_LABELS = {key: label for key, label, _kind in FIGURES_SHOWN}


def diff_snapshots(before: dict, after: dict, *, definition) -> dict:
    """{"from", "to", "fields": [...], "materials": [...]} between two snapshot dicts of one application."""
    return {
        "from": before.get("version"),
        "to": after.get("version"),
        "fields": [
            *form_changes(snapshot_form(before), snapshot_form(after), definition=definition),
            *figure_changes(before.get("derived") or {}, after.get("derived") or {}),
            *profile_changes(before.get("enterprise") or {}, after.get("enterprise") or {}),
        ],
        "materials": material_changes(before.get("materials") or [], after.get("materials") or []),
    }


# Values ------------------------------------------------------------------------------------------------------


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _same(a, b) -> bool:
    return (_empty(a) and _empty(b)) or a == b


def _field_text(fld, value) -> str:
    if _empty(value):
        return ""
    if fld.kind == "choice":
        return str(dict(fld.choices).get(value, value))
    if fld.kind == "bool":
        return _("是") if value else _("否")
    if fld.kind == "money":
        return formatting.money(value)
    return str(value)


def _row(section, path, label, before, after, before_text, after_text) -> dict:
    return {
        "section": section,
        "path": path,
        "label": str(label),
        "before": None if _empty(before) else before,
        "after": None if _empty(after) else after,
        "before_text": before_text,
        "after_text": after_text,
    }


def _field_row(fld, path, label, before, after):
    return _row(FORM, path, label, before, after, _field_text(fld, before), _field_text(fld, after))


# The form ----------------------------------------------------------------------------------------------------


def form_changes(before: dict, after: dict, *, definition) -> list[dict]:
    rows = []
    for item in definition.items:
        if isinstance(item, Table):
            rows += _table_changes(item, before.get(item.key) or [], after.get(item.key) or [])
        elif isinstance(item, Group):
            rows += _cells_changes(item.key, item.label, item.fields, before.get(item.key), after.get(item.key))
        elif isinstance(item, Matrix):
            rows += _matrix_changes(item, before.get(item.key) or {}, after.get(item.key) or {})
        elif isinstance(item, Field):
            old, new = before.get(item.key), after.get(item.key)
            if not _same(old, new):
                rows.append(_field_row(item, item.key, item.label, old, new))
    return rows


def _cells_changes(prefix, heading, fields, before, after) -> list[dict]:
    before, after = before or {}, after or {}
    return [
        _field_row(f, f"{prefix}.{f.key}", f"{heading}{SEPARATOR}{f.label}", before.get(f.key), after.get(f.key))
        for f in fields
        if not _same(before.get(f.key), after.get(f.key))
    ]


def _matrix_changes(matrix, before, after) -> list[dict]:
    rows = []
    for code, label, *_rest in matrix.rows:
        rows += _cells_changes(
            f"{matrix.key}.{code}",
            f"{matrix.label}{SEPARATOR}{label}",
            matrix.columns,
            before.get(code),
            after.get(code),
        )
    return rows


def pair_rows(table, before: list, after: list) -> list[tuple[int | None, int | None]]:
    """(before index, after index) pairs: rows with the same unique key first (the invoice number…), then the
    rest in order; a row only on one side is added or removed."""

    def key(row):
        values = tuple(str((row or {}).get(k) or "").strip() for k in table.unique)
        return values if table.unique and all(values) else None

    by_key = {}
    for index, row in enumerate(before):
        if key(row) is not None:
            by_key.setdefault(key(row), index)
    pairs, used_before, unmatched_after = [], set(), []
    for index, row in enumerate(after):
        match = by_key.get(key(row)) if key(row) is not None else None
        if match is not None and match not in used_before:
            used_before.add(match)
            pairs.append((match, index))
        else:
            unmatched_after.append(index)
    unmatched_before = [i for i in range(len(before)) if i not in used_before]
    for position, index in enumerate(unmatched_after):
        pairs.append((unmatched_before[position] if position < len(unmatched_before) else None, index))
    pairs += [(i, None) for i in unmatched_before[len(unmatched_after) :]]
    return sorted(pairs, key=lambda p: (p[1] if p[1] is not None else p[0], p[1] is None))


def _table_changes(table, before, after) -> list[dict]:
    rows = []
    for old_index, new_index in pair_rows(table, before, after):
        old = before[old_index] if old_index is not None else {}
        new = after[new_index] if new_index is not None else {}
        index = new_index if new_index is not None else old_index
        heading = _("%(table)s第 %(n)s 行") % {"table": table.label, "n": index + 1}
        rows += _cells_changes(f"{table.key}.{index}", heading, table.columns, old, new)
    return rows


# Derived figures and the profile ----------------------------------------------------------------------------


def _figure_text(kind, value) -> str:
    if _empty(value):
        return ""
    if kind == "money":
        return formatting.money(value)
    if kind == "share":
        return formatting.share(value)
    if kind == "bool":
        return _("是") if value else _("否")
    if kind == "list":
        return "、".join(str(v) for v in value)
    return str(value)


def figure_changes(before: dict, after: dict) -> list[dict]:
    rows = []
    for key, label, kind in FIGURES_SHOWN:
        old, new = before.get(key), after.get(key)
        if not _same(old, new):
            rows.append(
                _row(FIGURES, f"derived.{key}", label, old, new, _figure_text(kind, old), _figure_text(kind, new))
            )
    total = FIGURE_LABELS["investment_total_yuan"]
    nested = (
        ("investment_by_area_yuan", lambda code: AREAS.label(code)),
        ("investment_by_year_yuan", lambda year: _("%(year)s年") % {"year": year}),
    )
    for key, name in nested:
        old, new = before.get(key) or {}, after.get(key) or {}
        for part in sorted(set(old) | set(new)):
            if not _same(old.get(part), new.get(part)):
                label = f"{total}{SEPARATOR}{name(part)}"
                rows.append(
                    _row(FIGURES, f"derived.{key}.{part}", label, old.get(part), new.get(part),
                         formatting.money(old.get(part)), formatting.money(new.get(part)))
                )  # fmt: skip
    old, new = before.get("comparison") or {}, after.get("comparison") or {}
    for code, label, *_rest in COMPARISON_ROWS:
        a, b = (old.get(code) or {}).get("change_percent"), (new.get(code) or {}).get("change_percent")
        if not _same(a, b):
            rows.append(
                _row(FIGURES, f"derived.comparison.{code}.change_percent", label, a, b,
                     formatting.percent(a, signed=True), formatting.percent(b, signed=True))
            )  # fmt: skip
    return rows


def _profile_text(key, value) -> str:
    if key == "size_class":
        value = SIZE_CLASSES.get(value, value)
    elif key in ENTERPRISE_MONEY:
        value = formatting.money(value)
    return text_value(value)


def profile_changes(before: dict, after: dict) -> list[dict]:
    rows, labels = [], dict(ENTERPRISE_FIELDS)
    keys = [k for k, _label in ENTERPRISE_FIELDS if k in before or k in after]
    keys += sorted(
        k
        for k in set(before) | set(after)
        if k not in labels and k not in ENTERPRISE_HIDDEN and not isinstance(before.get(k, after.get(k)), dict | list)
    )
    for key in keys:
        old, new = before.get(key), after.get(key)
        if not _same(old, new):
            label = labels.get(key, key)
            rows.append(
                _row(PROFILE, f"enterprise.{key}", label, old, new, _profile_text(key, old), _profile_text(key, new))
            )
    old_decl, new_decl = before.get("declarations") or {}, after.get("declarations") or {}
    for kind in sorted(set(old_decl) | set(new_decl)):
        a, b = old_decl.get(kind) or {}, new_decl.get(kind) or {}
        if bool(a.get("accepted")) != bool(b.get("accepted")):
            label = b.get("text") or a.get("text") or kind
            rows.append(
                _row(PROFILE, f"enterprise.declarations.{kind}", label, a.get("accepted"), b.get("accepted"),
                     _profile_text("", bool(a.get("accepted"))), _profile_text("", bool(b.get("accepted"))))
            )  # fmt: skip
    return rows


# Materials ---------------------------------------------------------------------------------------------------


def material_changes(before: list, after: list) -> list[dict]:
    """Per checklist item, the files by SHA-256: the same bytes are unchanged (whatever their name); a file gone
    and another come in one item is a replacement, the rest added or removed."""
    items, names = [], {}
    by_item: dict[str, tuple[list, list]] = {}
    for side, files in ((0, before), (1, after)):
        for m in files:
            code = m.get("item_code", "")
            if code not in by_item:
                items.append(code)
                by_item[code] = ([], [])
            by_item[code][side].append(m)
            names[code] = m.get("item_name") or names.get(code) or code
    rows = []
    for code in items:
        old, new = by_item[code]
        old_shas, new_shas = {m.get("sha256") for m in old}, {m.get("sha256") for m in new}
        gone = [m for m in old if m.get("sha256") not in new_shas]
        came = [m for m in new if m.get("sha256") not in old_shas]
        for position in range(max(len(gone), len(came))):
            a = gone[position] if position < len(gone) else None
            b = came[position] if position < len(came) else None
            change = REPLACED if a and b else (REMOVED if a else ADDED)
            rows.append(
                {
                    "item": code,
                    "item_name": names[code],
                    "change": change,
                    "before_sha256": a.get("sha256") if a else None,
                    "after_sha256": b.get("sha256") if b else None,
                    "before_name": a.get("filename") if a else None,
                    "after_name": b.get("filename") if b else None,
                }
            )
    return rows
