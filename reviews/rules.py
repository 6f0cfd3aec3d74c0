"""Who may do what in the review — the one place it is decided (django-rules).

The actions on an application are the workflow's rows with the application's object permissions
(applications/rules.py); what is added here is which bureau a reviewer speaks for, and the batches.
"""

from __future__ import annotations

import rules

from accounts.models import User
from accounts.rules import is_city_officer, is_county_finance, is_county_industry, is_county_reviewer

_BUREAU_OF_ROLE = {User.Role.COUNTY_INDUSTRY: "industry", User.Role.COUNTY_FINANCE: "finance"}


def bureau_of(user) -> str | None:
    """ "industry" or "finance" for a county reviewer, None for everybody else."""
    if not user.is_authenticated or getattr(user, "organisation", None) is None:
        return None
    return _BUREAU_OF_ROLE.get(user.role)


@rules.predicate
def batch_in_own_unit(user, batch):
    organisation = getattr(user, "organisation", None) if user.is_authenticated else None
    return batch is not None and organisation is not None and organisation.region_id == batch.region_id


@rules.predicate
def batch_forwarded(user, batch):
    return batch is not None and batch.forwarded_at is not None


rules.add_perm("reviews.view_batch", (is_county_reviewer & batch_in_own_unit) | (is_city_officer & batch_forwarded))
rules.add_perm("reviews.add_batch", is_county_reviewer)
rules.add_perm("reviews.seal_batch", is_county_reviewer & batch_in_own_unit)
rules.add_perm("reviews.forward_batch", is_county_reviewer & batch_in_own_unit)
rules.add_perm("reviews.view_queue", is_county_reviewer | is_city_officer)  # the queue at /review/
rules.add_perm("reviews.view_outreach", is_county_reviewer)
rules.add_perm("reviews.view_city_dashboard", is_city_officer)

__all__ = ["bureau_of", "is_county_finance", "is_county_industry"]
