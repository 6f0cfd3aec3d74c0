"""The parts of other pages that read applications: {% enterprise_applications %} (the enterprise dashboard's
list and start buttons), {% staff_applications %} (the staff dashboards' card), {% application_list_heading %}
(the list's name for this user, for links to it) and {% enterprise_eligibility profile %} (eligibility per open
call and category). What each user is shown comes from applications.listing (the rules), not from the template."""

from django import template

from applications import listing, workflow
from applications.dashboard import eligibility_rows

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


@register.inclusion_tag("applications/_enterprise_dashboard_body.html", takes_context=True)
def enterprise_applications(context):
    user = _user(context)
    if user is None or not user.is_authenticated:
        return {"rows": [], "startable": []}
    return {
        **listing.application_list(user),
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
    }


@register.inclusion_tag("applications/_staff_dashboard_body.html", takes_context=True)
def staff_applications(context):
    user = _user(context)
    if user is None or not user.is_authenticated:
        return {"count": 0}
    return listing.staff_summary(user)


@register.simple_tag(takes_context=True)
def application_list_heading(context):
    user = _user(context)
    return listing.audience_for(user).heading if user is not None else ""


@register.inclusion_tag("applications/_enterprise_eligibility_body.html")
def enterprise_eligibility(profile):
    return {"rows": eligibility_rows(profile=profile)}


@register.filter
def editable(application):
    """The workflow's answer, so templates never spell status names."""
    return workflow.is_editable(application)
