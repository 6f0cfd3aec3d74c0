"""The application workflow as data: (source, action) -> target, with labels, roles and a guard.

`applications.services.transition()` is the only code that changes `Application.status`; buttons and API
actions are derived from this table. Later issues (county and city review) add their rows here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from accounts.models import User

DRAFT, SUBMITTED, WITHDRAWN, RETURNED = "draft", "submitted", "withdrawn", "returned"

# The enterprise may edit its form and materials in these states (a withdrawn or returned application is
# edited and submitted again; it keeps its receipt number).
EDITABLE_STATUSES = frozenset({DRAFT, WITHDRAWN, RETURNED})


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str
    label: str  # the button
    public_label: str  # what the applicant reads in the history
    roles: frozenset
    guard: Callable | None = None  # (application, actor) -> None when allowed, else the reason (Chinese)
    confirm: str = ""


def _call_open(application, actor):
    from django.utils import timezone

    call = application.call
    now = timezone.now().replace(microsecond=0)
    if now < call.opens_at:
        return _("本批次尚未开始受理（%(t)s 开始）。") % {
            "t": timezone.localtime(call.opens_at).strftime("%Y-%m-%d %H:%M")
        }
    if now > call.deadline:
        return _("本批次已于 %(t)s（北京时间）截止受理，不能再提交。") % {
            "t": timezone.localtime(call.deadline).strftime("%Y-%m-%d %H:%M:%S")
        }
    return None


ENTERPRISE = frozenset({User.Role.ENTERPRISE})
COUNTY = frozenset({User.Role.COUNTY_INDUSTRY, User.Role.COUNTY_FINANCE})

TRANSITIONS = (
    Transition(DRAFT, "submit", SUBMITTED, _("提交申报"), _("企业提交申报"), ENTERPRISE, _call_open),
    Transition(WITHDRAWN, "submit", SUBMITTED, _("重新提交"), _("企业重新提交"), ENTERPRISE, _call_open),
    Transition(
        SUBMITTED,
        "withdraw",
        WITHDRAWN,
        _("撤回申报"),
        _("企业撤回申报"),
        ENTERPRISE,
        None,
        _("撤回后可修改并在截止时间前重新提交；截止后将无法再提交。确定撤回吗？"),
    ),
    # Declared for the county review (next issue): returned for changes, then submitted again.
    Transition(SUBMITTED, "return", RETURNED, _("退回修改"), _("县级退回修改"), COUNTY),
    Transition(RETURNED, "resubmit", SUBMITTED, _("修改后重新提交"), _("企业修改后重新提交"), ENTERPRISE),
)
_BY_KEY = {(t.source, t.action): t for t in TRANSITIONS}


def find(source, action) -> Transition | None:
    return _BY_KEY.get((source, action))


def actions_from(source):
    return [t for t in TRANSITIONS if t.source == source]


def refusal(transition: Transition, application, actor):
    """None when `actor` may take `transition` on `application` now, else the reason."""
    # Deliberately no superuser shortcut: an administrator does not submit or withdraw for an enterprise.
    if actor.role not in transition.roles:
        return _("您的角色不能执行“%(label)s”。") % {"label": transition.label}
    if transition.guard is not None:
        return transition.guard(application, actor)
    return None


def available(application, actor):
    """The transitions `actor` may take now (for buttons)."""
    return [t for t in actions_from(application.status) if refusal(t, application, actor) is None]
