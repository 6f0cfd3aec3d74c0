"""The reports' parts of other pages: {% may_export_dossier application %} for the dossier's link on the review
page (reports/_dossier_link.html, included by reviews/detail.html), by the rule the endpoint checks."""

from django import template

from applications.rules import allowed

register = template.Library()


@register.simple_tag(takes_context=True)
def may_export_dossier(context, application) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return bool(user is not None and application is not None and allowed(user, "reports.export_dossier", application))
