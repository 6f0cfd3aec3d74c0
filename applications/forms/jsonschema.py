"""JSON Schema (2020-12) of a category's application form, published by the API; from the same definition
as the validation and the page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from applications.forms.definitions import FormDefinition, Group, Matrix, Table
from applications.forms.validation import MAX_ROWS

MONEY_PATTERN = r"^\d{1,12}(\.\d{1,2})?$"


def _field_schema(fld):
    base = {"title": str(fld.label)}
    if fld.kind in {"text", "textarea"}:
        base.update(type="string", maxLength=fld.max_len)
        if fld.kind == "textarea":
            base["x-widget"] = "textarea"
    elif fld.kind == "money":
        base.update(type="string", pattern=MONEY_PATTERN, description=str(_("金额（元），字符串，最多两位小数")))
    elif fld.kind == "number":
        base.update(type="string", pattern=r"^\d+(\.\d+)?$")
    elif fld.kind == "date":
        base.update(type="string", format="date")
    elif fld.kind == "choice":
        base.update(
            type="string",
            enum=[c for c, _l in fld.choices],
            **{"x-enum-labels": {c: str(lbl) for c, lbl in fld.choices}},
        )
    elif fld.kind == "bool":
        base.update(type="boolean")
    elif fld.kind == "year":
        base.update(type="integer")
    if fld.help:
        base["description"] = str(fld.help)
    return base


def json_schema(definition: FormDefinition, *, call=None) -> dict:
    """JSON Schema (2020-12) of a complete, submittable application of this category."""
    properties, required = {}, []
    for section in definition.sections:
        for item in section.items:
            if isinstance(item, Table):
                row = {
                    "type": "object",
                    "properties": {c.key: _field_schema(c) for c in item.columns},
                    "required": [c.key for c in item.columns if c.required],
                    "additionalProperties": False,
                }
                schema = {"title": str(item.label), "type": "array", "items": row, "maxItems": MAX_ROWS}
                if item.min_rows:
                    schema["minItems"] = item.min_rows
                    required.append(item.key)
                if item.unique:
                    schema["x-unique-columns"] = list(item.unique)
                if item.period_column and call is not None:
                    row["properties"][item.period_column]["formatMinimum"] = call.investment_period_start.isoformat()
                    row["properties"][item.period_column]["formatMaximum"] = call.investment_period_end.isoformat()
            elif isinstance(item, Group):
                schema = {
                    "title": str(item.label),
                    "type": "object",
                    "properties": {f.key: _field_schema(f) for f in item.fields},
                    "required": [f.key for f in item.fields if f.required],
                    "additionalProperties": False,
                }
                required.append(item.key)
            elif isinstance(item, Matrix):
                row_props = {c.key: _field_schema(c) for c in item.columns}
                schema = {
                    "title": str(item.label),
                    "type": "object",
                    "properties": {
                        code: {
                            "title": str(label),
                            "type": "object",
                            "properties": row_props,
                            "required": [c.key for c in item.columns if c.required],
                            "additionalProperties": False,
                            "x-reference-target-percent": target,
                            "x-direction": direction,
                            "x-default-unit": unit,
                        }
                        for code, label, unit, target, direction in item.rows
                    },
                    "required": [r[0] for r in item.rows],
                    "additionalProperties": False,
                }
                required.append(item.key)
            else:
                schema = _field_schema(item)
                if item.required:
                    required.append(item.key)
            schema["x-section"] = section.key
            properties[item.key] = schema
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"shenbao.application.{definition.category_code}",
        "title": str(definition.title),
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
        "x-sections": [{"key": s.key, "title": str(s.title)} for s in definition.sections],
    }
