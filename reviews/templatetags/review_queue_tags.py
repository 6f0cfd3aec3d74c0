"""Template helpers of the review's lists: {{ mapping|get:key }} and {% review_links %} (the staff dashboards'
links to the queue, outreach and the city dashboard, for those who may open them)."""

from django import template

from applications.rules import allowed

register = template.Library()


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.inclusion_tag("reviews/queue_links.html", takes_context=True)
def review_links(context):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not user.is_authenticated:
        return {}
    return {
        "may_queue": allowed(user, "reviews.view_queue"),
        "may_outreach": allowed(user, "reviews.view_outreach"),
        "may_city": allowed(user, "reviews.view_city_dashboard"),
        "is_city": allowed(user, "reviews.view_city_dashboard"),
    }
