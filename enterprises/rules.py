"""Who may see and change an enterprise profile (object: EnterpriseProfile)."""

import rules

from accounts.rules import is_city_officer, is_county_reviewer, is_enterprise_user, is_system_admin


@rules.predicate
def is_own_profile(user, profile):
    return profile is not None and user.organisation_id == profile.organisation_id


@rules.predicate
def is_profile_in_my_region(user, profile):
    return profile is not None and user.organisation_id and user.organisation.region_id == profile.registered_region


can_view_profile = (
    (is_enterprise_user & is_own_profile)
    | (is_county_reviewer & is_profile_in_my_region)
    | is_city_officer
    | is_system_admin
)
can_change_profile = is_enterprise_user & is_own_profile

rules.add_perm("enterprises.view_enterpriseprofile", can_view_profile)
rules.add_perm("enterprises.change_enterpriseprofile", can_change_profile)
# Creating one's own profile (an enterprise user whose organisation has none yet, e.g. after an invitation).
rules.add_perm("enterprises.add_enterpriseprofile", is_enterprise_user)
rules.add_perm("enterprises.view_dashboard", is_enterprise_user)
