"""Form data written before the keys became relative to the call's years (snapshots `shenbao.application.v1`).

Snapshots are frozen (their bytes are what the digest proves), so they are never rewritten: whatever reads a
snapshot's form (PDF, pages) reads it through `snapshot_form()`, which maps the old keys of the 2018 call to
the current ones. Drafts in the database were renamed once by the data migration
(applications/migrations/0002_application_form_version.py, which keeps its own frozen copy of this map).
"""

from __future__ import annotations

import copy

# category code -> item key -> {old key: new key}. Every v1 snapshot is of the 2018 call (2017 and 2018).
LEGACY_KEYS = {
    "new_product": {
        "sales": {
            "enterprise_2017_yuan": "enterprise_prev_year_yuan",
            "enterprise_2018_yuan": "enterprise_year_yuan",
            "product_2018_yuan": "product_year_yuan",
            "taxes_2018_yuan": "taxes_year_yuan",
        }
    }
}
LEGACY_SCHEMAS = {"shenbao.application.v1"}


def upgrade_form(category_code: str, form: dict) -> dict:
    """A copy of `form` with the old year keys renamed; keys already current are left as they are."""
    form = copy.deepcopy(form or {})
    for item_key, renames in LEGACY_KEYS.get(category_code, {}).items():
        group = form.get(item_key)
        if isinstance(group, dict):
            form[item_key] = {renames.get(k, k): v for k, v in group.items()}
    return form


def snapshot_form(snapshot: dict) -> dict:
    """The form data of a snapshot in today's keys, whatever the snapshot's schema."""
    form = snapshot.get("form") or {}
    if snapshot.get("schema") in LEGACY_SCHEMAS:
        return upgrade_form((snapshot.get("category") or {}).get("code", ""), form)
    return form
