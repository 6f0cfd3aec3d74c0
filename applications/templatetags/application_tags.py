"""{% enterprise_applications %}: the enterprise dashboard's list of applications and start buttons."""

from django import template

from applications import selectors

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
