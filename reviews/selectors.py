"""Reads of the review: opinions, the city's checks, an application's history."""

from __future__ import annotations

from applications import workflow
from applications.rules import allowed
from audit.selectors import events_for_object
from reviews.models import CityCheck, CountyOpinion

APPROVE = "approve"


def approvals_of_round(application) -> set[str]:
    """The bureaus that approved the application's current round."""
    return set(
        CountyOpinion.objects.filter(
            application=application, round=application.review_round, decision=APPROVE
        ).values_list("bureau", flat=True)
    )


def opinions_of(application):
    """Every round's opinions, oldest first (the page groups them by round)."""
    return list(
        CountyOpinion.objects.filter(application=application)
        .select_related("reviewer", "organisation", "snapshot")
        .order_by("round", "created_at", "id")
    )


def city_checks_of(application):
    return list(
        CityCheck.objects.filter(application=application).select_related("reviewer", "organisation").order_by("id")
    )


def is_staff_reader(user, application) -> bool:
    """County or city staff (or an administrator) reading the application: they see the whole history."""
    return allowed(user, "applications.view_application", application) and not allowed(
        user, "applications.submit_application", application
    )


# The enterprise reads why it was returned or refused; a bureau's remark on its approval and the city's
# exchange with the county are internal.
_REASONS_SHOWN_TO_ENTERPRISE = {"return", "not_recommend"}


def history_of(user, application):
    """The application's events in time order: every detail for staff, the public labels for the enterprise."""
    events = events_for_object(application)
    staff = is_staff_reader(user, application)
    rows = []
    for event in events:
        action = event.action.removeprefix("application.")
        data = event.data or {}
        step = workflow.find(event.from_state, action) if event.from_state else None
        if step is None and not staff:
            continue  # not a state change (an upload, a download…): not part of what the enterprise reads
        row = {
            "at": event.occurred_at,
            "action": action,
            "label": str(step.public_label) if step is not None else event.summary,
            "from": event.from_state or None,
            "to": event.to_state or None,
        }
        comment = event.comment
        if staff:
            row.update(
                {
                    "staff_label": str(step.label) if step is not None else event.action,
                    "actor": event.actor_username,
                    "role": event.actor_role,
                    "bureau": data.get("bureau", ""),
                    "comment": comment,
                    "summary": event.summary,
                }
            )
        elif action in _REASONS_SHOWN_TO_ENTERPRISE:
            row["comment"] = comment
        rows.append(row)
    return rows
