"""The enterprise dashboard's parts that read applications: {% enterprise_applications %} (the list and the
start buttons) and {% enterprise_eligibility profile %} (eligibility per open call and category)."""

from django import template

from applications import selectors, workflow
from applications.dashboard import eligibility_rows

register = template.Library()


@register.inclusion_tag("applications/_enterprise_dashboard_body.html", takes_context=True)
def enterprise_applications(context):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not user.is_authenticated:
        return {"applications": [], "startable": []}
    return {
        "applications": list(selectors.applications_visible_to(user)),
        "startable": selectors.startable_categories(user),
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }


@register.inclusion_tag("applications/_enterprise_eligibility_body.html")
def enterprise_eligibility(profile):
    return {"rows": eligibility_rows(profile=profile)}


@register.filter
def editable(application):
    """The workflow's answer, so templates never spell status names."""
    return workflow.is_editable(application)
