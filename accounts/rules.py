"""Role predicates, shared by every app's rules.py."""

import rules

from accounts.models import User


@rules.predicate
def is_enterprise_user(user):
    return user.is_authenticated and user.role == User.Role.ENTERPRISE and user.organisation_id is not None


@rules.predicate
def is_county_industry(user):
    return user.is_authenticated and user.role == User.Role.COUNTY_INDUSTRY


@rules.predicate
def is_county_finance(user):
    return user.is_authenticated and user.role == User.Role.COUNTY_FINANCE


@rules.predicate
def is_city_officer(user):
    return user.is_authenticated and user.role == User.Role.CITY_OFFICER


@rules.predicate
def is_expert(user):
    return user.is_authenticated and user.role == User.Role.EXPERT


@rules.predicate
def is_system_admin(user):
    return user.is_authenticated and (user.is_superuser or user.role == User.Role.ADMIN)


is_county_reviewer = is_county_industry | is_county_finance

rules.add_perm("accounts.view_dashboard", rules.is_authenticated)

# Staff accounts (county, city, expert, administrator) sign in with a second factor (accounts/two_factor.py);
# enterprises are not asked.
is_staff_account = is_county_reviewer | is_city_officer | is_expert | is_system_admin
