"""Permission and workflow tables: state × role."""

import pytest
import rules

from applications import selectors, workflow
from applications.models import Application
from tests.applications.core_helpers import draft, make_call

pytestmark = pytest.mark.django_db

# who -> (sees a draft of 甲 in 邗江, sees it once submitted)
VIEW = {
    "enterprise_a": (True, True),
    "enterprise_b": (False, False),
    "hanjiang_industry": (False, True),
    "hanjiang_finance": (False, True),
    "guangling_industry": (False, False),
    "guangling_finance": (False, False),
    "city_officer": (False, True),
    "expert": (False, False),
    "admin": (True, True),
}


@pytest.mark.parametrize("who", sorted(VIEW))
def test_view_permission_table(cast, who):
    call = make_call()
    application = draft(cast.enterprise_a, call)
    user = getattr(cast, who)
    as_draft, as_submitted = VIEW[who]
    assert user.has_perm("applications.view_application", application) is as_draft
    assert selectors.applications_visible_to(user).filter(pk=application.pk).exists() is as_draft
    Application.objects.filter(pk=application.pk).update(status="submitted", region_id="321003", receipt_no="X-1")
    application.refresh_from_db()
    assert user.has_perm("applications.view_application", application) is as_submitted
    assert selectors.applications_visible_to(user).filter(pk=application.pk).exists() is as_submitted


@pytest.mark.parametrize("who", sorted(VIEW))
def test_only_the_own_enterprise_may_change(cast, who):
    call = make_call()
    application = draft(cast.enterprise_a, call)
    user = getattr(cast, who)
    expected = who == "enterprise_a"
    for perm in ["change_application", "submit_application", "withdraw_application"]:
        # rules.has_perm: the rule itself, without Django's "a superuser may do anything" shortcut
        assert rules.has_perm(f"applications.{perm}", user, application) is expected, perm


def test_anonymous_sees_nothing(cast):
    call = make_call()
    application = draft(cast.enterprise_a, call)
    assert not cast.anonymous.has_perm("applications.view_application", application)
    assert not selectors.applications_visible_to(cast.anonymous).exists()


@pytest.mark.parametrize(
    "status, action, target",
    [
        ("draft", "submit", "submitted"),
        ("withdrawn", "submit", "submitted"),
        ("submitted", "withdraw", "withdrawn"),
        ("submitted", "return", "returned"),
        ("returned", "resubmit", "submitted"),
    ],
)
def test_workflow_table(status, action, target):
    step = workflow.find(status, action)
    assert step is not None and step.target == target and step.label


@pytest.mark.parametrize(
    "status, action", [("draft", "withdraw"), ("submitted", "submit"), ("withdrawn", "withdraw"), ("draft", "return")]
)
def test_workflow_refuses_other_moves(status, action):
    assert workflow.find(status, action) is None


@pytest.mark.parametrize("who, allowed", [("enterprise_a", True), ("hanjiang_industry", False)])
def test_withdraw_button_only_for_the_enterprise(cast, who, allowed):
    call = make_call()
    application = draft(cast.enterprise_a, call)
    application.status, application.region_id, application.receipt_no = "submitted", "321003", "X-1"
    actions = [t.action for t in workflow.available(application, getattr(cast, who))]
    assert ("withdraw" in actions) is allowed
    assert ("return" in actions) is (not allowed)


def test_editable_states():
    assert workflow.EDITABLE_STATUSES == {"draft", "withdrawn", "returned"}


def test_admin_cannot_edit_or_submit_for_an_enterprise(cast):
    from applications import services
    from core.errors import PermissionDeniedError

    call = make_call()
    application = draft(cast.enterprise_a, call)
    with pytest.raises(PermissionDeniedError):
        services.application_save_draft(application=application, data={}, version=1, actor=cast.admin)
    with pytest.raises(PermissionDeniedError):
        services.application_submit(application=application, actor=cast.admin, declaration=True)
