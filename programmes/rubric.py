"""The rubric of a category: the 2018 criteria derived from the notice, copying with the call, editing until
scoring starts (then 409), and the lock that the evaluation app sets when the first score is saved."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import rules
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from core.errors import Conflict, DomainError, PermissionDeniedError
from programmes.models import Category
from programmes.models_rubric import Criterion, Rubric

# The notice's principles 择优评选、具有可复制性、效益明显 and each category's conditions (section 二), weighted to
# 100 points. (code, title, max points, guidance)
RUBRIC_2018 = {
    "demonstration": [
        (
            "application_depth",
            "互联网应用深度",
            "35",
            "研发设计、生产管控、购销经营、产品和服务创新四个环节的互联网应用是否充分；关键生产管理软件"
            "（ERP、MES、SCM、PDM/PLM、CRM）或生产管控项目的数量与集成程度。",
        ),
        (
            "investment",
            "投入规模与结构",
            "25",
            "近两年持续投入总额（须超过50万元）及硬件、软件、服务的构成是否合理，投入清单、发票与审计报告是否一致。",
        ),
        (
            "results",
            "实际成效",
            "25",
            "成本、效率、质量、线上交易额占比等可量化的成效及其证明材料。",
        ),
        (
            "replicability",
            "可复制性与示范带动作用",
            "15",
            "做法是否可复制推广，对同行业小微企业的示范和带动作用。",
        ),
    ],
    "new_product": [
        (
            "technology_ip",
            "技术水平与自主知识产权",
            "30",
            "技术水平（国内领先或国际先进）、关键技术装备和软件安全可控，专利等自主知识产权的数量与权属。",
        ),
        (
            "industrialisation",
            "产业化程度与销售",
            "25",
            "是否已实现产业化，新产品（新技术）的开票销售、上缴税金和研发投入（不少于30万元）。",
        ),
        (
            "three_down_two_up",
            "“三降低两提升”成效",
            "25",
            "与传统产品对比：降低运营成本、缩短研制周期、降低不良品率、提高生产效率、提高能源利用率的数据。",
        ),
        (
            "market_prospects",
            "市场前景与带动性",
            "20",
            "全局性、前瞻性和带动性，推广应用案例，能否引领产业技术进步并产生经济和社会效益。",
        ),
    ],
}
STEP = Decimal("0.5")
_CODE = re.compile(r"[a-z0-9_]{1,40}")


def ensure_rubric(category: Category) -> Rubric:
    """The category's rubric; the notice's criteria for its code when it has none yet (idempotent)."""
    rubric, created = Rubric.objects.get_or_create(category=category)
    if created:
        Criterion.objects.bulk_create(
            Criterion(
                rubric=rubric, code=code, title=title, max_points=Decimal(points), guidance=guidance, sort_order=i
            )
            for i, (code, title, points, guidance) in enumerate(RUBRIC_2018.get(category.code, []), start=1)
        )
    return rubric


def rubric_copy(source: Category, copy: Category) -> None:
    """The source category's criteria as the copy's rubric, unlocked (call_copy)."""
    rubric = Rubric.objects.create(category=copy)
    criteria = source.rubric.criteria.all() if hasattr(source, "rubric") else []
    Criterion.objects.bulk_create(
        Criterion(
            rubric=rubric,
            code=c.code,
            title=c.title,
            max_points=c.max_points,
            step=c.step,
            guidance=c.guidance,
            sort_order=c.sort_order,
        )
        for c in criteria
    )


def rubric_locked_reason(rubric: Rubric) -> str:
    if rubric.locked_at is not None:
        return _("专家已开始评分，评分标准不能再修改。")
    return ""


def rubric_lock(category: Category) -> None:
    """Scoring started: stamp the lock once (a conditional update, safe when two experts save at once)."""
    Rubric.objects.filter(category=category, locked_at__isnull=True).update(locked_at=timezone.now())


def _decimal(raw, default=None):
    if raw is None or raw == "":
        return default
    if isinstance(raw, bool):
        return None
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def _clean_rows(rows) -> tuple[list[dict], list[dict]]:
    errors, clean, seen = [], [], set()
    if not isinstance(rows, list) or not rows:
        return [], [{"field": "criteria", "message": _("评分标准至少需要一个评分项。")}]
    for index, row in enumerate(rows):
        where, n = f"criteria.{index}", index + 1
        row = row if isinstance(row, dict) else {}
        code, title = str(row.get("code") or "").strip(), str(row.get("title") or "").strip()
        if not _CODE.fullmatch(code):
            errors.append(
                {
                    "field": f"{where}.code",
                    "message": _("第 %(n)s 个评分项的代码应为小写字母、数字、下划线。") % {"n": n},
                }
            )
        elif code in seen:
            errors.append({"field": f"{where}.code", "message": _("评分项代码 %(c)s 重复。") % {"c": code}})
        seen.add(code)
        if not title or len(title) > 200:
            errors.append(
                {"field": f"{where}.title", "message": _("请填写第 %(n)s 个评分项的名称（最多 200 字）。") % {"n": n}}
            )
        max_points, step = _decimal(row.get("max_points")), _decimal(row.get("step"), STEP)
        if max_points is None or not Decimal("0") < max_points <= Decimal("1000"):
            errors.append(
                {"field": f"{where}.max_points", "message": _("第 %(n)s 个评分项的满分应为大于 0 的数。") % {"n": n}}
            )
        if step is None or not Decimal("0") < step <= Decimal("10"):
            errors.append(
                {"field": f"{where}.step", "message": _("第 %(n)s 个评分项的计分步长应为大于 0 的数。") % {"n": n}}
            )
        elif max_points is not None and max_points % step:
            errors.append(
                {"field": f"{where}.step", "message": _("第 %(n)s 个评分项的满分应为计分步长的整数倍。") % {"n": n}}
            )
        clean.append(
            {
                "code": code,
                "title": title,
                "max_points": max_points,
                "step": step,
                "guidance": str(row.get("guidance") or "").strip(),
            }
        )
    return clean, errors


@transaction.atomic
def rubric_save(*, category: Category, criteria: list, actor) -> Rubric:
    """Replace the category's criteria (city officer, before scoring starts: then 409; 422 with every problem)."""
    if not rules.has_perm("programmes.change_call", actor, category.call):
        raise PermissionDeniedError(_("只有市级管理员可以修改评分标准。"))
    ensure_rubric(category)
    rubric = Rubric.objects.select_for_update().get(category=category)
    reason = rubric_locked_reason(rubric)
    if reason:
        raise Conflict(reason)
    clean, errors = _clean_rows(criteria)
    if errors:
        raise DomainError(_("评分标准未保存，请先处理以下 %(n)s 个问题。") % {"n": len(errors)}, errors=errors)
    rubric.criteria.all().delete()
    Criterion.objects.bulk_create(Criterion(rubric=rubric, sort_order=i, **row) for i, row in enumerate(clean, start=1))
    rubric.save(update_fields=["updated_at"])
    audit_record(
        action="rubric.edit",
        actor=actor,
        obj=category,
        summary=_("修改评分标准：%(category)s") % {"category": category},
        data={"criteria": [{**row, "max_points": str(row["max_points"]), "step": str(row["step"])} for row in clean]},
    )
    return rubric
