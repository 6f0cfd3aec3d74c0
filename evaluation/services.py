"""Writes of the expert review: the pool, a call's settings, the draw, declarations (with a replacement after
a conflict), scores (revised until submitted, then locked) and the city's reopening. Each is audited."""

from __future__ import annotations

import re
import secrets
from decimal import Decimal, InvalidOperation

import rules
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import password_links
from accounts.models import Organisation, Region, User
from applications.models import Application
from audit.services import audit_record
from core.errors import Conflict, DomainError, PermissionDeniedError
from enterprises.uscc import InvalidCreditCode, normalise
from evaluation import draw as draw_mod
from evaluation import messages, recusal, selectors, selectors_city
from evaluation.models import Assignment, EvaluationSettings, Expert, Panel, Score, Selection, SelectionChange
from notifications.services import cancel_pending
from programmes.models import Call, Category
from programmes.rubric import ensure_rubric, rubric_lock
from programmes.vocabulary import EXPERT_FIELDS

MIN_PANEL, MAX_PANEL = 3, 15
# The declaration an expert signs before reading an application; the audit keeps the Chinese text as signed.
COMMITMENT_TEXT = gettext_noop(
    "本人承诺：与所评申报企业不存在利害关系（近三年未在该企业任职或担任顾问，配偶及近亲属未在该企业任职，"
    "与该企业无诉讼纠纷，无其他可能影响公正评审的情形）；对评审中知悉的申报材料、评审意见和评审结果严格保密，"
    "不复制、不外传、不向任何人透露。"
)


def _require(actor, perm, obj=None, message=None):
    if not rules.has_perm(perm, actor, obj):
        raise PermissionDeniedError(message or _("没有权限执行此操作。"))


# ---------------------------------------------------------------------------------------------- the pool

EXPERT_FIELDS_EDITABLE = ("field", "employer_name", "employer_credit_code", "region", "title", "contact", "active")


def _clean_expert(data: dict, errors: list) -> dict:
    clean = {}
    if "field" in data:
        if data["field"] not in EXPERT_FIELDS.codes:
            errors.append({"field": "field", "message": _("请选择专业领域。")})
        clean["field"] = data["field"]
    if "employer_name" in data:
        name = str(data["employer_name"] or "").strip()
        if not name or len(name) > 128:
            errors.append({"field": "employer_name", "message": _("请填写工作单位（最多 128 字）。")})
        clean["employer_name"] = name
    if "employer_credit_code" in data:
        code = str(data["employer_credit_code"] or "").strip()
        if code:
            try:
                code = normalise(code)
            except InvalidCreditCode as exc:
                errors.append({"field": "employer_credit_code", "message": exc.message})
        clean["employer_credit_code"] = code
    if "region" in data:
        code = data["region"] or None
        if code is not None and not Region.objects.filter(code=code).exists():
            errors.append({"field": "region", "message": _("所在县区不存在。")})
        clean["region_id"] = code
    for name, limit in (("title", 64), ("contact", 64)):
        if name in data:
            clean[name] = str(data[name] or "").strip()[:limit]
    if "active" in data:
        clean["active"] = bool(data["active"])
    if "declared_relations" in data:
        relations = data["declared_relations"] or []
        if not isinstance(relations, list):
            errors.append({"field": "declared_relations", "message": _("利害关系单位应为列表。")})
            relations = []
        clean["declared_relations"] = [str(r).strip() for r in relations if str(r).strip()]
    return clean


@transaction.atomic
def expert_create(*, actor, data: dict) -> Expert:
    """A new expert of the pool with their own account (role 评审专家, organisation 专家库). `data`: username,
    display_name, mobile (optional), password (optional: without it the account has no usable password until
    one is set), field, employer_name, employer_credit_code, region, title, contact, active."""
    _require(actor, "evaluation.manage_experts", message=_("只有市级管理员可以管理专家库。"))
    errors: list[dict] = []
    username = str(data.get("username") or "").strip()
    display_name = str(data.get("display_name") or "").strip()
    if not username or len(username) > 150:
        errors.append({"field": "username", "message": _("请填写登录名。")})
    elif User.objects.filter(username=username).exists():
        errors.append({"field": "username", "message": _("登录名 %(u)s 已被使用。") % {"u": username}})
    if not display_name:
        errors.append({"field": "display_name", "message": _("请填写专家姓名。")})
    mobile = str(data.get("mobile") or "").strip() or None
    if mobile and User.objects.filter(mobile=mobile).exists():
        errors.append({"field": "mobile", "message": _("手机号码 %(m)s 已被使用。") % {"m": mobile}})
    for required in ("field", "employer_name"):
        data.setdefault(required, "")
    clean = _clean_expert(data, errors)
    if errors:
        raise DomainError(_("专家未保存，请先处理以下 %(n)s 个问题。") % {"n": len(errors)}, errors=errors)
    user = User(
        username=username,
        display_name=display_name,
        mobile=mobile,
        role=User.Role.EXPERT,
        organisation=Organisation.objects.get(kind=Organisation.Kind.EXPERT_POOL),
    )
    if data.get("password"):
        user.set_password(data["password"])
    else:
        user.set_unusable_password()
    user.save()
    expert = Expert.objects.create(user=user, **clean)
    audit_record(
        action="expert.create",
        actor=actor,
        obj=expert,
        summary=_("专家入库：%(name)s") % {"name": display_name},
        data={"username": username, "field": expert.field, "employer": expert.employer_name},
    )
    return expert


@transaction.atomic
def expert_update(*, actor, expert: Expert, changes: dict) -> Expert:
    _require(actor, "evaluation.manage_experts", message=_("只有市级管理员可以管理专家库。"))
    errors: list[dict] = []
    clean = _clean_expert(changes, errors)
    if errors:
        raise DomainError(_("专家未保存，请先处理以下 %(n)s 个问题。") % {"n": len(errors)}, errors=errors)
    for name, value in clean.items():
        setattr(expert, name, value)
    expert.save()
    audit_record(
        action="expert.edit",
        actor=actor,
        obj=expert,
        summary=_("修改专家信息：%(name)s") % {"name": expert},
        data={"changed": sorted(clean)},
    )
    return expert


# ---------------------------------------------------------------------------------------------- password links


def expert_password_link(*, actor, expert: Expert) -> tuple[password_links.PasswordLink, list]:
    """A one-time link for the expert to set (or, with a password already, reset) their password: audited,
    sent to the expert by inbox and email, and returned for the city officer to hand over (shown once; the
    token is stored nowhere but in the expert's message). Returns the link and the messages."""
    _require(actor, "evaluation.issue_password_link", message=_("只有市级管理员可以为专家发送设置密码链接。"))
    with transaction.atomic():
        link = password_links.link_issue(actor=actor, user=expert.user)
        sent = messages.password_link_sent(expert, link)
    return link, sent


def experts_password_links(*, actor) -> list[tuple[Expert, password_links.PasswordLink, list]]:
    """expert_password_link for every active expert whose account has no usable password yet (after an
    import): each expert, the link and the messages, in the pool's order."""
    _require(actor, "evaluation.issue_password_link", message=_("只有市级管理员可以为专家发送设置密码链接。"))
    with transaction.atomic():
        return [(e, *expert_password_link(actor=actor, expert=e)) for e in selectors_city.experts_without_password()]


# ---------------------------------------------------------------------------------------------- settings

OUTLIER_MARGIN_PATTERN = r"[0-9]{1,4}(\.[0-9]{1,2})?"
SETTING_FIELDS = ("anonymise", "recuse_same_region", "trim_min_scores", "outlier_margin", "default_panel_size")


@transaction.atomic
def settings_save(*, actor, call: Call, changes: dict) -> EvaluationSettings:
    """The call's evaluation settings; recusal and anonymity are fixed once a panel is drawn (409)."""
    _require(actor, "evaluation.change_settings", message=_("只有市级管理员可以修改评审设置。"))
    settings = selectors.settings_for(call)
    drawn = Panel.objects.filter(call=call).exists()
    errors = []
    for name in ("anonymise", "recuse_same_region"):
        if name in changes and drawn and bool(changes[name]) != getattr(settings, name):
            raise Conflict(_("本批次已抽取专家，回避和匿名设置不能再修改。"))
    for name in ("anonymise", "recuse_same_region"):
        if name in changes:
            setattr(settings, name, bool(changes[name]))
    for name, low, high in (("trim_min_scores", 0, 50), ("default_panel_size", MIN_PANEL, MAX_PANEL)):
        if name in changes:
            value = changes[name]
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                errors.append({"field": name, "message": _("应为 %(a)s 至 %(b)s 之间的整数。") % {"a": low, "b": high}})
            else:
                setattr(settings, name, value)
    if "outlier_margin" in changes:
        # What the column holds (0 to 9999.99, two decimals); the API documents the same pattern.
        text = str(changes["outlier_margin"]).strip()
        if re.fullmatch(OUTLIER_MARGIN_PATTERN, text):
            settings.outlier_margin = Decimal(text)
        else:
            errors.append({"field": "outlier_margin", "message": _("偏离提示阈值应为不小于 0 的分数。")})
    if errors:
        raise DomainError(_("评审设置未保存，请先处理以下 %(n)s 个问题。") % {"n": len(errors)}, errors=errors)
    settings.save()
    audit_record(
        action="evaluation.settings",
        actor=actor,
        obj=call,
        summary=_("修改评审设置：%(call)s") % {"call": call.title},
        data={name: str(getattr(settings, name)) for name in SETTING_FIELDS},
    )
    return settings


# ---------------------------------------------------------------------------------------------- the draw


def _check_size(size) -> int:
    if not isinstance(size, int) or isinstance(size, bool) or not MIN_PANEL <= size <= MAX_PANEL:
        raise DomainError(
            _("每份申报书的专家人数应为 %(a)s 至 %(b)s 之间的整数（通常为 5 人以上的单数）。")
            % {"a": MIN_PANEL, "b": MAX_PANEL},
            field="size",
        )
    return size


def _check_seed(seed) -> int:
    if seed is None:
        return secrets.randbits(48)
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**63:
        raise DomainError(_("随机种子应为非负整数。"), field="seed")
    return seed


def _draw_seats(call: Call, category: Category, *, size: int, seed: int):
    """The draw over the category's applications in expert review and the active pool (rows locked): the
    applications, the pool and the result. 422 when there is nothing to draw for or an application would be
    short of experts."""
    applications = list(selectors.applications_for_experts(call, category).select_for_update(of=("self",)))
    if not applications:
        raise DomainError(_("该类别没有进入专家评审的申报书。"), field="category")
    pool = selectors.active_pool()
    result = draw_mod.draw(
        list(pool.values()),
        [selectors.applicant_facts(a) for a in applications],
        size=size,
        seed=seed,
        settings=selectors.recusal_settings(selectors.settings_for(call)),
        rules=recusal.RULES,
    )
    if result.short:
        receipts = {a.pk: a.receipt_no or str(a.pk) for a in applications}
        raise DomainError(
            _("可抽取的专家不足：%(list)s 无法组成 %(n)s 人的专家组，请先补充专家库。")
            % {"list": "、".join(receipts[pk] for pk in sorted(result.short)), "n": size},
            field="size",
        )
    return applications, pool, result


def _seat(panel: Panel, result) -> list[Assignment]:
    """The draw's seats as the panel's assignments, each with its expert (and user) loaded for the messages."""
    seats = Assignment.objects.bulk_create(
        Assignment(panel=panel, application_id=s.application, expert_id=s.expert, position=s.position)
        for s in result.seats
    )
    experts = Expert.objects.select_related("user").in_bulk([s.expert for s in result.seats])
    for seat in seats:
        seat.panel, seat.expert = panel, experts[seat.expert_id]
    return seats


def panel_draw(*, actor, call: Call, category: Category, size: int | None = None, seed: int | None = None) -> Panel:
    """Draw the experts for every application of the category in expert review, reproducibly from `seed` (a
    random one when not given); the seed, the pool and the applications go into the panel and the audit. 422
    when an application cannot get a full panel (nothing is drawn), 409 when the category already has one
    (panel_redraw replaces it)."""
    _require(actor, "evaluation.draw_panel", message=_("只有市级管理员可以抽取评审专家。"))
    settings = selectors.settings_for(call)
    size = _check_size(settings.default_panel_size if size is None else size)
    seed = _check_seed(seed)
    if category.call_id != call.pk:
        raise DomainError(_("本批次没有该申报类别。"), field="category")
    with transaction.atomic():
        if Panel.objects.filter(call=call, category=category).exists():
            raise Conflict(_("该类别已抽取专家组。如需重新抽取，请写明理由后重新抽取（尚无专家声明或评分时）。"))
        applications, pool, result = _draw_seats(call, category, size=size, seed=seed)
        try:
            with transaction.atomic():
                panel = Panel.objects.create(
                    call=call,
                    category=category,
                    size=size,
                    seed=seed,
                    pool=sorted(pool),
                    applications=[a.pk for a in applications],
                    rules=recusal.rule_codes(recusal.RULES),
                    order=list(result.order),
                    drawn_by=actor,
                )
        except IntegrityError as exc:
            raise Conflict(_("该类别已抽取专家组。")) from exc
        seats = _seat(panel, result)
        ensure_rubric(category)
        audit_record(
            action="panel.draw",
            actor=actor,
            obj=panel,
            summary=_("抽取评审专家：%(category)s，每份 %(n)s 人，随机种子 %(seed)s")
            % {"category": category, "n": size, "seed": seed},
            data={
                "seed": seed,
                "size": size,
                "call": call.pk,
                "category": category.code,
                "pool": panel.pool,
                "applications": panel.applications,
                "rules": panel.rules,
                "seats": [[s.application, s.expert] for s in result.seats],
            },
        )
        messages.assignments_given(seats)
    return panel


def panel_redraw(*, actor, panel: Panel, reason: str, size: int | None = None, seed: int | None = None) -> Panel:
    """Discard the panel's draw and draw the category anew (a new random seed unless one is given; the panel's
    size unless one is given), while no expert of it has declared or scored (409 otherwise). The reason is
    required. The panel row is kept and rewritten (its id, and so its audit history, stays); the old
    assignments are deleted and the `panel.redraw` event keeps everything of them (old seed, pool, order,
    seats), the reason and the new draw. Experts told of the old draw are told it is withdrawn; the new draw's
    experts get their assignment message. 422 when the new draw would be short (nothing changes)."""
    _require(actor, "evaluation.draw_panel", message=_("只有市级管理员可以抽取评审专家。"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("重新抽取评审专家须写明理由。"), field="reason")
    seed = _check_seed(seed)
    with transaction.atomic():
        panel = Panel.objects.select_for_update().select_related("call", "category", "drawn_by").get(pk=panel.pk)
        size = _check_size(panel.size if size is None else size)
        old = list(panel.assignments.select_for_update(of=("self",)).order_by("application_id", "position"))
        refusal = selectors_city.panel_redraw_refusal(panel)
        if refusal:
            raise Conflict(refusal)
        applications, pool, result = _draw_seats(panel.call, panel.category, size=size, seed=seed)
        previous = {
            "seed": panel.seed,
            "size": panel.size,
            "drawn_at": panel.drawn_at.isoformat(),
            "drawn_by": panel.drawn_by.get_username(),
            "pool": panel.pool,
            "applications": panel.applications,
            "rules": panel.rules,
            "order": panel.order,
            "seats": [[a.application_id, a.expert_id] for a in old],
        }
        notified = selectors_city.notified_of_panel(panel)
        withdrawn = list(
            Expert.objects.select_related("user").filter(pk__in={a.expert_id for a in old}, user_id__in=notified)
        )
        cancel_pending(panel, kind="evaluation.assigned")  # copies of the old draw's messages not sent yet
        Assignment.objects.filter(pk__in=[a.pk for a in old]).delete()
        panel.size, panel.seed = size, seed
        panel.pool, panel.applications = sorted(pool), [a.pk for a in applications]
        panel.rules, panel.order = recusal.rule_codes(recusal.RULES), list(result.order)
        panel.drawn_by, panel.drawn_at = actor, timezone.now()
        panel.save()
        seats = _seat(panel, result)
        ensure_rubric(panel.category)
        audit_record(
            action="panel.redraw",
            actor=actor,
            obj=panel,
            summary=_("重新抽取评审专家：%(category)s，随机种子 %(old)s → %(new)s。理由：%(reason)s")
            % {"category": panel.category, "old": previous["seed"], "new": seed, "reason": reason},
            data={
                "reason": reason,
                "previous": previous,
                "seed": seed,
                "size": size,
                "call": panel.call_id,
                "category": panel.category.code,
                "pool": panel.pool,
                "applications": panel.applications,
                "rules": panel.rules,
                "seats": [[s.application, s.expert] for s in result.seats],
                "withdrawn_notified": sorted(e.pk for e in withdrawn),
            },
            from_state=str(previous["seed"]),
            to_state=str(seed),
            comment=reason,
        )
        messages.assignments_withdrawn(withdrawn, panel)
        messages.assignments_given(seats)
    return panel


def panel_extend(*, actor, panel: Panel) -> list[Assignment]:
    """Seat the applications that reached expert review after the draw, from the panel's recorded order and
    rules (the experts still active; none added to the pool since), audited with the seats. 409 when there is
    none, 422 when one cannot get a full panel (nothing is seated)."""
    _require(actor, "evaluation.draw_panel", message=_("只有市级管理员可以抽取评审专家。"))
    with transaction.atomic():
        panel = Panel.objects.select_for_update().select_related("call", "category").get(pk=panel.pk)
        known = set(panel.applications)
        waiting = [
            a
            for a in selectors.applications_for_experts(panel.call, panel.category).select_for_update(of=("self",))
            if a.pk not in known
        ]
        if not waiting:
            raise Conflict(_("没有新进入专家评审的申报书。"))
        pool = {pk: facts for pk, facts in selectors.active_pool().items() if pk in set(panel.order)}
        settings = selectors.recusal_settings(selectors.settings_for(panel.call))
        rules_applied = recusal.rules_named(panel.rules)
        seats, short = [], []
        for application in waiting:
            applicant = selectors.applicant_facts(application)
            chosen = draw_mod.pick(panel.order, pool, applicant, settings, rules_applied, count=panel.size)
            seats.extend(chosen)
            if len(chosen) < panel.size:
                short.append(application.receipt_no or str(application.pk))
        if short:
            raise DomainError(
                _("可抽取的专家不足：%(list)s 无法组成 %(n)s 人的专家组，请先补充专家库。")
                % {"list": "、".join(short), "n": panel.size},
                field="size",
            )
        created = Assignment.objects.bulk_create(
            Assignment(panel=panel, application_id=s.application, expert_id=s.expert, position=s.position)
            for s in seats
        )
        panel.applications = sorted(known | {a.pk for a in waiting})
        panel.save(update_fields=["applications"])
        audit_record(
            action="panel.extend",
            actor=actor,
            obj=panel,
            summary=_("为新进入专家评审的 %(n)s 份申报书抽取专家（随机种子 %(seed)s 的顺序）")
            % {"n": len(waiting), "seed": panel.seed},
            data={"applications": [a.pk for a in waiting], "seats": [[s.application, s.expert] for s in seats]},
        )
        experts = Expert.objects.select_related("user").in_bulk([s.expert for s in seats])
        for seat in created:
            seat.panel, seat.expert = panel, experts[seat.expert_id]
        messages.assignments_given(created)
    return created


def panel_reproduce(panel: Panel) -> draw_mod.Draw:
    """The draw again from what the panel recorded (pool, applications, seed, rules) and the experts' and
    applicants' facts as they are now; `manage.py redraw` compares it with the stored assignments."""
    experts = {e.pk: selectors.expert_facts(e) for e in Expert.objects.filter(pk__in=panel.pool)}
    applications = Application.objects.filter(pk__in=panel.applications).select_related("enterprise__profile")
    settings = selectors.settings_for(panel.call)
    return draw_mod.draw(
        [experts[pk] for pk in panel.pool if pk in experts],
        [selectors.applicant_facts(a) for a in applications],
        size=panel.size,
        seed=panel.seed,
        settings=selectors.recusal_settings(settings),
        rules=recusal.rules_named(panel.rules),
    )


# ---------------------------------------------------------------------------------------------- declarations


def _locked_assignment(assignment) -> Assignment:
    locked = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("panel__call", "application__enterprise__profile", "expert__user")
        .filter(pk=assignment.pk)
        .first()
    )
    if locked is None:  # withdrawn by a redraw that committed while this request waited for the row
        raise Conflict(_("这项评审任务已撤回（专家组已重新抽取）。"))
    return locked


def assignment_declare(*, actor, assignment: Assignment, conflict: bool, note: str = "") -> Assignment:
    """The expert's declaration before reading the application: no conflict (and the confidentiality commitment
    signed) opens it for scoring; a conflict removes the assignment and draws the next eligible expert of the
    panel's order for the application (none left: recorded, and the city is told by the ranking's completion)."""
    note = (note or "").strip()
    if conflict and not note:
        raise DomainError(_("请说明存在的利益冲突。"), field="note")
    with transaction.atomic():
        assignment = _locked_assignment(assignment)
        _require(actor, "evaluation.view_assignment", assignment, _("这不是您的评审任务。"))
        if assignment.state != Assignment.State.ASSIGNED:
            raise Conflict(_("您已对这份申报书作出声明。"))
        now = timezone.now()
        assignment.declared_at, assignment.declaration_note = now, note[:2000]
        replacement = None
        if conflict:
            assignment.state = Assignment.State.CONFLICT
            assignment.save(update_fields=["state", "declared_at", "declaration_note"])
            replacement = _replace(assignment)
        else:
            assignment.state = Assignment.State.DECLARED
            assignment.confidentiality_signed_at = now
            assignment.save(update_fields=["state", "declared_at", "declaration_note", "confidentiality_signed_at"])
        audit_record(
            action="assignment.conflict" if conflict else "assignment.declare",
            actor=actor,
            obj=assignment,
            summary=(_("专家声明存在利益冲突，回避评审") if conflict else _("专家声明无利益冲突并签署保密承诺")),
            data={
                "application": assignment.application_id,
                "note": note,
                "commitment": None if conflict else COMMITMENT_TEXT,
                "replacement": None if replacement is None else replacement.expert_id,
            },
        )
    return assignment


def _replace(assignment: Assignment) -> Assignment | None:
    panel = assignment.panel
    asked = Assignment.objects.filter(application=assignment.application).values_list("expert_id", flat=True)
    seat = draw_mod.replacement(
        panel.order,
        selectors.active_pool(),
        selectors.applicant_facts(assignment.application),
        asked=list(asked),
        settings=selectors.recusal_settings(selectors.settings_for(panel.call)),
        rules=recusal.rules_named(panel.rules),
    )
    if seat is None:
        return None
    replacement = Assignment.objects.create(
        panel=panel,
        application=assignment.application,
        expert_id=seat.expert,
        position=seat.position,
        replaces=assignment,
    )
    messages.assignments_given([replacement])
    return replacement


# ---------------------------------------------------------------------------------------------- scores


def points_text(value: Decimal) -> str:
    """35.00 → "35", 0.50 → "0.5", 100 → "100" (never "1E+2")."""
    return format(value.normalize(), "f")


def _points(raw) -> Decimal | None:
    if isinstance(raw, bool) or raw is None or raw == "":
        return None
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def score_check(criteria, scores, *, complete: bool) -> tuple[dict[str, Decimal], list[dict]]:
    """The points per criterion code, checked against each criterion's maximum and step (every problem at once);
    `complete`: every criterion must have points (at submission)."""
    if not isinstance(scores, dict):
        return {}, [{"field": "scores", "message": _("评分应为“评分项代码: 分数”的对象。")}]
    by_code = {c.code: c for c in criteria}
    clean, errors = {}, []
    for code in scores:
        if code not in by_code:
            errors.append(
                {"field": f"scores.{code}", "message": _("评分项“%(code)s”不在评分标准中。") % {"code": code}}
            )
    for c in criteria:
        raw = scores.get(c.code)
        if raw is None or raw == "":
            if complete:
                errors.append({"field": f"scores.{c.code}", "message": _("请为“%(title)s”打分。") % {"title": c.title}})
            continue
        value = _points(raw)
        if value is None:
            errors.append(
                {"field": f"scores.{c.code}", "message": _("“%(title)s”的得分应为数字。") % {"title": c.title}}
            )
        elif not Decimal("0") <= value <= c.max_points:
            errors.append(
                {
                    "field": f"scores.{c.code}",
                    "message": _("“%(title)s”的得分应在 0 到 %(max)s 分之间。")
                    % {"title": c.title, "max": points_text(c.max_points)},
                }
            )
        elif value % c.step:
            errors.append(
                {
                    "field": f"scores.{c.code}",
                    "message": _("“%(title)s”的得分应为 %(step)s 分的整数倍。")
                    % {"title": c.title, "step": points_text(c.step)},
                }
            )
        else:
            clean[c.code] = value
    return clean, errors


def score_save(*, actor, assignment: Assignment, scores: dict, comment: str = "", submit: bool = False) -> Score:
    """Save the expert's points (a draft may be partial) and, with `submit`, lock them: every criterion scored
    and a comment written. The first score of a category locks its rubric."""
    comment = (comment or "").strip()
    with transaction.atomic():
        assignment = _locked_assignment(assignment)
        _require(actor, "evaluation.view_assignment", assignment, _("这不是您的评审任务。"))
        if assignment.state == Assignment.State.ASSIGNED:
            raise Conflict(_("请先声明无利益冲突并签署保密承诺。"))
        if assignment.state != Assignment.State.DECLARED:
            raise Conflict(_("评分已提交并锁定，如需修改请联系市工信局。"))
        if assignment.application.status != Application.Status.EXPERT_REVIEW:
            raise Conflict(_("这份申报书已不在专家评审阶段。"))
        category = assignment.application.category
        clean, errors = score_check(selectors.criteria_of(category), scores, complete=submit)
        if submit and not comment:
            errors.append({"field": "comment", "message": _("请填写评审意见。")})
        if errors:
            raise DomainError(_("评分未保存，请先处理以下 %(n)s 个问题。") % {"n": len(errors)}, errors=errors)
        score, _created = Score.objects.get_or_create(assignment=assignment)
        score.scores = {code: str(value) for code, value in clean.items()}
        score.total = sum(clean.values(), Decimal("0"))
        score.comment = comment[:5000]
        if submit:
            score.submitted_at, score.locked = timezone.now(), True
            assignment.state = Assignment.State.SCORED
            assignment.save(update_fields=["state"])
        score.save()
        rubric_lock(category)
        audit_record(
            action="score.submit" if submit else "score.draft",
            actor=actor,
            obj=assignment,
            summary=(_("专家提交评分，总分 %(total)s") if submit else _("专家保存评分草稿，总分 %(total)s"))
            % {"total": score.total},
            data={"application": assignment.application_id, "scores": score.scores, "total": str(score.total)},
        )
    return score


def score_reopen(*, actor, assignment: Assignment, reason: str) -> Score:
    """The city reopens a submitted score for the expert to revise (the reason is audited)."""
    _require(actor, "evaluation.reopen_score", message=_("只有市级管理员可以退回专家评分。"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写退回评分的理由。"), field="reason")
    with transaction.atomic():
        assignment = _locked_assignment(assignment)
        score = Score.objects.filter(assignment=assignment).first()
        if assignment.state != Assignment.State.SCORED or score is None:
            raise Conflict(_("该评分尚未提交，无需退回。"))
        previous = str(score.total)
        score.locked, score.submitted_at = False, None
        score.save(update_fields=["locked", "submitted_at", "updated_at"])
        assignment.state = Assignment.State.DECLARED
        assignment.save(update_fields=["state"])
        audit_record(
            action="score.reopen",
            actor=actor,
            obj=assignment,
            summary=_("退回专家评分：%(reason)s") % {"reason": reason},
            data={"application": assignment.application_id, "reason": reason, "total": previous},
            comment=reason,
        )
    return score


# ---------------------------------------------------------------------------------------------- xlsx import

_YES, _NO = {"", "是", "在库", "yes", "y", "true", "1"}, {"否", "停用", "no", "n", "false", "0"}


def _row_values(cells: dict, errors: list) -> dict:
    """A sheet row's texts as expert_create's data: labels to codes, region names to codes, 是/否 to booleans."""
    data = dict(cells)
    fields = {code: code for code in EXPERT_FIELDS.codes} | {
        str(EXPERT_FIELDS.label(c)): c for c in EXPERT_FIELDS.codes
    }
    fields |= {msgid: code for code, msgid in EXPERT_FIELDS.msgids.items()}
    data["field"] = fields.get(cells.get("field", ""), cells.get("field", "") or "")
    region = cells.get("region", "")
    if region:
        found = Region.objects.filter(code=region).first() or next(
            (r for r in Region.objects.all() if region in (r.name, _(r.name))), None
        )
        data["region"] = found.code if found else region
    else:
        data["region"] = None
    active = (cells.get("active") or "").strip().lower()
    if active not in _YES | _NO:
        errors.append({"field": "active", "message": _("“在库”应填写“是”或“否”。")})
    data["active"] = active in _YES
    return data


def experts_import(*, actor, content: bytes) -> dict:
    """Import the pool from a sheet (pool_xlsx.COLUMNS): new login names become experts with their accounts,
    existing experts are updated. Every row's problems are listed (422, field `rows.<row>.<column>`) and then
    nothing is imported; otherwise all rows in one transaction and one audit event."""
    from evaluation import pool_xlsx

    _require(actor, "evaluation.manage_experts", message=_("只有市级管理员可以管理专家库。"))
    sheet = pool_xlsx.read(content)
    problems = list(sheet.problems)
    if not sheet.rows and not problems:
        problems.append({"field": "file", "message": _("表格中没有专家数据。")})
    seen_users, seen_mobiles, plans = {}, {}, []
    for number, cells in sheet.rows:
        errors: list[dict] = []
        data = _row_values(cells, errors)
        username, mobile = data.get("username", ""), data.get("mobile") or None
        existing = User.objects.filter(username=username).select_related("expert").first() if username else None
        if not username:
            errors.append({"field": "username", "message": _("请填写登录名。")})
        elif username in seen_users:
            errors.append(
                {"field": "username", "message": _("登录名与第 %(n)s 行重复。") % {"n": seen_users[username]}}
            )
        elif existing is not None and not hasattr(existing, "expert"):
            errors.append({"field": "username", "message": _("登录名 %(u)s 已被其他账户使用。") % {"u": username}})
        seen_users.setdefault(username, number)
        if not data.get("display_name"):
            errors.append({"field": "display_name", "message": _("请填写专家姓名。")})
        if mobile:
            if not re.fullmatch(r"1[3-9]\d{9}", mobile):
                errors.append({"field": "mobile", "message": _("请输入有效的 11 位中国大陆手机号码。")})
            elif mobile in seen_mobiles:
                errors.append(
                    {"field": "mobile", "message": _("手机号码与第 %(n)s 行重复。") % {"n": seen_mobiles[mobile]}}
                )
            elif User.objects.filter(mobile=mobile).exclude(username=username).exists():
                errors.append({"field": "mobile", "message": _("手机号码 %(m)s 已被使用。") % {"m": mobile}})
            seen_mobiles.setdefault(mobile, number)
        clean = _clean_expert(data, errors)
        for error in errors:
            problems.append(
                {
                    "field": f"rows.{number}.{error['field']}",
                    "message": _("第 %(row)s 行：%(message)s") % {"row": number, "message": error["message"]},
                }
            )
        plans.append((existing, data, clean))
    if problems:
        raise DomainError(
            _("导入未完成：共 %(n)s 个问题，未导入任何专家。请修改后重新上传。") % {"n": len(problems)}, errors=problems
        )
    created, updated = [], []
    pool = Organisation.objects.get(kind=Organisation.Kind.EXPERT_POOL)
    with transaction.atomic():
        for existing, data, clean in plans:
            if existing is None:
                user = User(
                    username=data["username"],
                    display_name=data["display_name"],
                    mobile=data.get("mobile") or None,
                    role=User.Role.EXPERT,
                    organisation=pool,
                )
                user.set_unusable_password()
                user.save()
                Expert.objects.create(user=user, **clean)
                created.append(user.username)
            else:
                User.objects.filter(pk=existing.pk).update(
                    display_name=data["display_name"], mobile=data.get("mobile") or existing.mobile
                )
                Expert.objects.filter(pk=existing.expert.pk).update(**clean)
                updated.append(existing.username)
        audit_record(
            action="expert.import",
            actor=actor,
            summary=_("导入专家库：新增 %(c)s 位，更新 %(u)s 位") % {"c": len(created), "u": len(updated)},
            data={"created": created, "updated": updated},
        )
    return {"created": len(created), "updated": len(updated)}


def experts_export_rows() -> list[dict]:
    return [
        {
            "username": e.user.username,
            "display_name": e.user.display_name,
            "mobile": e.user.mobile or "",
            "field": str(e.get_field_display()),
            "employer_name": e.employer_name,
            "employer_credit_code": e.employer_credit_code,
            "region": e.region.name if e.region_id else "",
            "title": e.title,
            "contact": e.contact,
            "active": _("是") if e.active else _("否"),
        }
        for e in selectors.experts_list()
    ]


# ---------------------------------------------------------------------------------------------- the selection


def _quota(value) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10_000:
        raise DomainError(_("名额应为不小于 0 的整数。"), field="quota")
    return value


def selection_quota(*, actor, call: Call, category: Category, quota: int) -> Selection:
    """Set the category's quota (city officer); the proposed selection follows the ranking within it."""
    _require(actor, "evaluation.manage_selection", message=_("只有市级管理员可以确定拟入选名单。"))
    quota = _quota(quota)
    with transaction.atomic():
        selection, created = Selection.objects.select_for_update().get_or_create(
            call=call, category=category, defaults={"quota": quota, "updated_by": actor}
        )
        previous = None if created else selection.quota
        selection.quota, selection.updated_by = quota, actor
        selection.save()
        audit_record(
            action="selection.quota",
            actor=actor,
            obj=selection,
            summary=_("设定拟入选名额：%(category)s %(n)s 个") % {"category": category, "n": quota},
            data={"quota": quota, "previous": previous, "category": category.code},
        )
    return selection


def selection_change(*, actor, call: Call, category: Category, application_id: int, include: bool, reason: str):
    """Add an application of the category's panel to the proposed selection, or remove one: a written reason is
    required, audited and kept on the selection record."""
    _require(actor, "evaluation.manage_selection", message=_("只有市级管理员可以确定拟入选名单。"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("调整拟入选名单须写明理由。"), field="reason")
    with transaction.atomic():
        selection = Selection.objects.select_for_update().filter(call=call, category=category).first()
        if selection is None:
            raise Conflict(_("请先设定该类别的拟入选名额。"))
        application = Application.objects.filter(
            pk=application_id, call=call, category=category, assignments__panel__category=category
        ).first()
        if application is None:
            raise DomainError(_("该申报书不在本类别的专家评审中。"), field="application")
        change = SelectionChange.objects.create(
            selection=selection, application=application, include=bool(include), reason=reason[:2000], actor=actor
        )
        audit_record(
            action="selection.include" if include else "selection.exclude",
            actor=actor,
            obj=selection,
            summary=(_("列入拟入选名单：%(receipt)s") if include else _("移出拟入选名单：%(receipt)s"))
            % {"receipt": application.receipt_no},
            data={"application": application.pk, "include": bool(include), "reason": reason},
            comment=reason,
        )
    return change
