"""Definitions <-> JSON (the `definition` of `programmes.CategoryForm`). The round trip is exact:
``from_dict(to_dict(d)) == d`` for every unresolved definition (labels are msgids, plain strings)."""

from __future__ import annotations

from applications.forms.definitions import KINDS, Field, FormDefinition, Group, Matrix, Section, Table

SCHEMA = "shenbao.form-definition.v1"


def _field(f: Field) -> dict:
    return {
        "type": "field",
        "key": f.key,
        "label": f.label,
        "kind": f.kind,
        "required": f.required,
        "vocabulary": f.vocabulary,
        "max_length": f.max_length,
        "help": f.help,
        "readonly": f.readonly,
    }


def _item(item) -> dict:
    if isinstance(item, Table):
        return {
            "type": "table",
            "key": item.key,
            "label": item.label,
            "help": item.help,
            "columns": [_field(c) for c in item.columns],
            "min_rows": item.min_rows,
            "unique": list(item.unique),
            "period_column": item.period_column,
            "fixed_years": item.fixed_years,
        }
    if isinstance(item, Group):
        return {
            "type": "group",
            "key": item.key,
            "label": item.label,
            "help": item.help,
            "fields": [_field(f) for f in item.fields],
        }
    if isinstance(item, Matrix):
        return {
            "type": "matrix",
            "key": item.key,
            "label": item.label,
            "help": item.help,
            "rows_vocabulary": item.rows_vocabulary,
            "columns": [_field(c) for c in item.columns],
        }
    return _field(item)


def to_dict(definition: FormDefinition) -> dict:
    if definition.year is not None:
        raise ValueError("serialise the stored definition, not one resolved for a year")
    return {
        "schema": SCHEMA,
        "category_code": definition.category_code,
        "title": definition.title,
        "sections": [
            {"key": s.key, "title": s.title, "help": s.help, "items": [_item(i) for i in s.items]}
            for s in definition.sections
        ],
    }


def _field_from(d: dict) -> Field:
    if d.get("kind", "text") not in KINDS:
        raise ValueError(f"unknown field kind {d.get('kind')!r}")
    return Field(
        key=d["key"],
        label=d["label"],
        kind=d.get("kind", "text"),
        required=bool(d.get("required", False)),
        vocabulary=d.get("vocabulary", ""),
        max_length=d.get("max_length"),
        help=d.get("help", ""),
        readonly=bool(d.get("readonly", False)),
    )


def _item_from(d: dict):
    kind = d.get("type")
    if kind == "table":
        return Table(
            key=d["key"],
            label=d["label"],
            columns=tuple(_field_from(c) for c in d["columns"]),
            min_rows=d.get("min_rows", 0),
            unique=tuple(d.get("unique", ())),
            period_column=d.get("period_column"),
            help=d.get("help", ""),
            fixed_years=bool(d.get("fixed_years", False)),
        )
    if kind == "group":
        return Group(
            key=d["key"], label=d["label"], fields=tuple(_field_from(f) for f in d["fields"]), help=d.get("help", "")
        )
    if kind == "matrix":
        return Matrix(
            key=d["key"],
            label=d["label"],
            rows_vocabulary=d["rows_vocabulary"],
            columns=tuple(_field_from(c) for c in d["columns"]),
            help=d.get("help", ""),
        )
    if kind == "field":
        return _field_from(d)
    raise ValueError(f"unknown item type {kind!r}")


def from_dict(data: dict) -> FormDefinition:
    if data.get("schema") != SCHEMA:
        raise ValueError(f"not a form definition of schema {SCHEMA}: {data.get('schema')!r}")
    return FormDefinition(
        category_code=data["category_code"],
        title=data["title"],
        sections=tuple(
            Section(
                key=s["key"], title=s["title"], help=s.get("help", ""), items=tuple(_item_from(i) for i in s["items"])
            )
            for s in data["sections"]
        ),
    )
