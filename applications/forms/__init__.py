"""Application forms (申请书): the definitions as data (`definitions`, stored per call and version through
`serialise`), the validation engine and the page's POST parser (`validation`), the JSON Schema (`jsonschema`),
the lookup of an application's or a category's definition (`lookup`) and the reading of old snapshots
(`legacy`). The data shapes are those of docs/application-data.md."""

from applications.forms.definitions import (
    BUILTIN,
    DEMONSTRATION,
    NEW_PRODUCT,
    Field,
    FormDefinition,
    Group,
    Matrix,
    Section,
    Table,
    resolve,
)
from applications.forms.jsonschema import json_schema
from applications.forms.legacy import snapshot_form, upgrade_form
from applications.forms.lookup import definition_for_application, definition_for_category, definition_for_version
from applications.forms.serialise import from_dict, to_dict
from applications.forms.validation import (
    StructureError,
    empty_data,
    parse_date,
    parse_money,
    parse_number,
    parse_post,
    validate,
)

__all__ = [
    "BUILTIN",
    "DEMONSTRATION",
    "NEW_PRODUCT",
    "Field",
    "FormDefinition",
    "Group",
    "Matrix",
    "Section",
    "StructureError",
    "Table",
    "definition_for_application",
    "definition_for_category",
    "definition_for_version",
    "empty_data",
    "from_dict",
    "json_schema",
    "parse_date",
    "parse_money",
    "parse_number",
    "parse_post",
    "resolve",
    "snapshot_form",
    "to_dict",
    "upgrade_form",
    "validate",
]
