"""Parts of the review shown on pages of earlier stages, which include a template of this app instead of
importing its code (docs/architecture.md): {% enterprise_review %} on the enterprise's application page (the
state in public words, the reason of a return or refusal, the history with public labels only; for staff a
link to the review page). Filters for the review's own templates: material_change, diff_section, confirm_question,
role_label."""

from django import template
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from reviews import selectors, selectors_detail
from reviews.diff import ADDED, FIGURES, FORM, PROFILE, REMOVED, REPLACED
from reviews.forms import confirm_text

register = template.Library()

MATERIAL_CHANGES = {ADDED: _("新增"), REMOVED: _("删除"), REPLACED: _("更换")}
DIFF_SECTIONS = {FORM: _("申请书"), FIGURES: _("自动计算"), PROFILE: _("企业信息")}


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


@register.inclusion_tag("reviews/_enterprise_review_body.html", takes_context=True)
def enterprise_review(context, application=None):
    application = application or context.get("application")
    user = _user(context)
    if application is None or user is None or not user.is_authenticated or application.receipt_no is None:
        return {"shown": False}
    if selectors.is_staff_reader(user, application):
        return {"shown": True, "staff": True, "application": application}
    return {
        "shown": True,
        "staff": False,
        "application": application,
        **selectors_detail.enterprise_review(user, application),
    }


@register.filter
def material_change(code):
    return MATERIAL_CHANGES.get(code, code)


@register.filter
def diff_section(code):
    return DIFF_SECTIONS.get(code, code)


@register.filter
def confirm_question(action):
    """The question asked before `action` (data-confirm), "" when none."""
    return confirm_text(action)


@register.filter
def role_label(code):
    """An audit event keeps the actor's role as text; its label as the User model names it."""
    return dict(User.Role.choices).get(code, code)
