"""{% material_checklist %}: the materials checklist of ``application`` (templates/applications/_materials.html)."""

from django import template

from applications import workflow
from applications.materials.checks import format_size
from applications.materials.selectors import material_rows
from applications.rules import allowed

register = template.Library()

ERRORS_SESSION_KEY = "material_errors:%s"


@register.filter
def material_size(value):
    try:
        return format_size(int(value))
    except (TypeError, ValueError):
        return ""


@register.inclusion_tag("applications/_materials_checklist.html", takes_context=True)
def material_checklist(context, application=None):
    application = application or context.get("application")
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    errors = dict(context.get("material_errors") or {})
    if request is not None and hasattr(request, "session") and application is not None:
        # Errors of a plain (non-JS) upload survive the redirect back in the session, shown once.
        errors.update(request.session.pop(ERRORS_SESSION_KEY % application.pk, None) or {})
    rows = material_rows(application, user=user) if application is not None and user is not None else []
    known = set()
    for row in rows:
        row["error"] = errors.get(row["item"].code)
        known.add(row["item"].code)
    next_url = context.get("material_next")
    if not next_url and request is not None:
        if request.headers.get("X-Requested-With") == "XMLHttpRequest" or request.method == "POST":
            next_url = request.POST.get("next", "") if hasattr(request, "_post") else ""
        else:
            next_url = request.get_full_path()
    return {
        "application": application,
        "rows": rows,
        "general_errors": [message for code, message in errors.items() if code not in known],
        "success": context.get("material_success"),
        "can_edit": application is not None
        and workflow.is_editable(application)
        and allowed(user, "applications.change_application", application),
        "missing_count": sum(1 for row in rows if row["missing"]),
        "next_url": next_url or "",
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }
