"""Who may issue designations and read a certificate — the designation's rules, in one place.

The city's officers issue the final list of a category; the certificate of a designated application is read by
the people who may read the application itself (its own enterprise, the county of its unit, the city, the
administrator: applications.rules can_view), and is 404 to everyone else. The results and the verification of a
certificate are public.
"""

import rules

from accounts.rules import is_city_officer
from applications.rules import can_view

rules.add_perm("publicity.issue_designations", is_city_officer)
rules.add_perm("publicity.view_certificate", can_view.predicate)


def may_issue(user) -> bool:
    return rules.has_perm("publicity.issue_designations", user)


def may_read_certificate(user, application) -> bool:
    # rules.has_perm is the rule itself, without Django's superuser shortcut of user.has_perm.
    return rules.has_perm("publicity.view_certificate", user, application)
