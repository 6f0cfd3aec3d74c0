"""Pages of the review (thin: one selector or service each).

/review/applications/<id>/ is what county reviewers, city officers and administrators read of a submission:
the frozen snapshot (every form field, the derived figures, the eligibility and the profile at submission),
the submitted files, the flags, both bureaus' opinions per round, the city's checks, the history, the diff
between two versions, and the forms of the actions the workflow offers this reader now. The enterprise is
sent to its own page; whoever may not read the application gets 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from applications import layout, workflow
from applications import pdf as paper
from applications import selectors as application_selectors
from applications.flags import flags_for
from applications.forms import definition_for_application, snapshot_form
from applications.rules import allowed
from core.errors import Conflict, DomainError, PermissionDeniedError
from programmes import vocabulary
from reviews import selectors, selectors_detail, services
from reviews.forms import CityCheckForm, OpinionForm, confirm_text
from reviews.rules import bureau_of


def _readable(request, pk):
    return application_selectors.application_for(request.user, pk=pk)  # 404 for whoever may not read it


def _submitted(user, application) -> dict | None:
    """What was submitted (the latest snapshot), as application_reading gives it to staff; None before any
    submission. An administrator reads the live draft elsewhere; here also the snapshot."""
    reading = application_selectors.application_reading(user, application=application)
    if reading["frozen"]:
        return reading
    frozen = application_selectors.frozen_submission(application)
    if frozen is None:
        return None
    return {
        "frozen": True,
        "data": snapshot_form(frozen),
        "figures": frozen["derived"],
        "eligibility": frozen["eligibility"],
        "profile": frozen.get("enterprise") or {},
        "snapshot_version": frozen["version"],
    }


def _version(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _diff(request, application, versions):
    """?from=&to= compares any two versions; by default the one before the latest with the latest."""
    wanted = _version(request.GET.get("from")), _version(request.GET.get("to"))
    if all(wanted):
        try:
            return selectors_detail.versions_diff(application, from_version=wanted[0], to_version=wanted[1])
        except DomainError as exc:
            messages.error(request, exc.message)
    return selectors_detail.latest_change(application, versions=versions)


def _page(request, application, *, opinion_form=None, city_form=None, status=200):
    user = request.user
    submitted = _submitted(user, application)
    definition = definition_for_application(application)
    steps = workflow.available(application, user)
    opinion_steps = [t for t in steps if t.opinion]
    city_steps = [t for t in steps if t.action in services.CITY_ACTIONS]
    bureau = bureau_of(user)
    versions = selectors_detail.snapshot_versions(application)
    context = {
        "application": application,
        "definition": definition,
        "submitted": submitted,
        "sections": layout.build(definition, submitted["data"], editable=False) if submitted else [],
        "figures": submitted["figures"] if submitted else {},
        "eligibility": paper.eligibility(submitted["eligibility"]) if submitted else None,
        "profile": submitted["profile"] if submitted else {},
        "profile_rows": paper.enterprise_rows(submitted["profile"]) if submitted else [],
        "area_labels": dict(vocabulary.AREAS),
        "comparison_rows": vocabulary.COMPARISON_ROWS,
        "material_rows": selectors_detail.submitted_material_rows(user, application),
        "flags": flags_for(user, application),
        "rounds": selectors_detail.opinion_rounds(application),
        "history": selectors.history_of(user, application),
        "versions": versions,
        "diff": _diff(request, application, versions),
        "opinion_steps": opinion_steps,
        "city_steps": city_steps,
        "bureau": bureau,
        "bureau_label": vocabulary.BUREAUS.label(bureau) if bureau else "",
        "opinion_form": opinion_form or (OpinionForm(bureau=bureau) if opinion_steps else None),
        "city_form": city_form or (CityCheckForm() if city_steps else None),
    }
    return render(request, "reviews/detail.html", context, status=status)


@login_required
@require_GET
def review_detail(request, pk):
    application = _readable(request, pk)
    if allowed(request.user, "applications.submit_application", application):
        return redirect("applications:detail", pk=application.pk)  # the enterprise reads its own page
    return _page(request, application)


def _conflict(request, pk, exc):
    """Someone else acted meanwhile: say so on the page as it is now."""
    messages.error(request, exc.message)
    return _page(request, _readable(request, pk), status=409)


def _form_errors(form, exc):
    for error in exc.errors:
        field = error.get("field")
        form.add_error(field if field in form.fields else None, error["message"])


def _confirmation(request, application, form, form_key, action):
    """Without JavaScript a refusal or a send-back is confirmed on a page of its own (confirm.js asks inline);
    从确认页“返回修改” shows the form again with what was typed."""
    if not confirm_text(action) or request.POST.get("confirm") == "yes":
        return None
    if request.POST.get("confirm") == "no":
        return _page(request, application, **{form_key: form})
    context = {
        "application": application,
        "action": action,
        "label": dict(form.fields["decision"].choices).get(action, action),
        "question": confirm_text(action),
        "comment": form.cleaned_data.get("comment", ""),
        "checklist": form.cleaned_data.get("checklist", []),
        "post_url": request.path,
    }
    return render(request, "reviews/detail_confirm.html", context)


def _decide(request, pk, form_class, give, form_key, **form_kwargs):
    application = _readable(request, pk)
    form = form_class(request.POST, **form_kwargs)
    if not form.is_valid():
        return _page(request, application, status=422, **{form_key: form})
    action = form.cleaned_data["decision"]
    confirmation = _confirmation(request, application, form, form_key, action)
    if confirmation is not None:
        return confirmation
    try:
        give(application, action, form.cleaned_data)
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
    except Conflict as exc:
        return _conflict(request, pk, exc)
    except DomainError as exc:
        _form_errors(form, exc)
        return _page(request, application, status=exc.status, **{form_key: form})
    label = dict(form.fields["decision"].choices).get(action, action)
    messages.success(request, _("已办理：%(label)s。") % {"label": label})
    return redirect("reviews:detail", pk=pk)


@login_required
@require_POST
def review_opinion(request, pk):
    """A county bureau's opinion (reviews.services.opinion_give)."""

    def give(application, action, data):
        services.opinion_give(
            application=application,
            actor=request.user,
            decision=action,
            comment=data.get("comment", ""),
            checklist=data.get("checklist", []),
        )

    return _decide(request, pk, OpinionForm, give, "opinion_form", bureau=bureau_of(request.user))


@login_required
@require_POST
def review_city_check(request, pk):
    """The city's re-check of a forwarded application (reviews.services.city_decide)."""

    def give(application, action, data):
        services.city_decide(application=application, actor=request.user, decision=action, comment=data["comment"])

    return _decide(request, pk, CityCheckForm, give, "city_form")
