"""The enterprise dashboard's eligibility rows: for each open call and category, whether the enterprise
qualifies and what is missing — judged on its application where it has one, on its profile otherwise.

It lives here, not in enterprises, because it reads applications (a later stage may import an earlier one,
never the reverse); enterprises/dashboard.html includes applications/_enterprise_eligibility.html.
"""

from __future__ import annotations

from applications.models import Application
from applications.selectors import eligibility_for, reference_date
from enterprises import eligibility as el
from enterprises.selectors import enterprise_facts, open_calls_with_categories


def _from_applications(profile, calls):
    """(call id, category id) -> (application, eligibility dict) for the enterprise's latest application of each."""
    results = {}
    applications = (
        Application.objects.filter(enterprise_id=profile.organisation_id, call__in=calls)
        .select_related("call", "category")
        .order_by("-id")
    )
    for application in applications:
        key = (application.call_id, application.category_id)
        if key not in results:
            results[key] = (application, eligibility_for(application, profile=profile))
    return results


def eligibility_rows(*, profile, moment=None) -> list[dict]:
    if profile is None:
        return []
    facts = enterprise_facts(profile)
    calls = open_calls_with_categories(moment)
    from_applications = _from_applications(profile, calls)
    rows = []
    for call in calls:
        for category in call.categories.all():
            application, result = from_applications.get((call.id, category.id), (None, None))
            if result is None:
                result = el.evaluate(category, enterprise=facts, reference_date=reference_date(call)).as_dict()
            checks = result["checks"]
            rows.append(
                {
                    "call": call,
                    "category": category,
                    "application": application,
                    "result": result,
                    "basic_ok": all(c["passed"] for c in checks if c["code"] in el.COMMON_CHECKS),
                    "missing": [c for c in checks if not c["passed"]],
                }
            )
    return rows
