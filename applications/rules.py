"""Who may do what to which application and which material — the one place it is decided (django-rules).

Each rule has a query form (core.rules.Rule), so the selectors list exactly what the permissions allow.

- An enterprise user sees and changes only its own organisation's applications and their current files.
- County reviewers (工信 and 财政) see the applications of their own unit once submitted; city officers see
  every application once submitted. Staff read what was submitted — the latest snapshot and the files it
  listed — never the enterprise's unsubmitted work (a withdrawn or returned application's new edits and files).
- System administrators read everything (live drafts included) and act on nothing of an enterprise's.
- Experts and everyone else see nothing here (the API answers 404, as for an object that does not exist).

Whether the *state* allows an action (editable, call open…) is the workflow's and the services' business:
they answer 409 with the reason. These rules answer only "this person, this object".
"""

from __future__ import annotations

import rules
from django.db.models import Q

from accounts.rules import is_city_officer, is_county_reviewer, is_enterprise_user, is_system_admin
from core.rules import EVERYTHING, NOTHING, object_rule, user_rule

ENTERPRISE = user_rule(is_enterprise_user)
COUNTY = user_rule(is_county_reviewer)
CITY = user_rule(is_city_officer)
ADMIN = user_rule(is_system_admin)


# ------------------------------------------------------------------------------------------- applications


def _own_q(user):
    return Q(enterprise_id=user.organisation_id) if is_enterprise_user(user) else NOTHING


def _region_q(user):
    organisation = getattr(user, "organisation", None) if user.is_authenticated else None
    return Q(region_id=organisation.region_id) if organisation is not None and organisation.region_id else NOTHING


@object_rule(q=_own_q)
def is_own_enterprise(user, application):
    return application is not None and is_enterprise_user(user) and user.organisation_id == application.enterprise_id


@object_rule(q=lambda user: Q(receipt_no__isnull=False))
def has_been_submitted(user, application):
    """Submitted at least once (it has a receipt number and a snapshot), whatever its state now."""
    return application is not None and application.receipt_no is not None


@object_rule(q=_region_q)
def in_own_unit(user, application):
    organisation = getattr(user, "organisation", None) if user.is_authenticated else None
    return (
        application is not None
        and organisation is not None
        and organisation.region_id is not None
        and organisation.region_id == application.region_id
    )


county_of_application = COUNTY & has_been_submitted & in_own_unit
city_of_application = CITY & has_been_submitted
can_view = is_own_enterprise | county_of_application | city_of_application | ADMIN
# Who reads the live draft and the current files; every other viewer reads the latest snapshot.
reads_live = is_own_enterprise | ADMIN
can_change = is_own_enterprise

rules.add_perm("applications.view_application", can_view.predicate)
rules.add_perm("applications.add_application", is_enterprise_user)
rules.add_perm("applications.change_application", can_change.predicate)  # the form and its materials
rules.add_perm("applications.submit_application", is_own_enterprise.predicate)
rules.add_perm("applications.withdraw_application", is_own_enterprise.predicate)
rules.add_perm("applications.read_live_application", reads_live.predicate)
# The county's review: only the application's own unit (which bureau gives which opinion is the reviews app's
# guard); the city's re-check: the city's officers, once forwarded (the workflow's state decides that).
rules.add_perm("applications.return_application", county_of_application.predicate)
rules.add_perm("applications.review_application", county_of_application.predicate)
rules.add_perm("applications.city_review_application", city_of_application.predicate)


# ------------------------------------------------------------------------------------------- materials
# The object is a Material; the application's rules apply through it, plus which file it is.


def _through_application(rule):
    """A rule about the material's application, with its query form on the Material table."""

    def q(user):
        inner = rule.q(user)
        if inner is NOTHING or inner is EVERYTHING:
            return inner
        return Q(application__in=_application_model().objects.filter(inner).values("pk"))

    return object_rule(q=q)(lambda user, material: material is not None and rule.test(user, material.application))


def _application_model():
    from applications.models import Application

    return Application


@object_rule(q=lambda user: Q(replaced_at__isnull=True))
def is_current_file(user, material):
    return material is not None and material.replaced_at is None


@object_rule(q=lambda user: Q(submitted=True))
def is_submitted_file(user, material):
    """Listed in the application's latest submitted snapshot."""
    return material is not None and material.submitted


can_download_material = (
    (_through_application(is_own_enterprise) & is_current_file)
    | _through_application(ADMIN)
    | (_through_application(county_of_application | city_of_application) & is_submitted_file)
)

rules.add_perm("applications.download_material", can_download_material.predicate)


def allowed(user, perm, obj=None) -> bool:
    """The rule itself, without Django's "a superuser may do anything" shortcut of `user.has_perm`."""
    return rules.has_perm(perm, user, obj)
