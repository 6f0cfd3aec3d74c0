"""Telling experts about their assignments: an inbox message (and email) when a draw or a replacement gives
them work. Written in the deciding transaction; the mail is sent after commit (notifications.notify)."""

from __future__ import annotations

from collections import Counter

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from notifications.services import notify


def assignments_given(assignments) -> None:
    """One message per expert: how many applications of which call and category they are asked to score.
    Nothing of the applicants is named (the review may be anonymous)."""
    counts = Counter(a.expert for a in assignments)
    if not counts:
        return
    first = next(iter(assignments))
    with translation.override("zh-hans"):  # the mail goes out in Chinese whatever the actor's page language
        for expert, n in counts.items():
            values = {"n": n, "call": first.panel.call.title, "category": first.panel.category.name}
            notify(
                recipients=[expert.user],
                subject=_("新的评审任务：%(category)s") % values,
                body=_(
                    "您被抽取为“%(call)s”%(category)s的评审专家，共 %(n)s 份申报书。请登录系统，先声明无利益冲突并签署保密承诺，再进行评分。"
                )
                % values,
                link=reverse("evaluation:assignments"),
                obj=first.panel,
                kind="evaluation.assigned",
            )
