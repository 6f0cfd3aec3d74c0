"""What the role workspaces (accounts' templates) show of the expert review, without accounts importing it."""

from django import template

from applications.models import Application
from evaluation.models import Assignment
from programmes.models import Call

register = template.Library()


@register.inclusion_tag("evaluation/_expert_workspace.html", takes_context=True)
def expert_workspace(context):
    user = context["request"].user
    open_assignments = (
        Assignment.objects.filter(expert__user=user)
        .exclude(state__in=[Assignment.State.SCORED, Assignment.State.CONFLICT])
        .count()
    )
    return {"open_assignments": open_assignments}


@register.inclusion_tag("evaluation/_city_workspace.html")
def city_workspace():
    calls = Call.objects.filter(applications__status=Application.Status.EXPERT_REVIEW).distinct().order_by("-deadline")
    return {"calls": list(calls)}
