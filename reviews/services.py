"""Writes of the review: a bureau's opinion, the city's re-check, and the one entry point for named actions.

Every change of the application's state goes through applications.services.transition() (the workflow table,
403/409/422, the audit event); this module adds the review's own records in the same transaction, and tells
the people concerned (reviews/messages.py, on the workflow's `transitioned` signal, whatever the entry point).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from applications import services as application_services
from applications import workflow
from applications.models import Application
from applications.selectors import latest_snapshot
from core.errors import Conflict, DomainError
from programmes.vocabulary import REVIEW_CHECKLISTS
from reviews.models import CityCheck, CountyOpinion
from reviews.rules import bureau_of
from reviews.selectors import approvals_of_round

OPINION_ACTIONS = ("approve", "return", "not_recommend")
CITY_ACTIONS = ("send_back", "to_experts")


def _locked(application) -> Application:
    # The row lock serialises the two bureaus (and two reviewers of one bureau): each sees the other's opinion.
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "category", "enterprise", "region")
        .get(pk=application.pk)
    )


def _clean_checklist(bureau, checklist) -> list[str]:
    vocabulary = REVIEW_CHECKLISTS.get(bureau)
    codes = list(dict.fromkeys(checklist or []))
    unknown = [c for c in codes if vocabulary is None or c not in vocabulary.codes]
    if unknown:
        raise DomainError(_("核查事项“%(c)s”不属于本部门的审核清单。") % {"c": "、".join(unknown)}, field="checklist")
    return codes


def opinion_give(*, application, actor, decision, comment="", checklist=None) -> CountyOpinion:
    """One bureau's opinion on the current version; moves the application (county_review, returned,
    not_recommended) and, when both bureaus have approved this round, recommends it."""
    if decision not in OPINION_ACTIONS:
        raise DomainError(_("审核意见只能是通过、退回修改或不予推荐。"), field="action")
    bureau = bureau_of(actor)
    checklist = _clean_checklist(bureau, checklist) if bureau else []
    with transaction.atomic():
        application = _locked(application)
        snapshot = latest_snapshot(application)
        application_services.transition(
            application=application,
            action=decision,
            actor=actor,
            comment=comment,
            data={"bureau": bureau, "checklist": checklist, "snapshot_version": snapshot.version if snapshot else None},
        )
        try:
            with transaction.atomic():
                opinion = CountyOpinion.objects.create(
                    application=application,
                    snapshot=snapshot,
                    round=application.review_round,
                    bureau=bureau,
                    decision=decision,
                    comment=(comment or "").strip(),
                    checklist=checklist,
                    reviewer=actor,
                    organisation=actor.organisation,
                )
        except IntegrityError as exc:
            raise Conflict(_("本部门已对这一版本给出审核意见。")) from exc
        if decision == "approve" and approvals_of_round(application) == {"industry", "finance"}:
            application_services.transition(
                application=application, action="recommend", actor=actor, data={"round": application.review_round}
            )
    return opinion


def city_decide(*, application, actor, decision, comment="") -> CityCheck:
    """The city's re-check of a forwarded application: to the experts, or back to its county (a new round)."""
    if decision not in CITY_ACTIONS:
        raise DomainError(_("市级复核只能是进入专家评审或退回县区。"), field="action")
    with transaction.atomic():
        application = _locked(application)
        snapshot = latest_snapshot(application)
        updates = {"review_round": F("review_round") + 1} if decision == "send_back" else None
        round_reviewed = application.review_round
        application_services.transition(
            application=application, action=decision, actor=actor, comment=comment, updates=updates
        )
        check = CityCheck.objects.create(
            application=application,
            snapshot=snapshot,
            round=round_reviewed,
            decision=decision,
            comment=(comment or "").strip(),
            reviewer=actor,
            organisation=actor.organisation,
        )
    return check


def take_action(*, application, action, actor, comment="", checklist=None):
    """A named action of the workflow (POST /applications/{id}/transitions): the one dispatcher."""
    if action in OPINION_ACTIONS:
        opinion_give(application=application, actor=actor, decision=action, comment=comment, checklist=checklist)
    elif action in CITY_ACTIONS:
        city_decide(application=application, actor=actor, decision=action, comment=comment)
    elif action == "withdraw":
        application_services.application_withdraw(application=application, actor=actor, comment=comment)
    elif action == "resubmit":
        if application.status != Application.Status.RETURNED:
            # Not a first submission by another name: the same 403/409 as every other row.
            application_services.transition(application=application, action=action, actor=actor)
        # The 承诺书 was signed at the first submission; resubmitting the corrected version repeats it.
        application_services.application_submit(application=application, actor=actor, declaration=True)
    elif action in workflow.ACTIONS:
        raise DomainError(_("该操作不能通过此接口执行。"), field="action")
    else:
        raise DomainError(_("未知的操作“%(a)s”。") % {"a": action}, field="action")
    return Application.objects.select_related("call", "category", "enterprise", "region").get(pk=application.pk)
