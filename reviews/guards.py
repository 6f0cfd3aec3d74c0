"""Conditions on review data that the application workflow's rows need (registered in ReviewsConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from applications import workflow


def bureau_may_give_opinion(application, actor):
    """A county reviewer speaks for one bureau, once per round."""
    from reviews.models import CountyOpinion
    from reviews.rules import bureau_of

    bureau = bureau_of(actor)
    if bureau is None:
        return _("只有县区工信、财政部门的审核人员可以给出审核意见。")
    if CountyOpinion.objects.filter(application=application, round=application.review_round, bureau=bureau).exists():
        return _("本部门已对这一版本给出审核意见。")
    return None


def both_bureaus_approved(application, actor):
    from reviews.selectors import approvals_of_round

    if approvals_of_round(application) != {"industry", "finance"}:
        return _("工信、财政两个部门都审核通过后才能推荐。")
    return None


def register():
    for action in ("approve", "return", "not_recommend"):
        workflow.register_guard(action, bureau_may_give_opinion)
    workflow.register_guard("recommend", both_bureaus_approved)
