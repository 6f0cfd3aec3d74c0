"""Who may see, upload and delete an application's materials (django-rules predicates).

Kept in their own module so they can move into applications/rules.py once that exists. The object of
every predicate is the Application the materials belong to.

- The enterprise that owns the application sees its materials; it uploads and deletes them only while
  the application is editable (a draft, or returned for changes).
- County reviewers (工信 and 财政) of the application's region and the city officers see the materials of
  applications that have left the draft state (for the review issues); they never upload or delete.
"""

import rules

from accounts.rules import is_city_officer, is_county_reviewer, is_enterprise_user

# One source of truth: materials are editable exactly when the form is (draft, withdrawn, returned).
from applications.workflow import EDITABLE_STATUSES  # noqa: E402


@rules.predicate
def is_owner_enterprise(user, application):
    return (
        application is not None
        and bool(is_enterprise_user(user))
        and user.organisation_id is not None
        and user.organisation_id == application.enterprise_id
    )


@rules.predicate
def application_is_editable(user, application):
    return application is not None and application.status in EDITABLE_STATUSES


@rules.predicate
def application_left_draft(user, application):
    return application is not None and application.status != "draft"


@rules.predicate
def is_reviewer_of_region(user, application):
    if application is None or not application.region_id or not is_county_reviewer(user):
        return False
    organisation = user.organisation
    return organisation is not None and organisation.region_id == application.region_id


can_view_materials = is_owner_enterprise | (application_left_draft & (is_reviewer_of_region | is_city_officer))
can_change_materials = is_owner_enterprise & application_is_editable

for _name, _predicate in (
    ("applications.view_material", can_view_materials),
    ("applications.change_material", can_change_materials),
):
    if not rules.perm_exists(_name):
        rules.add_perm(_name, _predicate)


def can_view(user, application):
    return bool(can_view_materials(user, application))


def can_change(user, application):
    return bool(can_change_materials(user, application))


def is_owner(user, application):
    return bool(is_owner_enterprise(user, application))
