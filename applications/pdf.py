"""The printable application (申请书) as PDF, rendered from a submission snapshot.

Input is only the snapshot dict of docs/application-data.md, never the live draft or the database, so that
the PDF always shows exactly what was submitted and its digest. Every sum, share and count printed is the
snapshot's frozen ``derived`` (applications/derived.py), never recomputed here; labels of codes come from
programmes/vocabulary.py and figures are written by core/formatting.py. Chinese text is real text in an embedded,
subset font (see core/fonts.py and docs/pdf.md for the font strategy and its measurements).
"""

import base64
import datetime as dt
import io
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.forms.legacy import snapshot_form
from core import formatting
from core.fonts import FONT_STACK, font_face_css
from enterprises.sizeclass import CLASS_LABELS
from programmes.vocabulary import (
    AREAS,
    COMPARISON_ROWS,
    INVESTMENT_KINDS,
    IP_TYPES,
    OWNERSHIP,
    SOFTWARE_KINDS,
    TECH_LEVELS,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")

# The enterprise profile (enterprises.selectors.profile_snapshot()): known keys first, in this order, with
# their labels; any other scalar key is printed after them under its own name, so nothing is silently lost.
ENTERPRISE_FIELDS = [
    ("name", gettext_lazy("企业名称")),
    ("uscc", gettext_lazy("统一社会信用代码")),
    ("credit_code", gettext_lazy("统一社会信用代码")),
    ("legal_representative", gettext_lazy("法定代表人")),
    ("established_on", gettext_lazy("成立日期")),
    ("registered_region", gettext_lazy("注册地（县、市、区）")),
    ("region", gettext_lazy("注册地（县、市、区）")),
    ("tax_region", gettext_lazy("纳税地（县、市、区）")),
    ("address", gettext_lazy("地址")),
    ("independent_legal_person", gettext_lazy("具有独立法人资格")),
    ("industry", gettext_lazy("所属行业")),
    ("employees", gettext_lazy("从业人员（人）")),
    ("revenue_yuan", gettext_lazy("上年营业收入（元）")),
    ("assets_yuan", gettext_lazy("资产总额（元）")),
    ("revenue_wan", gettext_lazy("上年营业收入（万元）")),
    ("total_assets_wan", gettext_lazy("资产总额（万元）")),
    ("size_class", gettext_lazy("企业规模")),
    ("contact_person", gettext_lazy("联系人")),
    ("mobile", gettext_lazy("联系电话")),
    ("contact_phone", gettext_lazy("联系电话")),
    ("email", gettext_lazy("电子邮箱")),
]
ENTERPRISE_MONEY = {"revenue_yuan", "assets_yuan", "revenue_wan", "total_assets_wan"}
# Bookkeeping of the profile snapshot, not facts about the enterprise.
ENTERPRISE_HIDDEN = {"schema", "organisation_id", "version", "updated_at", "industry_code", "id", "declarations"}
SIZE_CLASSES = CLASS_LABELS  # enterprises.sizeclass: the size classes and their names


def render_application_pdf(snapshot: dict, *, verify_url: str) -> bytes:
    """The application as the official paper form, A4, from a snapshot dict."""
    return write_pdf(render_application_html(snapshot, verify_url=verify_url))


def write_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def render_application_html(snapshot: dict, *, verify_url: str) -> str:
    category = snapshot.get("category", {}).get("code")
    if category not in ("demonstration", "new_product"):
        raise ValueError(f"unknown category {category!r}")
    # The paper form is Chinese whatever the requester's language: it is cached by digest, once for everyone.
    with translation.override(settings.LANGUAGE_CODE):
        context = build_context(snapshot, verify_url=verify_url)
        return render_to_string(f"applications/pdf/{category}.html", context)


def print_css_context(footer_left=""):
    """What every PDF template (filled or blank) needs for its shared stylesheet."""
    return {
        "font_faces": font_face_css(settings.PDF_FONT_DIR),
        "font_stack": FONT_STACK,
        "footer_left": css_string(footer_left),
    }


def build_context(snapshot, *, verify_url):
    form = snapshot_form(snapshot)  # a snapshot written before the relative keys reads as today's
    digest = verify_url.rstrip("/").rsplit("/", 1)[-1]
    receipt_no = snapshot.get("receipt_no") or ""
    context = {
        "s": snapshot,
        "receipt_no": receipt_no,
        "digest": digest,
        "short_digest": digest[:16],
        "verify_url": verify_url,
        "qr": qr_data_uri(verify_url),
        "call": snapshot.get("call") or {},
        "category": snapshot.get("category") or {},
        "submitted_at": local_time(snapshot.get("submitted_at")),
        "enterprise_name": (snapshot.get("enterprise") or {}).get("name", ""),
        "enterprise_rows": enterprise_rows(snapshot.get("enterprise") or {}),
        "enterprise_declarations": enterprise_declarations(snapshot.get("enterprise") or {}),
        **cover_facts(snapshot.get("enterprise") or {}),
        "eligibility": eligibility(snapshot.get("eligibility") or {}),
        "materials": materials(snapshot.get("materials") or []),
        "declaration": declaration(snapshot.get("declaration") or {}),
        "form": form,
        **print_css_context(f"{receipt_no}  {digest[:16]}"),
    }
    derived = snapshot.get("derived") or {}  # the figures frozen at submission: printed, never recomputed
    if snapshot["category"]["code"] == "demonstration":
        context.update(demonstration_context(form, derived))
    else:
        context.update(new_product_context(form, derived))
    return context


# Formatting -------------------------------------------------------------------------------------------------


def css_string(text):
    """A value safe inside a CSS double-quoted string."""
    return "".join(ch for ch in str(text) if ch not in '"\\\n\r<>')


def money(value):
    """An amount for a table cell headed "（元）": 186000 → "186,000.00"; missing → "" (core.formatting)."""
    return formatting.money(value, unit="")


def change(value):
    """A change or target in percent, signed: "30.0" → "+30.0%" (core.formatting)."""
    return formatting.percent(value, signed=True)


def parse_date(value):
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError):
        return None


def local_time(value):
    """ISO 8601 UTC → "2019年05月15日 10:00:00（北京时间）" ("2019-05-15 10:00:00 (Beijing time)" in English)."""
    if not value:
        return ""
    try:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    local = moment.astimezone(SHANGHAI)
    parts = {"year": local.year, "month": f"{local.month:02}", "day": f"{local.day:02}", "time": f"{local:%H:%M:%S}"}
    return _("%(date)s（北京时间）") % {"date": _("%(year)s年%(month)s月%(day)s日 %(time)s") % parts}


def size_text(size):
    try:
        size = int(size)
    except (TypeError, ValueError):
        return ""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.2f} MB"


def qr_data_uri(url):
    """A QR code of the verification URL as an SVG data URI (vector: sharp on paper, tiny in the PDF)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def text_value(value):
    if isinstance(value, dict):
        return value.get("name") or value.get("label") or value.get("code") or ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, (list, tuple)):
        return "、".join(text_value(v) for v in value)
    return "" if value is None else str(value)


# Shared sections --------------------------------------------------------------------------------------------


def enterprise_rows(profile):
    rows = []
    for key, label in ENTERPRISE_FIELDS:
        if key in profile:
            value = profile[key]
            if key == "size_class":
                value = SIZE_CLASSES.get(value, value)
            elif key in ENTERPRISE_MONEY:
                value = money(value)
            rows.append((label, text_value(value)))
    known = {key for key, _label in ENTERPRISE_FIELDS} | ENTERPRISE_HIDDEN
    for key, value in profile.items():
        if key not in known and not isinstance(value, (dict, list)):
            rows.append((key, text_value(value)))
    return rows


def enterprise_declarations(profile):
    """The profile's declarations (健全制度、信用良好、无违法记录) with whether each was accepted."""
    out = []
    for value in (profile.get("declarations") or {}).values():
        if isinstance(value, dict) and value.get("text"):
            out.append({"text": value["text"], "accepted": bool(value.get("accepted"))})
    return out


def cover_facts(profile):
    region = profile.get("registered_region") or profile.get("region") or ""
    phone = profile.get("mobile") or profile.get("contact_phone") or ""
    return {
        "region_name": text_value(region),
        "contact": " ".join(part for part in (profile.get("contact_person") or "", phone) if part),
    }


def eligibility(result):
    return {
        "eligible": bool(result.get("eligible")),
        "size_class": SIZE_CLASSES.get(result.get("size_class"), result.get("size_class") or ""),
        "size_reason": result.get("size_reason", ""),
        "checks": [
            {"passed": bool(c.get("passed")), "message": c.get("message", ""), "code": c.get("code", "")}
            for c in result.get("checks") or []
        ],
    }


def materials(items):
    return [
        {
            "n": n,
            "item_name": m.get("item_name", m.get("item_code", "")),
            "filename": m.get("filename", ""),
            "size": size_text(m.get("size")),
            "sha256": m.get("sha256", ""),
        }
        for n, m in enumerate(items, start=1)
    ]


def declaration(value):
    return {
        "accepted": bool(value.get("accepted")),
        "text": value.get("text", ""),
        "by": value.get("by", ""),
        "at": local_time(value.get("at")),
    }


def paragraphs(text):
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]


# 示范/试点企业 ----------------------------------------------------------------------------------------------


def _cell(amounts, key):
    """An amount of a frozen mapping: a key it lacks is zero; a mapping the snapshot lacks prints blank."""
    return "" if amounts is None else money(amounts.get(key, "0"))


def demonstration_context(form, derived):
    period = [parse_date(day) for day in derived.get("investment_period") or []]
    start, end = period if len(period) == 2 else (None, None)
    by_area = derived.get("investment_by_area_yuan")
    by_year = derived.get("investment_by_year_yuan")
    matrix = derived.get("investment_by_area_year_yuan")
    years = derived.get("investment_years") or sorted(by_year or {})
    counted = derived.get("investments_counted") or []
    rows = []
    for index, item in enumerate(form.get("investments") or []):
        rows.append(
            {
                "date": item.get("date", ""),
                "content": item.get("content", ""),
                "kind": INVESTMENT_KINDS.label(item.get("kind", "")),
                "area": AREAS.label(item.get("area", "")),
                "supplier": item.get("supplier", ""),
                "amount": money(item.get("amount_yuan")),
                "invoice_no": item.get("invoice_no", ""),
                "counted": counted[index] is not False if index < len(counted) else True,
            }
        )
    area_totals = [
        {
            "label": label,
            "years": [_cell(None if matrix is None else matrix.get(code, {}), year) for year in years],
            "total": _cell(by_area, code),
        }
        for code, label in AREAS
    ]
    claimed = set(derived.get("areas") or ())
    shares = derived.get("online_sales_share_by_year") or {}
    sales_rows = [
        {
            "year": row.get("year", ""),
            "online": money(row.get("online_yuan")),
            "total": money(row.get("total_yuan")),
            "share": formatting.share(shares.get(str(row.get("year")))),
        }
        for row in form.get("sales") or []
    ]
    software = [
        {
            "kind": SOFTWARE_KINDS.label(s.get("kind", "")),
            "vendor": s.get("vendor", ""),
            "go_live": s.get("go_live", ""),
        }
        for s in form.get("management_software") or []
    ]
    return {
        "period": (start, end),
        "period_text": f"{start:%Y年%m月%d日}—{end:%Y年%m月%d日}" if start and end else "",
        "years": years,
        "areas_all": [{"label": label, "claimed": code in claimed} for code, label in AREAS],
        "areas": [
            {"label": AREAS.label(a.get("code", "")), "work": a.get("work", ""), "results": a.get("results", "")}
            for a in form.get("areas") or []
        ],
        "investments": rows,
        "area_totals": area_totals,
        "year_totals": [_cell(by_year, year) for year in years],
        "investment_total": money(derived.get("investment_total_yuan")),
        "investment_excluded": money(derived.get("investments_outside_period_yuan"))
        if derived.get("investments_outside_period")
        else "",
        "software": software,
        "software_kinds": len(derived.get("management_software_kinds") or ()),
        "control_projects": form.get("control_projects") or [],
        "sales": sales_rows,
        "online_sum": money(derived.get("online_sales_yuan")),
        "sales_sum": money(derived.get("total_sales_yuan")),
        "online_share": formatting.share(derived.get("online_sales_share")),
        "summary": paragraphs(form.get("summary")),
    }


# 研发推广应用新产品新技术 ----------------------------------------------------------------------------------


def new_product_context(form, derived):
    sales = form.get("sales") or {}
    rd_rows = [
        {"date": item.get("date", ""), "content": item.get("content", ""), "amount": money(item.get("amount_yuan"))}
        for item in form.get("rd_investments") or []
    ]
    comparison = []
    frozen = derived.get("comparison") or {}
    for code, label, unit, target, direction in COMPARISON_ROWS:
        row = (form.get("comparison") or {}).get(code) or {}
        figures = frozen.get(code) or {}
        comparison.append(
            {
                "label": label,
                "unit": row.get("unit") or unit,
                "traditional": row.get("traditional", ""),
                "new": row.get("new", ""),
                "change": change(figures.get("change_percent")),
                "target": change(figures.get("reference_target_percent", target if direction == "up" else -target)),
                "meets": figures.get("meets_reference_target"),
            }
        )
    ip = [
        {
            "patent_no": i.get("patent_no", ""),
            "type": IP_TYPES.label(i.get("type", "")),
            "title": i.get("title", ""),
            "granted_on": i.get("granted_on", ""),
            "owner": i.get("owner", ""),
            "ownership": OWNERSHIP.label(i.get("ownership", "")),
        }
        for i in form.get("ip") or []
    ]
    return {
        "product_name": form.get("product_name", ""),
        "description": paragraphs(form.get("description")),
        "industrialization_status": paragraphs(form.get("industrialization_status")),
        "industrialized": form.get("industrialized"),
        "cases": paragraphs(form.get("cases")),
        "sales": {
            "enterprise_prev_year": money(sales.get("enterprise_prev_year_yuan")),
            "enterprise_year": money(sales.get("enterprise_year_yuan")),
            "product_year": money(sales.get("product_year_yuan")),
            "taxes_year": money(sales.get("taxes_year_yuan")),
        },
        "rd_investments": rd_rows,
        "rd_total": money(derived.get("rd_investment_total_yuan")),
        "comparison": comparison,
        "tech_level": TECH_LEVELS.label(form.get("tech_level", "")),
        "tech_evidence": paragraphs(form.get("tech_evidence")),
        "ip": ip,
        "patents": derived.get("patents") or 0,
    }
