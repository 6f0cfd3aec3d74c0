"""The application workflow as data: (source, action) -> target, with labels, roles and a guard.

`applications.services.transition()` is the only code that changes `Application.status`; buttons and API
actions are derived from this table (`available`), never written out elsewhere.

Each row names the object permission (applications/rules.py) its actor needs on *this* application — the role
and the object: the county acts only on its own unit's applications, the enterprise only on its own — and a
guard for the state of the world (the call open…). Status names are `Application.Status`, defined once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.dispatch import Signal
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
    requires_comment: bool = False  # 422 without a comment (a return or refusal always says why)
    # Taken only by the service that owns its condition (both opinions given, a batch forwarded), never offered
    # as a button or an API action.
    system: bool = False
    # A bureau's opinion (reviews.services.opinion_give records it and takes the row).
    opinion: bool = False


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
REVIEW = "applications.review_application"  # the county's bureaus, own unit
CITY_REVIEW = "applications.city_review_application"  # the city's officers

# The county's queue: a submitted application, one under review, and one the city sent back (both opinions
# are given again in the new round).
COUNTY_QUEUE = (Status.SUBMITTED, Status.COUNTY_REVIEW, Status.SENT_BACK)


def _opinion_rows():
    rows = []
    for source in COUNTY_QUEUE:
        rows += [
            Transition(
                source, "approve", Status.COUNTY_REVIEW, _("审核通过"), _("县区部门审核通过"), REVIEW, opinion=True
            ),
            Transition(
                source,
                "return",
                Status.RETURNED,
                _("退回修改"),
                _("县区退回修改"),
                RETURN,
                requires_comment=True,
                opinion=True,
            ),
            Transition(
                source,
                "not_recommend",
                Status.NOT_RECOMMENDED,
                _("不予推荐"),
                _("县区不予推荐"),
                REVIEW,
                requires_comment=True,
                opinion=True,
                confirm=_("不予推荐将终止这份申报，企业会看到您填写的理由。确定不予推荐吗？"),
            ),
        ]
    return rows


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
    *_opinion_rows(),
    # A return is answered by a new version: a new snapshot and digest, the receipt number kept. No deadline
    # guard: the county returned it for changes, the enterprise must be able to answer after the deadline.
    Transition(Status.RETURNED, "resubmit", Status.SUBMITTED, _("修改后重新提交"), _("企业修改后重新提交"), SUBMIT),
    Transition(
        Status.COUNTY_REVIEW,
        "recommend",
        Status.RECOMMENDED,
        _("推荐上报"),
        _("县区审核通过，予以推荐"),
        REVIEW,
        system=True,
    ),
    Transition(
        Status.RECOMMENDED, "forward", Status.FORWARDED, _("上报市级"), _("县区已盖章上报市工信局"), REVIEW, system=True
    ),
    Transition(
        Status.FORWARDED,
        "send_back",
        Status.SENT_BACK,
        _("退回县区"),
        _("市级退回县区复核"),
        CITY_REVIEW,
        requires_comment=True,
    ),
    Transition(
        Status.FORWARDED,
        "to_experts",
        Status.EXPERT_REVIEW,
        _("进入专家评审"),
        _("市级复核通过，进入专家评审"),
        CITY_REVIEW,
    ),
    # The outcome, issued by the city after the publicity period (publicity.designations, for a whole category).
    Transition(
        Status.EXPERT_REVIEW,
        "designate",
        Status.DESIGNATED,
        _("认定"),
        _("经专家评审和公示，予以认定"),
        CITY_REVIEW,
        system=True,
    ),
    Transition(
        Status.EXPERT_REVIEW,
        "not_select",
        Status.NOT_SELECTED,
        _("未入选"),
        _("经专家评审，本次未入选"),
        CITY_REVIEW,
        system=True,
    ),
)
_BY_KEY = {(t.source, t.action): t for t in TRANSITIONS}
ACTIONS = tuple(dict.fromkeys(t.action for t in TRANSITIONS))
# What a client may ask for by name (POST /applications/{id}/transitions); the system rows are not among them.
PUBLIC_ACTIONS = tuple(dict.fromkeys(t.action for t in TRANSITIONS if not t.system and t.action != "submit"))

# Later stages add conditions on their own data to an action (reviews: one opinion per bureau and round)
# without this table importing them: register_guard("approve", fn) from their AppConfig.ready().
_EXTRA_GUARDS: dict[str, list[Callable]] = {}


# Sent by transition() inside its transaction, after the state changed: (sender=Application, application, step,
# actor, comment). Later stages listen (reviews/messages.py tells the people concerned).
transitioned = Signal()


def register_guard(action, guard):
    if guard not in _EXTRA_GUARDS.setdefault(action, []):
        _EXTRA_GUARDS[action].append(guard)


def find(source, action) -> Transition | None:
    return _BY_KEY.get((source, action))


def actions_from(source):
    return [t for t in TRANSITIONS if t.source == source]


def rows_for(action):
    return [t for t in TRANSITIONS if t.action == action]


def permitted(transition: Transition, application, actor) -> bool:
    """The actor's object permission for this row (no superuser shortcut: an administrator does not submit,
    withdraw or review for anybody)."""
    return allowed(actor, transition.permission, application)


def refusal(transition: Transition, application, actor):
    """None when `actor` may take `transition` on `application` now, else the reason."""
    if not permitted(transition, application, actor):
        return _("您不能对这份申报书执行“%(label)s”。") % {"label": transition.label}
    for guard in (transition.guard, *_EXTRA_GUARDS.get(transition.action, ())):
        reason = guard(application, actor) if guard is not None else None
        if reason:
            return reason
    return None


def available(application, actor):
    """The transitions `actor` may take now (for buttons and GET /actions): never the system rows."""
    return [t for t in actions_from(application.status) if not t.system and refusal(t, application, actor) is None]


def may_ever(action, application, actor) -> bool:
    """Whether `actor` holds the permission of some row of `action` on this application (else the API says 403,
    not 409: it is not the state that stands in the way)."""
    return any(permitted(t, application, actor) for t in rows_for(action))
