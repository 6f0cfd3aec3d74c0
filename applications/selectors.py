"""Reads of applications: what a user may see, the derived figures and the live eligibility."""

from __future__ import annotations

import datetime as dt
import json

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from applications import derived as derived_mod
from applications import rules as app_rules
from applications import workflow
from applications.forms.legacy import snapshot_form
from applications.models import Application, Snapshot
from applications.rules import allowed
from enterprises import eligibility
from enterprises.selectors import enterprise_facts, enterprise_facts_from_snapshot, profile_for
from programmes.models import SHANGHAI, Call
from programmes.selectors import call_time_left as time_left  # noqa: F401 (pages and API read it here)
from programmes.selectors import call_time_left_text as time_left_text  # noqa: F401


def applications_visible_to(user: User) -> QuerySet[Application]:
    """Every list and detail goes through here: the query form of `applications.view_application`."""
    qs = Application.objects.select_related("call", "category", "enterprise", "region")
    return qs.filter(app_rules.can_view.q(user))


def application_for(user: User, *, pk: int) -> Application:
    """The application if `user` may see it; Http404 otherwise (never reveal that it exists)."""
    # The form version comes along without its definition: the resolved definition is cached by version
    # (applications/forms/lookup.py), and every save and page of one application needs it.
    application = (
        applications_visible_to(user)
        .select_related("form_version")
        .defer("form_version__definition")
        .filter(pk=pk)
        .first()
    )
    if application is None or not allowed(user, "applications.view_application", application):
        raise Http404
    return application


def application_to_save(user: User, *, pk: int) -> Application:
    """`application_for` with only what a save reads (the call and the form version): the short answer of an
    autosave shows nothing of the category, the enterprise or the region, so their joins are not paid for."""
    application = (
        Application.objects.select_related("call", "form_version")
        .defer("form_version__definition")
        .filter(app_rules.can_view.q(user), pk=pk)
        .order_by()
        .first()
    )
    if application is None or not allowed(user, "applications.view_application", application):
        raise Http404
    return application


def is_editable(application: Application) -> bool:
    return workflow.is_editable(application)


def reads_live(user: User, *, application: Application) -> bool:
    """The enterprise and administrators read the live draft; staff read the latest submitted snapshot."""
    return allowed(user, "applications.read_live_application", application)


def latest_snapshot(application: Application) -> Snapshot | None:
    if not application.receipt_no:
        # Only a submission makes a snapshot, and it gives the receipt number in the same transaction: a draft
        # never submitted has none (no query on each of its autosaves).
        return None
    return application.snapshots.order_by("-version").first()


def frozen_submission(application: Application) -> dict | None:
    """The latest snapshot's content (form, derived figures, eligibility, profile, materials), or None."""
    snapshot = latest_snapshot(application)
    return json.loads(snapshot.canonical_json) if snapshot is not None else None


def reference_date(call: Call) -> dt.date:
    """Eligibility is judged at the call's deadline (the date in Asia/Shanghai)."""
    return call.deadline.astimezone(SHANGHAI).date()


def investment_period(call: Call) -> tuple[dt.date, dt.date]:
    return (call.investment_period_start, call.investment_period_end)


def application_reading(user: User, *, application: Application) -> dict:
    """What `user` reads of `application`, computed once for pages and API alike.

    The enterprise (and an administrator) read the live draft while it is editable, with live figures and
    eligibility; once it is submitted, and always for county and city staff, everything comes from the
    latest snapshot — the form, the derived figures, the eligibility verdict and the profile frozen at
    submission — so staff never read edits made after a withdrawal or a return.
    """
    frozen = frozen_submission(application)
    if frozen is not None and not (reads_live(user, application=application) and workflow.is_editable(application)):
        return {
            "frozen": True,
            "data": snapshot_form(frozen),  # old snapshots: their 2018 keys read as today's
            "figures": frozen["derived"],
            "eligibility": frozen_verdict(application, frozen),
            "profile": frozen.get("enterprise") or {},
            "snapshot_version": frozen["version"],
        }
    figures = application_figures(application)
    return {
        "frozen": False,
        "data": application.data,
        "figures": figures,
        "eligibility": eligibility_for(application, figures=figures),
        "profile": None,
        "snapshot_version": frozen["version"] if frozen else None,
    }


def frozen_verdict(application: Application, frozen: dict) -> dict:
    """The verdict frozen at submission, worded in the reader's language.

    The stored words are in the language of the submission (Chinese). The engine is deterministic: run again on
    the frozen profile and figures it must say exactly the stored words in Chinese; only then is its wording in
    the active language shown. Otherwise (an older rule, a changed deadline, an English submission) the stored
    words are kept, so a reader never sees a verdict other than the one frozen.
    """
    stored = frozen["eligibility"]
    if translation.get_language() == settings.LANGUAGE_CODE or not frozen.get("enterprise"):
        return stored
    try:
        facts = enterprise_facts_from_snapshot(frozen["enterprise"])
    except (KeyError, TypeError, ValueError, ArithmeticError):
        return stored
    with translation.override(settings.LANGUAGE_CODE):
        again = _evaluate(application, facts, frozen["derived"])
    return _evaluate(application, facts, frozen["derived"]) if again == stored else stored


def _evaluate(application: Application, facts, figures: dict) -> dict:
    kwargs = {}
    if application.category.code == eligibility.DEMONSTRATION:
        kwargs["demonstration"] = derived_mod.demonstration_facts(figures)
    else:
        kwargs["new_product"] = derived_mod.new_product_facts(figures)
    result = eligibility.evaluate(
        application.category, enterprise=facts, reference_date=reference_date(application.call), **kwargs
    )
    return result.as_dict()


def application_figures(application: Application, *, data: dict | None = None) -> dict:
    data = application.data if data is None else data
    return derived_mod.figures(application.category.code, data, period=investment_period(application.call))


def _no_profile_result(category_code):
    return {
        "eligible": False,
        "size_class": "unknown",
        "size_reason": _("尚未填写企业信息，无法划型。"),
        "checks": [
            {"code": "profile", "passed": False, "message": _("请先在“企业信息”中填写并保存本单位的基本情况。")}
        ],
    }


def eligibility_for(application: Application, *, figures: dict | None = None, profile=None) -> dict:
    """The eligibility engine on the enterprise profile and the form's derived figures (as_dict shape)."""
    figures = application_figures(application) if figures is None else figures
    profile = profile_for(application.enterprise, signers=False) if profile is None else profile
    if profile is None:
        return _no_profile_result(application.category.code)
    return _evaluate(application, enterprise_facts(profile), figures)


def startable_categories(user: User) -> list[tuple]:
    """(call, category, existing application or None) for every open call, for the dashboard buttons.
    Only for those who may fill in applications (enterprise users); nobody else is offered 填报."""
    if not allowed(user, "applications.add_application"):
        return []
    existing = {
        (a.call_id, a.category_id): a
        for a in Application.objects.filter(enterprise_id=user.organisation_id).only(
            "id", "call_id", "category_id", "status"
        )
    }
    rows = []
    for call in Call.objects.open_now().prefetch_related("categories").order_by("deadline"):
        for category in call.categories.all():
            rows.append((call, category, existing.get((call.id, category.id))))
    return rows


def own_application(user: User, *, call: Call, category) -> Application | None:
    """The actor's own organisation's application of `category` in `call`, or None — never another
    organisation's, also for those who may read every application (administrators)."""
    return Application.objects.filter(app_rules.is_own_enterprise.q(user), call=call, category=category).first()
