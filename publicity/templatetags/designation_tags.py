"""The outcome on the enterprise's application page ({% enterprise_outcome %} in publicity/_enterprise_outcome.html),
which the applications app includes as a template instead of importing this app (docs/architecture.md)."""

from django import template

from publicity.designations import outcome_for

register = template.Library()


@register.inclusion_tag("publicity/designation_outcome.html", takes_context=True)
def enterprise_outcome(context, application=None):
    application = application or context.get("application")
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if application is None or user is None or not user.is_authenticated:
        return {"outcome": None}
    return {"outcome": outcome_for(user, application)}
