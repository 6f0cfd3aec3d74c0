"""What a person's list of applications shows: the heading for their role, what each row offers, whether
they are offered 填报 buttons. Decided here from the rules (applications/rules.py), so no template spells a
role name; the list page, the dashboards and the application page's breadcrumb read it from here.

- An enterprise user: 我的申报, its own applications (继续填写 while editable, 查看, PDF) and the start buttons.
- County reviewers, city officers and administrators: a list headed for their role, each row 查看 (and PDF
  while the submission stands); never 继续填写, never 填报.
- Anyone else (experts): a list that is empty.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from applications import rules as app_rules
from applications import selectors, workflow
from applications.models import Application
from applications.rules import allowed
from core.rules import Rule


@dataclass(frozen=True)
class Audience:
    """How the list reads for the people a rule describes."""

    rule: Rule | None
    heading: Promise
    intro: Promise | str
    empty: Promise


AUDIENCES = (
    Audience(app_rules.ENTERPRISE, _("我的申报"), "", _("还没有申报书。")),
    Audience(
        app_rules.COUNTY,
        _("本县区已提交的申报书"),
        _("可查看本县区企业已提交的申报书，下载申请书 PDF。"),
        _("本县区还没有已提交的申报书。"),
    ),
    Audience(
        app_rules.CITY,
        _("全市已提交的申报书"),
        _("可查看全市企业已提交的申报书，下载申请书 PDF。"),
        _("全市还没有已提交的申报书。"),
    ),
    Audience(
        app_rules.ADMIN,
        _("全部申报书（系统管理员，只读）"),
        _("可查看全部申报书（含企业未提交的草稿），下载申请书 PDF；不能代企业新建、填写、提交或撤回。"),
        _("还没有申报书。"),
    ),
)
NOBODY = Audience(None, _("申报书列表"), "", _("您的账户没有可查看的申报书。"))


def audience_for(user: User) -> Audience:
    for audience in AUDIENCES:
        if audience.rule.test(user):
            return audience
    return NOBODY


@dataclass(frozen=True)
class Row:
    application: Application
    may_continue: bool  # 继续填写: the user may change it and its state allows it
    has_pdf: bool  # the submission stands (a withdrawn or returned one has no printable copy)


def row_for(user: User, application: Application) -> Row:
    editable = workflow.is_editable(application)
    return Row(
        application=application,
        may_continue=editable and allowed(user, "applications.change_application", application),
        has_pdf=bool(application.digest) and not editable,
    )


def application_list(user: User) -> dict:
    """The context of the list (page, enterprise dashboard): heading, rows, start buttons."""
    audience = audience_for(user)
    may_start = allowed(user, "applications.add_application")
    applications = selectors.applications_visible_to(user) if user.is_authenticated else []
    return {
        "heading": audience.heading,
        "intro": audience.intro,
        "empty_text": audience.empty,
        "rows": [row_for(user, a) for a in applications],
        "show_enterprise": not may_start,
        "may_start": may_start,
        "startable": selectors.startable_categories(user) if may_start else [],
    }


def staff_summary(user: User) -> dict:
    """The dashboard card of staff: the list's heading, what they may do and how many there are."""
    audience = audience_for(user)
    return {
        "heading": audience.heading,
        "intro": audience.intro,
        "count": selectors.applications_visible_to(user).count() if user.is_authenticated else 0,
    }
