"""Reading a snapshot's derived figures (ORM-free), shared by the signal, the backfill and the benchmarks."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def figures_of(canonical_json: str) -> dict:
    """{"investment_yuan", "rd_investment_yuan"} from the snapshot's "derived" block (None when absent)."""
    try:
        derived = (json.loads(canonical_json or "{}") or {}).get("derived") or {}
    except (ValueError, AttributeError):
        derived = {}
    return {
        "investment_yuan": _decimal(derived.get("investment_total_yuan")),
        "rd_investment_yuan": _decimal(derived.get("rd_investment_total_yuan")),
    }
