"""The form definition turned into what the templates render: sections, fields, table rows, error messages.

Field names are the JSON paths (``investments.0.amount_yuan``) that `forms.parse_post` reads back.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from applications.forms import Field, Group, Matrix, Table
from core.formatting import percent

BLANK_ROWS = 1


def _choice_label(fld, value):
    for code, label in fld.choices:
        if code == value:
            return label
    return value


def _cell(fld, name, value, errors, *, readonly=False):
    if value is None:
        value = ""
    display = value
    if fld.kind == "choice":
        display = _choice_label(fld, value)
    elif fld.kind == "bool":
        display = {True: _("是"), False: _("否")}.get(value, "")
    return {
        "name": name,
        "id": "f-" + name.replace(".", "-"),
        "label": fld.label,
        "kind": fld.kind,
        "value": value,
        "display": display,
        "choices": fld.choices,
        "required": fld.required,
        "readonly": readonly or fld.readonly,
        "help": fld.help,
        "max_length": fld.max_len,
        "error": errors.get(name),
    }


def build(definition, data, errors=(), *, editable=True):
    """[{key, title, help, items: [node]}] where node.type is field, table, group or matrix."""
    by_field = {}
    for error in errors or ():
        by_field.setdefault(error.get("field"), error["message"])
    data = data or {}
    sections = []
    for section in definition.sections:
        nodes = []
        for item in section.items:
            if isinstance(item, Table):
                rows = []
                values = data.get(item.key) or []
                for index, row in enumerate(values):
                    rows.append(
                        {
                            "index": index,
                            "cells": [
                                _cell(c, f"{item.key}.{index}.{c.key}", row.get(c.key), by_field) for c in item.columns
                            ],
                        }
                    )
                if editable and not item.fixed_years:
                    for extra in range(BLANK_ROWS):
                        index = len(values) + extra
                        rows.append(
                            {
                                "index": index,
                                "blank": True,
                                "cells": [_cell(c, f"{item.key}.{index}.{c.key}", "", by_field) for c in item.columns],
                            }
                        )
                nodes.append(
                    {
                        "type": "table",
                        "key": item.key,
                        "label": item.label,
                        "help": item.help,
                        "columns": item.columns,
                        "rows": rows,
                        "growable": not item.fixed_years,
                        "error": by_field.get(item.key),
                    }
                )
            elif isinstance(item, Group):
                values = data.get(item.key) or {}
                nodes.append(
                    {
                        "type": "group",
                        "key": item.key,
                        "label": item.label,
                        "help": item.help,
                        "cells": [_cell(f, f"{item.key}.{f.key}", values.get(f.key), by_field) for f in item.fields],
                        "error": by_field.get(item.key),
                    }
                )
            elif isinstance(item, Matrix):
                values = data.get(item.key) or {}
                rows = []
                for code, label, unit, target, direction in item.rows:
                    row = values.get(code) or {}
                    cells = []
                    for c in item.columns:
                        value = row.get(c.key)
                        if c.key == "unit" and not value:
                            value = unit
                        cells.append(_cell(c, f"{item.key}.{code}.{c.key}", value, by_field))
                    values = {"p": percent(target)}
                    aim = _("降低 %(p)s") % values if direction == "down" else _("提升 %(p)s") % values
                    rows.append({"code": code, "label": label, "cells": cells, "target": aim})
                nodes.append(
                    {
                        "type": "matrix",
                        "key": item.key,
                        "label": item.label,
                        "help": item.help,
                        "columns": item.columns,
                        "rows": rows,
                        "error": by_field.get(item.key),
                    }
                )
            elif isinstance(item, Field):
                node = _cell(item, item.key, data.get(item.key), by_field)
                node["type"] = "field"
                nodes.append(node)
        sections.append({"key": section.key, "title": section.title, "help": section.help, "items": nodes})
    return sections
