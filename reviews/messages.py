"""Who is told what when an application moves (inbox + email, after commit; notifications app delivers).

Driven by the workflow's `transitioned` signal, so a transition taken from a page, the API or a batch tells the
same people. Each message names the state it announces (`expected_state`): if the decision is reversed before
the email task runs, the email is cancelled, not sent.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from notifications.selectors import users_of_organisation, users_with_role_in_region
from notifications.services import notify

ENTERPRISE, COUNTY, CITY = "enterprise", "county", "city"

# action -> (audience, subject msgid, body msgid); bodies may use %(name)s, %(receipt)s, %(category)s,
# %(reason)s, %(unit)s.
MESSAGES = {
    "submit": (
        COUNTY,
        "新的申报待审核：%(name)s",
        "%(name)s 提交了“%(category)s”申报（受理编号 %(receipt)s），请审核。",
    ),
    "resubmit": (
        COUNTY,
        "退回的申报已重新提交：%(name)s",
        "%(name)s 已按退回意见修改并重新提交“%(category)s”申报（受理编号 %(receipt)s），请两个部门重新审核。",
    ),
    "withdraw": (COUNTY, "企业撤回申报：%(name)s", "%(name)s 撤回了“%(category)s”申报（受理编号 %(receipt)s）。"),
    "return": (
        ENTERPRISE,
        "申报书被退回修改（%(receipt)s）",
        "您的“%(category)s”申报（受理编号 %(receipt)s）被县区退回修改。\n理由：%(reason)s\n请修改后重新提交。",
    ),
    "not_recommend": (
        ENTERPRISE,
        "县区不予推荐（%(receipt)s）",
        "您的“%(category)s”申报（受理编号 %(receipt)s）经县区审核不予推荐。\n理由：%(reason)s",
    ),
    "recommend": (
        ENTERPRISE,
        "县区审核通过（%(receipt)s）",
        "您的“%(category)s”申报（受理编号 %(receipt)s）已通过%(unit)s工信、财政部门审核，予以推荐。",
    ),
    "forward": (
        ENTERPRISE,
        "已上报市工信局（%(receipt)s）",
        "您的“%(category)s”申报（受理编号 %(receipt)s）已由%(unit)s盖章上报市工信局。",
    ),
    "send_back": (
        COUNTY,
        "市级退回县区复核：%(name)s",
        "市级将 %(name)s 的“%(category)s”申报（受理编号 %(receipt)s）退回县区复核。\n理由：%(reason)s",
    ),
    "to_experts": (
        ENTERPRISE,
        "进入专家评审（%(receipt)s）",
        "您的“%(category)s”申报（受理编号 %(receipt)s）已通过市级复核，进入专家评审。",
    ),
}


def _audience(application, audience):
    if audience == ENTERPRISE:
        return list(users_of_organisation(application.enterprise_id))
    if audience == COUNTY and application.region_id:
        return list(
            users_with_role_in_region([User.Role.COUNTY_INDUSTRY, User.Role.COUNTY_FINANCE], application.region_id)
        )
    if audience == CITY:
        return list(User.objects.filter(role=User.Role.CITY_OFFICER, is_active=True))
    return []


def _link(application, audience):
    if audience == ENTERPRISE:
        return reverse("applications:detail", args=[application.pk])
    return reverse("reviews:detail", args=[application.pk])


def application_moved(application, *, action, comment=""):
    if action not in MESSAGES:
        return []
    audience, subject, body = MESSAGES[action]
    with translation.override("zh-hans"):  # the mail goes out in Chinese whatever the actor's page language
        values = {
            "name": application.enterprise.name,
            "receipt": application.receipt_no or "",
            "category": application.category.name,
            "reason": comment or _("（未填写）"),
            "unit": application.region.name if application.region_id else "",
        }
        return notify(
            recipients=_audience(application, audience),
            subject=_(subject) % values,
            body=_(body) % values,
            link=_link(application, audience),
            obj=application,
            kind=f"application.{action}",
            expected_state=application.status,
        )


def on_transition(sender, *, application, step, actor, comment, **kwargs):
    application_moved(application, action=step.action, comment=comment)


def application_state(object_id) -> str:
    """The notifications app's state check for applications (a cancelled decision cancels its email)."""
    from applications.models import Application

    return Application.objects.filter(pk=object_id).values_list("status", flat=True).first() or ""
