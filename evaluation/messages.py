"""Telling experts about their assignments: an inbox message (and email) when a draw or a replacement gives
them work, when a redraw withdraws it, and their one-time set-password link. Written in the deciding
transaction; the mail is sent after commit (notifications.notify)."""

from __future__ import annotations

from collections import Counter

from django.urls import reverse
from django.utils import timezone, translation
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


def assignments_withdrawn(experts, panel) -> None:
    """The experts told of a panel that the city redrew: their assignments of it are withdrawn (those drawn
    again are told so by their new assignment message, sent after this one)."""
    with translation.override("zh-hans"):
        values = {"call": panel.call.title, "category": panel.category.name}
        for expert in experts:
            notify(
                recipients=[expert.user],
                subject=_("评审任务已撤回：%(category)s") % values,
                body=_(
                    "“%(call)s”%(category)s的评审专家已由市工信局重新抽取，您此前收到的该类别评审任务已撤回，无需声明或评分。如在重新抽取中被选中，您将另行收到通知。"
                )
                % values,
                link=reverse("evaluation:assignments"),
                obj=panel,
                kind="evaluation.withdrawn",
            )


def password_link_sent(expert, link) -> list:
    """The expert's one-time set-password link by inbox and email (an expert without an email address gets it
    from the city officer, who is shown it once). Returns the messages (their email state says whether a mail
    goes out)."""
    with translation.override("zh-hans"):
        values = {
            "u": expert.user.get_username(),
            "expires": timezone.localtime(link.expires_at).strftime("%Y-%m-%d %H:%M"),
        }
        return notify(
            recipients=[expert.user],
            subject=_("设置评审专家账户的登录密码") if not link.reset else _("重置评审专家账户的登录密码"),
            body=_(
                "市工信局为您的评审专家账户（登录名 %(u)s）发送了设置密码链接。请在 %(expires)s 前打开链接设置密码，然后用登录名和新密码登录。链接只能使用一次；如非本人申请，请联系市工信局。"
            )
            % values,
            link=link.path,
            obj=expert,
            kind="evaluation.password_link",
        )
