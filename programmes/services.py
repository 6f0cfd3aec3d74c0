"""Writes of programmes: notices (each create and edit an audit event), the atomic view count, and calls
(a new year's call copied from the last one, its settings edited until the first application)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import rules
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from core.errors import Conflict, DomainError, PermissionDeniedError
from programmes.models import SHANGHAI, Call, Category, CategoryForm, MaterialItem, Notice, NoticeAttachment
from programmes.rubric import rubric_copy
from programmes.rules import call_has_applications

# The fields of a notice that its editors write (the form shows these).
NOTICE_FIELDS = ("title", "publish_date", "body", "contact_person", "contact_phone", "is_published")


def notice_register_view(*, notice: Notice) -> int:
    """Count one view atomically (UPDATE … SET view_count = view_count + 1) and return the new count."""
    Notice.objects.filter(pk=notice.pk).update(view_count=F("view_count") + 1)
    notice.refresh_from_db(fields=["view_count"])
    return notice.view_count


@transaction.atomic
def notice_save(
    *,
    actor: User,
    data: dict,
    notice: Notice | None = None,
    attachment: UploadedFile | None = None,
    attachment_title: str = "",
    request: HttpRequest | None = None,
) -> Notice:
    """Create a notice (`notice` None or not yet saved) or edit one, optionally adding one attachment; audited
    as `notice.create` / `notice.edit` with the names of the fields that changed."""
    if not actor.has_perm("programmes.manage_notice"):
        raise PermissionDeniedError(_("只有市级管理员或系统管理员可以发布和修改通知公告。"))
    created = notice is None or notice.pk is None
    if created:
        notice = notice or Notice()
        notice.created_by = actor
        changed = [name for name in NOTICE_FIELDS if name in data]
    else:
        # Compare with the stored row: a bound ModelForm has already copied its input onto `notice`.
        stored = Notice.objects.select_for_update().get(pk=notice.pk)
        changed = [name for name in NOTICE_FIELDS if name in data and getattr(stored, name) != data[name]]
    for name in NOTICE_FIELDS:
        if name in data:
            setattr(notice, name, data[name])
    notice.save()
    added = None
    if attachment:
        added = NoticeAttachment.objects.create(
            notice=notice, title=attachment_title, file=attachment, sort_order=notice.attachments.count() + 1
        )
    audit_record(
        action="notice.create" if created else "notice.edit",
        actor=actor,
        obj=notice,
        summary=(_("新建通知：%(title)s") if created else _("修改通知：%(title)s")) % {"title": notice.title},
        data={
            "changed": changed,
            "is_published": notice.is_published,
            "attachment": None if added is None else {"id": added.pk, "title": added.title, "file": added.filename},
        },
        request=request,
    )
    return notice


# ---------------------------------------------------------------------------------------------- calls

# The thresholds of a category (the notice's section 二) that a city officer edits before a call's first
# application, with their kind: money, share (0–1), count, or size classes.
CATEGORY_THRESHOLDS = {
    "investment_exceeds_yuan": "money",
    "min_management_software_kinds": "count",
    "min_control_projects": "count",
    "min_online_sales_share": "share",
    "min_rd_investment_yuan": "money",
    "min_patents": "count",
    "min_operating_years": "count",
    "allowed_size_classes": "sizes",
}
SIZE_CLASSES = ("micro", "small", "medium", "large")
MATERIAL_ITEM_FIELDS = ("name", "description", "required", "multiple", "allowed_types", "max_size_bytes")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def shift_years(text: str, *, years: set[int], delta: int) -> str:
    """Every year of `years` written in `text` moved by `delta` ("企业2017、2018年度" → "企业2018、2019年度");
    other numbers (the 2015 reference targets, amounts) stay."""
    return _YEAR.sub(lambda m: str(int(m.group(1)) + delta) if int(m.group(1)) in years else m.group(1), text)


def _shift_date(day: dt.date, delta: int) -> dt.date:
    try:
        return day.replace(year=day.year + delta)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + delta, day=28)


def call_years(call: Call) -> set[int]:
    """The years a call's texts speak of: its year and the years of its investment period."""
    return {call.year, *range(call.investment_period_start.year, call.investment_period_end.year + 1)}


def _with_year(text: str, *, source: Call, year: int) -> str:
    return text.replace(str(source.year), str(year)) if str(source.year) in text else f"{text}-{year}"


def _check_call_fields(errors: list, *, title, opens_at, deadline) -> None:
    if title is not None and not str(title).strip():
        errors.append({"field": "title", "message": _("请填写批次名称。")})
    elif title is not None and len(str(title).strip()) > 200:
        errors.append({"field": "title", "message": _("批次名称最多 200 个字。")})
    if opens_at is None:
        errors.append({"field": "opens_at", "message": _("请填写开始时间。")})
    if deadline is None:
        errors.append({"field": "deadline", "message": _("请填写截止时间。")})
    if opens_at is not None and deadline is not None and deadline <= opens_at:
        errors.append({"field": "deadline", "message": _("截止时间应晚于开始时间。")})


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    """A time typed without a zone is Beijing time (the notice's times are)."""
    if moment is not None and timezone.is_naive(moment):
        return moment.replace(tzinfo=SHANGHAI)
    return moment


@transaction.atomic
def call_copy(
    *, source: Call, year: int, opens_at: dt.datetime, deadline: dt.datetime, title: str, actor: User
) -> Call:
    """The next year's call from `source`: its categories with every threshold, the materials checklist (item
    texts naming the source's years moved by the year difference), the investment period moved likewise, and
    a copy of each category's current form definition as version 1. Every problem is reported at once (422)."""
    if not rules.has_perm("programmes.copy_call", actor, source):  # the rule itself: not widened for superusers
        raise PermissionDeniedError(_("只有市级管理员可以复制申报批次。"))
    opens_at, deadline = _aware(opens_at), _aware(deadline)
    errors: list[dict] = []
    _check_call_fields(errors, title=title if title is not None else "", opens_at=opens_at, deadline=deadline)
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
        errors.append({"field": "year", "message": _("年度应为 2000 至 2100 之间的年份，例如 2019。")})
    else:
        taken = Call.objects.filter(year=year, is_demo=source.is_demo).first()
        if taken is not None:
            errors.append(
                {
                    "field": "year",
                    "message": _("%(year)s 年度已有申报批次“%(title)s”，不能重复创建。")
                    % {"year": year, "title": taken.title},
                }
            )
        else:
            code, prefix = (
                _with_year(source.code, source=source, year=year),
                _with_year(source.receipt_prefix, source=source, year=year),
            )
            if Call.objects.filter(code=code).exists():
                errors.append({"field": "year", "message": _("批次代码 %(code)s 已被使用。") % {"code": code}})
            if len(prefix) > 16 or Call.objects.filter(receipt_prefix=prefix).exists():
                errors.append(
                    {"field": "year", "message": _("受理编号前缀 %(prefix)s 已被使用或过长。") % {"prefix": prefix}}
                )
    if errors:
        raise DomainError(_("不能复制申报批次，请先处理以下 %(n)s 个问题。") % {"n": len(errors)}, errors=errors)
    delta = year - source.year
    years = call_years(source)
    call = Call.objects.create(
        year=year,
        title=title.strip(),
        code=code,
        receipt_prefix=prefix,
        notice=None,
        opens_at=opens_at,
        deadline=deadline,
        is_demo=source.is_demo,
        investment_period_start=_shift_date(source.investment_period_start, delta),
        investment_period_end=_shift_date(source.investment_period_end, delta),
    )
    for category in source.categories.prefetch_related("material_items"):
        copy = Category.objects.create(
            call=call,
            code=category.code,
            name=category.name,
            short_code=category.short_code,
            sort_order=category.sort_order,
            **{name: getattr(category, name) for name in CATEGORY_THRESHOLDS},
        )
        MaterialItem.objects.bulk_create(
            MaterialItem(
                category=copy,
                code=item.code,
                name=shift_years(item.name, years=years, delta=delta),
                description=shift_years(item.description, years=years, delta=delta),
                required=item.required,
                allowed_types=item.allowed_types,
                max_size_bytes=item.max_size_bytes,
                multiple=item.multiple,
                sort_order=item.sort_order,
            )
            for item in category.material_items.all()
        )
        current = category.form_versions.order_by("-version").first()
        if current is not None:
            CategoryForm.objects.create(category=copy, version=1, definition=current.definition)
        rubric_copy(category, copy)
    audit_record(
        action="call.copy",
        actor=actor,
        obj=call,
        summary=_("由“%(source)s”复制：%(title)s") % {"source": source.title, "title": call.title},
        data={"source": source.pk, "year": year, "code": call.code},
    )
    return call


def call_locked_reason(call: Call) -> str:
    """Why the call's settings can no longer change ("" while they can): its first application exists."""
    if call_has_applications(None, call):
        return _("本批次已有企业开始填报申报书，阈值、日期和申报材料不能再修改（已填报的申报书以当时的设置为准）。")
    return ""


def _parse_threshold(kind: str, raw, label: str):
    """(value, message): the typed value of one threshold, or a Chinese message naming it."""
    text = "" if raw is None else str(raw).strip()
    try:
        if kind == "sizes":
            parts = [p.strip() for p in (raw if isinstance(raw, list) else text.split(",")) if str(p).strip()]
            if not parts or set(parts) - set(SIZE_CLASSES):
                raise ValueError
            return ",".join(s for s in SIZE_CLASSES if s in parts), None
        if isinstance(raw, bool) or isinstance(raw, float):
            raise ValueError
        if kind == "count":
            value = int(text)
            if not 0 <= value <= 1000:
                raise ValueError
            return value, None
        value = Decimal(text.replace(",", ""))
        if not value.is_finite() or value < 0:
            raise ValueError
        if kind == "share":
            if value > 1:
                raise ValueError
            return value.quantize(Decimal("0.0001")), None
        if value != value.quantize(Decimal("0.01")) or value > Decimal("999999999999.99"):
            raise ValueError
        return value.quantize(Decimal("0.01")), None
    except (ValueError, ArithmeticError):
        messages = {
            "money": _("“%(label)s”应为不小于 0 的金额（元），最多两位小数。"),
            "count": _("“%(label)s”应为不小于 0 的整数。"),
            "share": _("“%(label)s”应为 0 到 1 之间的小数，例如 0.5 表示 50%%。"),
            "sizes": _("“%(label)s”应为 micro、small、medium、large 中的一个或几个，以逗号分隔。"),
        }
        return None, messages[kind] % {"label": label}


def _material_rows(category: Category, rows, path: str, errors: list) -> list[dict] | None:
    """The checklist as sent, checked: [{code, name, description, required, multiple, …}] or None."""
    if not isinstance(rows, list):
        errors.append({"field": path, "message": _("申报材料清单应为列表。")})
        return None
    out, seen = [], set()
    for index, row in enumerate(rows):
        where = f"{path}.{index}"
        if not isinstance(row, dict):
            errors.append({"field": where, "message": _("申报材料第 %(n)s 项的格式不对。") % {"n": index + 1}})
            continue
        code, name = str(row.get("code") or "").strip(), str(row.get("name") or "").strip()
        if not re.fullmatch(r"[a-z0-9_-]{1,40}", code):
            errors.append(
                {
                    "field": f"{where}.code",
                    "message": _("申报材料第 %(n)s 项的代码应为小写字母、数字、下划线。") % {"n": index + 1},
                }
            )
        elif code in seen:
            errors.append({"field": f"{where}.code", "message": _("申报材料代码 %(c)s 重复。") % {"c": code}})
        seen.add(code)
        if not name or len(name) > 200:
            errors.append(
                {
                    "field": f"{where}.name",
                    "message": _("请填写申报材料第 %(n)s 项的名称（最多 200 字）。") % {"n": index + 1},
                }
            )
        clean = {"code": code, "name": name, "description": str(row.get("description") or "").strip()[:300]}
        for flag in ("required", "multiple"):
            if flag in row:
                clean[flag] = row[flag] in (True, "true", "on", "1", 1)
        out.append(clean)
    return out


@transaction.atomic
def call_update(*, call: Call, changes: dict, actor: User) -> Call:
    """Edit a call before its first application: title, dates, investment period, each category's thresholds
    and materials checklist (`changes` as the API's PATCH body; values as typed, checked here).
    403 for anyone but the city officer, 409 once an application exists, 422 with every problem at once."""
    if not rules.has_perm("programmes.change_call", actor, call):
        raise PermissionDeniedError(_("只有市级管理员可以修改申报批次。"))
    call = Call.objects.select_for_update().get(pk=call.pk)
    reason = call_locked_reason(call)
    if reason:
        raise Conflict(reason)
    errors: list[dict] = []
    fields = {}
    for name in ("title", "opens_at", "deadline", "investment_period_start", "investment_period_end"):
        if name in changes:
            fields[name] = changes[name].strip() if name == "title" and changes[name] is not None else changes[name]
    for name in ("opens_at", "deadline"):
        if name in fields:
            fields[name] = _aware(fields[name])
    _check_call_fields(
        errors,
        title=fields.get("title"),
        opens_at=fields.get("opens_at", call.opens_at),
        deadline=fields.get("deadline", call.deadline),
    )
    start = fields.get("investment_period_start", call.investment_period_start)
    end = fields.get("investment_period_end", call.investment_period_end)
    if start is None or end is None or end < start:
        errors.append({"field": "investment_period_end", "message": _("投入统计截止日应不早于起始日。")})
    categories = {c.code: c for c in call.categories.all()}
    category_fields, checklists = {}, {}
    for index, entry in enumerate(changes.get("categories") or []):
        path = f"categories.{index}"
        category = categories.get((entry or {}).get("code"))
        if category is None:
            errors.append({"field": f"{path}.code", "message": _("本批次没有该申报类别。")})
            continue
        values = {}
        for name, kind in CATEGORY_THRESHOLDS.items():
            if name in entry and entry[name] is not None:
                label = str(Category._meta.get_field(name).verbose_name)
                value, message = _parse_threshold(kind, entry[name], label)
                if message:
                    errors.append({"field": f"{path}.{name}", "message": message})
                else:
                    values[name] = value
        category_fields[category.code] = values
        if entry.get("material_items") is not None:
            checklists[category.code] = _material_rows(
                category, entry["material_items"], f"{path}.material_items", errors
            )
    if errors:
        raise DomainError(_("批次设置未保存，请先处理以下 %(n)s 个问题。") % {"n": len(errors)}, errors=errors)
    for name, value in fields.items():
        setattr(call, name, value)
    call.save()
    for code, values in category_fields.items():
        if values:
            Category.objects.filter(pk=categories[code].pk).update(**values)
    for code, rows in checklists.items():
        category = categories[code]
        existing = {item.code: item for item in category.material_items.all()}
        keep = []
        for order, row in enumerate(rows, start=1):
            item = existing.get(row["code"]) or MaterialItem(category=category, code=row["code"])
            for key, value in row.items():
                setattr(item, key, value)
            item.sort_order = order
            item.save()
            keep.append(item.pk)
        category.material_items.exclude(pk__in=keep).delete()
    audit_record(
        action="call.edit",
        actor=actor,
        obj=call,
        summary=_("修改批次设置：%(title)s") % {"title": call.title},
        data={
            "changed": sorted(fields),
            "categories": {code: sorted(values) for code, values in category_fields.items()},
            "checklists": sorted(checklists),
        },
    )
    return call
