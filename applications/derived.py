"""Figures computed from the form data, never typed: totals, kinds, shares, counts.

The same functions feed the live eligibility panel, the submission check, the snapshot's ``derived`` block
and the PDF, so what the user sees while typing is what the submission decides on. Pure: no ORM.
Values that do not parse (a draft may hold them) simply do not count.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from applications.forms import parse_date, parse_money, parse_number
from programmes.vocabulary import COMPARISON_ROWS, OWNERSHIP, PATENT_TYPES

ZERO = Decimal("0.00")
SHARE_PLACES = Decimal("0.0001")
TENTH = Decimal("0.1")


def _money(value):
    try:
        return parse_money(value)
    except (ValueError, TypeError):
        return None


def _number(value):
    try:
        return parse_number(value)
    except (ValueError, TypeError):
        return None


def _date(value):
    try:
        return parse_date(value)
    except (ValueError, TypeError):
        return None


def _s(amount):
    return None if amount is None else f"{amount:.2f}"


def _share(part, whole):
    """part / whole as a fraction with four decimals (half up), as a string; None when whole is not positive."""
    return str((part / whole).quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)) if whole > 0 else None


def demonstration_figures(data: dict, *, period: tuple[dt.date, dt.date]) -> dict:
    """Investment totals inside the period (all, per area, per year), software kinds, projects, online share."""
    start, end = period
    total = ZERO
    by_area: dict[str, Decimal] = {}
    by_year: dict[str, Decimal] = {}
    by_area_year: dict[str, dict[str, Decimal]] = {}
    outside, outside_total = 0, ZERO
    counted: list[bool | None] = []  # per row of data["investments"]: inside the period; None = not a figure
    for row in data.get("investments") or []:
        amount, day = _money(row.get("amount_yuan")), _date(row.get("date"))
        if amount is None or day is None:
            counted.append(None)
            continue
        counted.append(start <= day <= end)
        if not counted[-1]:
            outside += 1
            outside_total += amount
            continue
        total += amount
        area, year = row.get("area") or "", str(day.year)
        by_area[area] = by_area.get(area, ZERO) + amount
        by_year[year] = by_year.get(year, ZERO) + amount
        cells = by_area_year.setdefault(area, {})
        cells[year] = cells.get(year, ZERO) + amount
    kinds = sorted({row.get("kind") for row in data.get("management_software") or [] if row.get("kind")})
    projects = sum(1 for row in data.get("control_projects") or [] if (row.get("name") or "").strip())
    online_sum, total_sum, years = ZERO, ZERO, 0
    share_by_year: dict[str, str | None] = {}
    for row in data.get("sales") or []:
        online, sales_total = _money(row.get("online_yuan")), _money(row.get("total_yuan"))
        if online is None or sales_total is None:
            continue
        online_sum += online
        total_sum += sales_total
        years += 1
        share_by_year[str(row.get("year"))] = _share(online, sales_total)
    share = _share(online_sum, total_sum) if years else None
    areas = []
    for row in data.get("areas") or []:
        code = row.get("code")
        if code and code not in areas:
            areas.append(code)
    return {
        "investment_total_yuan": _s(total),
        "investment_by_area_yuan": {k: _s(v) for k, v in sorted(by_area.items())},
        "investment_by_year_yuan": {k: _s(v) for k, v in sorted(by_year.items())},
        "investments_outside_period": outside,
        "investment_period": [start.isoformat(), end.isoformat()],
        "investment_years": [str(year) for year in range(start.year, end.year + 1)],
        "investment_by_area_year_yuan": {
            area: {year: _s(v) for year, v in sorted(years_.items())} for area, years_ in sorted(by_area_year.items())
        },
        "investments_outside_period_yuan": _s(outside_total),
        "investments_counted": counted,
        "areas": areas,
        "management_software_kinds": kinds,
        "control_projects": projects,
        "online_sales_yuan": _s(online_sum),
        "total_sales_yuan": _s(total_sum),
        "online_sales_share": share,
        "online_sales_share_by_year": share_by_year,
    }


def new_product_figures(data: dict) -> dict:
    """R&D total, patents, whether the IP is owned, and the comparison with its relative changes."""
    rd_total = ZERO
    for row in data.get("rd_investments") or []:
        amount = _money(row.get("amount_yuan"))
        if amount is not None:
            rd_total += amount
    ip = data.get("ip") or []
    patents = sum(1 for row in ip if row.get("type") in PATENT_TYPES and (row.get("patent_no") or "").strip())
    ownerships = [row.get("ownership") for row in ip]
    ip_owned = bool(ownerships) and all(o in OWNERSHIP.codes for o in ownerships)
    comparison = {}
    for code, _label, _unit, target, direction in COMPARISON_ROWS:
        row = (data.get("comparison") or {}).get(code) or {}
        traditional, new = _number(row.get("traditional")), _number(row.get("new"))
        change = meets = None
        reference = Decimal(target if direction == "up" else -target)
        if traditional not in (None, Decimal(0)) and new is not None:
            exact = (new - traditional) / traditional * 100
            change = exact.quantize(TENTH, rounding=ROUND_HALF_UP)
            meets = exact >= reference if direction == "up" else exact <= reference
        comparison[code] = {
            "traditional": None if traditional is None else str(traditional),
            "new": None if new is None else str(new),
            "change_percent": None if change is None else str(change),
            "reference_target_percent": str(reference),
            "meets_reference_target": meets,  # None when the change can't be computed
        }
    sales = data.get("sales") or {}
    return {
        "rd_investment_total_yuan": _s(rd_total),
        "patents": patents,
        "ip_items": len(ip),
        "ip_owned": ip_owned,
        "industrialized": data.get("industrialized") is True,
        "tech_level": data.get("tech_level") or "",
        # The call year's new-product sales; `product_2018_yuan` is its old name, kept for API clients.
        "product_year_yuan": _s(_money(sales.get("product_year_yuan"))),
        "product_2018_yuan": _s(_money(sales.get("product_year_yuan"))),
        "comparison": comparison,
    }


def figures(category_code: str, data: dict, *, period) -> dict:
    if category_code == "demonstration":
        return demonstration_figures(data, period=period)
    return new_product_figures(data)


def demonstration_facts(derived: dict):
    from enterprises.eligibility import DemonstrationFacts

    share = derived["online_sales_share"]
    return DemonstrationFacts(
        investment_yuan=Decimal(derived["investment_total_yuan"]),
        areas=tuple(derived["areas"]),
        management_software=tuple(derived["management_software_kinds"]),
        control_projects=derived["control_projects"],
        online_sales_share=None if share is None else Decimal(share),
    )


def new_product_facts(derived: dict):
    from enterprises.eligibility import NewProductFacts

    comparison = {
        code: (
            None if row["traditional"] is None else Decimal(row["traditional"]),
            None if row["new"] is None else Decimal(row["new"]),
        )
        for code, row in derived["comparison"].items()
    }
    return NewProductFacts(
        rd_investment_yuan=Decimal(derived["rd_investment_total_yuan"]),
        industrialized=derived["industrialized"],
        tech_level=derived["tech_level"],
        patents=derived["patents"],
        ip_owned=derived["ip_owned"],
        comparison=comparison,
    )
