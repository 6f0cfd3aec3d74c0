"""The application workflow as data: (source, action) -> target, with labels, roles and a guard.

`applications.services.transition()` is the only code that changes `Application.status`; buttons and API
actions are derived from this table. Later issues (county and city review) add their rows here.

Each row names the object permission (applications/rules.py) its actor needs on *this* application — the role
and the object: the county acts only on its own unit's applications, the enterprise only on its own — and a
guard for the state of the world (the call open…). Status names are `Application.Status`, defined once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from applications.models import Application
from applications.rules import allowed

Status = Application.Status

# The enterprise may edit its form and materials in these states (a withdrawn or returned application is
# edited and submitted again; it keeps its receipt number).
EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.WITHDRAWN, Status.RETURNED})


def is_editable(application) -> bool:
    return application.status in EDITABLE_STATUSES


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str
    label: str  # the button
    public_label: str  # what the applicant reads in the history
    permission: str  # the object permission (applications/rules.py) the actor needs on the application
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


SUBMIT = "applications.submit_application"
WITHDRAW = "applications.withdraw_application"
RETURN = "applications.return_application"

TRANSITIONS = (
    Transition(Status.DRAFT, "submit", Status.SUBMITTED, _("提交申报"), _("企业提交申报"), SUBMIT, _call_open),
    Transition(Status.WITHDRAWN, "submit", Status.SUBMITTED, _("重新提交"), _("企业重新提交"), SUBMIT, _call_open),
    Transition(
        Status.SUBMITTED,
        "withdraw",
        Status.WITHDRAWN,
        _("撤回申报"),
        _("企业撤回申报"),
        WITHDRAW,
        None,
        _("撤回后可修改并在截止时间前重新提交；截止后将无法再提交。确定撤回吗？"),
    ),
    # Declared for the county review (next issue): returned for changes, then submitted again.
    Transition(Status.SUBMITTED, "return", Status.RETURNED, _("退回修改"), _("县级退回修改"), RETURN),
    Transition(Status.RETURNED, "resubmit", Status.SUBMITTED, _("修改后重新提交"), _("企业修改后重新提交"), SUBMIT),
)
_BY_KEY = {(t.source, t.action): t for t in TRANSITIONS}


def find(source, action) -> Transition | None:
    return _BY_KEY.get((source, action))


def actions_from(source):
    return [t for t in TRANSITIONS if t.source == source]


def permitted(transition: Transition, application, actor) -> bool:
    """The actor's object permission for this row (no superuser shortcut: an administrator does not submit,
    withdraw or review for anybody)."""
    return allowed(actor, transition.permission, application)


def refusal(transition: Transition, application, actor):
    """None when `actor` may take `transition` on `application` now, else the reason."""
    if not permitted(transition, application, actor):
        return _("您不能对这份申报书执行“%(label)s”。") % {"label": transition.label}
    if transition.guard is not None:
        return transition.guard(application, actor)
    return None


def available(application, actor):
    """The transitions `actor` may take now (for buttons)."""
    return [t for t in actions_from(application.status) if refusal(t, application, actor) is None]
