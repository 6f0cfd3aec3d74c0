"""County outreach (积极组织符合条件的企业申报, the notice's section 四.2): a unit's enterprises and how far each
has come for one call — registered, eligible by its profile, drafting, submitted — and a reminder to those
with an unsubmitted application.

Reviewers never read a draft here: only whether an application exists and its state. Eligibility "by profile"
is the common checks of the notice (region, tax, legal person, years, declarations, size class) on the
enterprise profile — what the enterprise dashboard calls 基本条件 — computed in Python for every profile of the
unit in one pass (two queries), remembered in the cache per profile version; above `ELIGIBILITY_CAP`
profiles the rest are counted as not judged (the page says so).

A reminder goes to each enterprise at most once a day (Asia/Shanghai): the audit events of earlier reminders are
the record, read under a row lock on the enterprises so two reviewers clicking together send one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Organisation
from accounts.selectors import county_units
from applications import workflow
from applications.models import Application
from applications.rules import allowed
from applications.selectors import reference_date
from audit.models import Event
from audit.services import audit_record
from core.errors import DomainError, PermissionDeniedError
from enterprises import eligibility as el
from enterprises import sizeclass
from enterprises.models import EnterpriseProfile
from enterprises.selectors import enterprise_facts
from notifications.selectors import users_of_organisation
from notifications.services import notify
from programmes.models import SHANGHAI, Call

REMINDER_ACTION = "outreach.reminder"
REMINDER_KIND = "outreach.reminder"
ELIGIBILITY_CAP = 5000
VERDICT_TTL_SECONDS = 3600
NOT_STARTED, DRAFTING, SUBMITTED = "not_started", "drafting", "submitted"


def current_call(call_id=None) -> Call | None:
    """The call asked for, else the open call with the nearest deadline, else the latest call."""
    calls = Call.objects.prefetch_related("categories")
    if call_id:
        return calls.filter(pk=call_id).first()
    now = timezone.now()
    return calls.open_at(now).order_by("deadline").first() or calls.order_by("-deadline").first()


def unit_enterprises_q(region_id: str) -> Q:
    """An enterprise belongs to the unit of its profile's registered region (its organisation's before it has one),
    as its applications do (applications.services._region_of)."""
    return Q(kind=Organisation.Kind.ENTERPRISE) & (
        Q(profile__registered_region=region_id) | Q(profile__isnull=True, region_id=region_id)
    )


@dataclass
class EnterpriseProgress:
    id: int
    name: str
    uscc: str = ""
    has_profile: bool = False
    eligible: dict = field(default_factory=dict)  # category code -> True/False/None (None: not judged)
    states: dict = field(default_factory=dict)  # category code -> NOT_STARTED / DRAFTING / SUBMITTED
    reminded_today: bool = False

    @property
    def has_unsubmitted(self) -> bool:
        return DRAFTING in self.states.values()


def _start_of_today():
    today = timezone.now().astimezone(SHANGHAI).date()
    return dt.datetime.combine(today, dt.time.min, tzinfo=SHANGHAI)


def reminded_today(organisation_ids) -> set[int]:
    events = Event.objects.filter(
        action=REMINDER_ACTION, object_type="accounts.organisation", occurred_at__gte=_start_of_today()
    )
    if organisation_ids is not None:
        events = events.filter(object_id__in=[str(i) for i in organisation_ids])
    return {int(i) for i in events.values_list("object_id", flat=True)}


def _state(status) -> str:
    return DRAFTING if status in workflow.EDITABLE_STATUSES else SUBMITTED


def _eligible_by_profile(profile, categories, ref_date, units) -> dict:
    """{category code: the common conditions met}: the size class once, then each category's thresholds."""
    facts = enterprise_facts(profile)
    size = sizeclass.classify(facts.industry, facts.employees, facts.revenue_yuan, facts.assets_yuan)
    return {
        category.code: all(
            c.passed for c in el.common_checks(category, facts, reference_date=ref_date, size=size, units=units)
        )
        for category in categories
    }


def _verdicts(region_id, profile_rows, categories, call) -> dict[int, dict]:
    """{organisation id: verdicts} for at most ELIGIBILITY_CAP profiles (rows of organisation id, profile id,
    version, updated_at, credit code). Judging a thousand profiles takes about a second, so the unit's verdicts are kept in
    one cache entry keyed per profile version: a view judges only the profiles saved since, and loads only them.
    (The call's thresholds are locked once it has applications; the entry expires after VERDICT_TTL_SECONDS.)"""
    cache_key = f"outreach:eligible:{call.pk}:{region_id}"
    known = cache.get(cache_key) or {}
    wanted = {org: (pk, version, at.timestamp()) for org, pk, version, at, _uscc in profile_rows[:ELIGIBILITY_CAP]}
    missing = [org for org, version_key in wanted.items() if version_key not in known]
    if missing:
        ref_date, units = reference_date(call), county_units()
        profiles = EnterpriseProfile.objects.filter(organisation_id__in=missing).prefetch_related("declarations")
        for profile in profiles:
            known[wanted[profile.organisation_id]] = _eligible_by_profile(profile, categories, ref_date, units)
        current = set(wanted.values())
        cache.set(cache_key, {k: v for k, v in known.items() if k in current}, timeout=VERDICT_TTL_SECONDS)
    return {org: known[version_key] for org, version_key in wanted.items() if version_key in known}


def unit_progress(region_id: str, call: Call) -> dict:
    """Every enterprise of the unit with its progress in `call`, and the counts per category."""
    categories = list(call.categories.all())
    orgs = Organisation.objects.filter(unit_enterprises_q(region_id)).order_by("name", "id").values_list("id", "name")
    rows = {pk: EnterpriseProgress(id=pk, name=name) for pk, name in orgs}
    profile_rows = list(
        EnterpriseProfile.objects.filter(organisation_id__in=rows)
        .order_by("organisation_id")
        .values_list("organisation_id", "pk", "version", "updated_at", "uscc")
    )
    for organisation_id, *_version, uscc in profile_rows:
        rows[organisation_id].has_profile, rows[organisation_id].uscc = True, uscc
    for organisation_id, verdicts in _verdicts(region_id, profile_rows, categories, call).items():
        rows[organisation_id].eligible = verdicts
    applications = Application.objects.filter(call=call, enterprise_id__in=rows).values_list(
        "enterprise_id", "category_id", "status"
    )
    code_of = {c.id: c.code for c in categories}
    for enterprise_id, category_id, status in applications:
        rows[enterprise_id].states[code_of[category_id]] = _state(status)
    for pk in reminded_today(rows):
        rows[pk].reminded_today = True
    return {
        "call": call,
        "categories": categories,
        "enterprises": list(rows.values()),
        "totals": _totals(rows.values(), categories),
        "capped": len(rows) > ELIGIBILITY_CAP,
    }


def _totals(rows, categories) -> dict:
    rows = list(rows)
    per_category = []
    for category in categories:
        code = category.code
        per_category.append(
            {
                "category": category,
                "eligible": sum(1 for r in rows if r.eligible.get(code)),
                "drafting": sum(1 for r in rows if r.states.get(code) == DRAFTING),
                "submitted": sum(1 for r in rows if r.states.get(code) == SUBMITTED),
            }
        )
    return {
        "registered": len(rows),
        "with_profile": sum(1 for r in rows if r.has_profile),
        "eligible": sum(1 for r in rows if any(r.eligible.values())),
        "drafting": sum(1 for r in rows if r.has_unsubmitted),
        "submitted": sum(1 for r in rows if SUBMITTED in r.states.values()),
        "remindable": sum(1 for r in rows if r.has_unsubmitted and not r.reminded_today),
        "per_category": per_category,
    }


def _unit_of(actor):
    organisation = getattr(actor, "organisation", None)
    if not allowed(actor, "reviews.view_outreach") or organisation is None or not organisation.region_id:
        raise PermissionDeniedError(_("只有县区审核人员可以提醒本县区的企业。"))
    return organisation.region_id


def remind_unsubmitted(*, actor, call: Call) -> list[int]:
    """Remind (inbox + email) every enterprise of the actor's unit with an unsubmitted application in `call`,
    except those reminded today. Returns the enterprises reminded; audited per enterprise."""
    region_id = _unit_of(actor)
    if call.deadline < timezone.now():
        raise DomainError(_("本批次已截止受理，不再发送提醒。"))
    with transaction.atomic():
        pending = (
            Application.objects.filter(call=call, status__in=workflow.EDITABLE_STATUSES)
            .filter(enterprise__in=Organisation.objects.filter(unit_enterprises_q(region_id)))
            .values_list("enterprise_id", flat=True)
        )
        # Locking the enterprises serialises two reviewers' clicks: the second sees the first one's events.
        enterprises = list(Organisation.objects.select_for_update().filter(pk__in=set(pending)).order_by("pk"))
        already = reminded_today([e.pk for e in enterprises])
        reminded = []
        for enterprise in enterprises:
            if enterprise.pk in already:
                continue
            _remind(enterprise, call=call, actor=actor)
            reminded.append(enterprise.pk)
    return reminded


def _remind(enterprise, *, call, actor):
    deadline = timezone.localtime(call.deadline, SHANGHAI).strftime("%Y-%m-%d %H:%M")
    with translation.override("zh-hans"):  # the enterprise reads Chinese whatever the reviewer's page language
        subject = _("提醒：您单位的申报书尚未提交")
        body = _(
            "%(org)s：您单位在“%(call)s”中的申报书尚未提交。受理截止时间为 %(deadline)s（北京时间），"
            "请在截止前完成填写并提交。如已不打算申报，可忽略本提醒。"
        ) % {"org": enterprise.name, "call": call.title, "deadline": deadline}
    notify(
        recipients=users_of_organisation(enterprise.pk),
        subject=subject,
        body=body,
        link=reverse("applications:list"),
        obj=enterprise,
        kind=REMINDER_KIND,
    )
    audit_record(
        action=REMINDER_ACTION,
        actor=actor,
        obj=enterprise,
        summary=f"提醒尚未提交的企业：{enterprise.name}（{call.title}）",
        data={"call": call.pk},
    )
