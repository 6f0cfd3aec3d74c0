"""Who may see and change applications (django-rules). The object is always an Application.

- An enterprise user sees and edits only its own organisation's applications.
- County reviewers (工信 and 财政) see the applications of their own region once submitted;
  city officers see every submitted application; system administrators see everything.
- Nobody else sees anything (the API answers 404, as for an object that does not exist).
"""

import rules

from accounts.rules import is_city_officer, is_county_reviewer, is_enterprise_user, is_system_admin


@rules.predicate
def is_own_enterprise(user, application):
    return (
        application is not None and bool(is_enterprise_user(user)) and user.organisation_id == application.enterprise_id
    )


@rules.predicate
def has_left_draft(user, application):
    return application is not None and (application.status != "draft" or application.receipt_no is not None)


@rules.predicate
def in_reviewers_region(user, application):
    org = getattr(user, "organisation", None)
    return application is not None and org is not None and org.region_id == application.region_id


can_view = (
    is_own_enterprise
    | (is_county_reviewer & has_left_draft & in_reviewers_region)
    | (is_city_officer & has_left_draft)
    | is_system_admin
)

rules.add_perm("applications.view_application", can_view)
rules.add_perm("applications.add_application", is_enterprise_user)
# The state (editable or not, call open or not) is checked by the services, which say why (409).
rules.add_perm("applications.change_application", is_own_enterprise)
rules.add_perm("applications.submit_application", is_own_enterprise)
rules.add_perm("applications.withdraw_application", is_own_enterprise)
