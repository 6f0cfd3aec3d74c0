"""The expert's pages: my assignments, the declaration and commitment, the application and the scoring form.

Thin: one selector or service each. Another expert's assignment (or anyone else asking) is 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from applications import layout
from applications.forms import definition_for_application
from core.errors import Conflict, DomainError
from evaluation import selectors, services


@login_required
@require_GET
def assignment_list(request):
    return render(request, "evaluation/assignments.html", {"assignments": selectors.assignments_of(request.user)})


def _page(request, assignment, *, errors=None, posted=None, status=200):
    settings = selectors.settings_for(assignment.application.call)
    reading = selectors.application_for_expert(assignment, anonymise=settings.anonymise)
    score = selectors.own_score(assignment)
    criteria = selectors.criteria_of(assignment.application.category)
    values = posted or (score.scores if score else {})
    errors = errors or []
    by_field = {e.get("field"): e["message"] for e in errors}
    context = {
        "assignment": assignment,
        "reading": reading,
        "sections": layout.build(definition_for_application(assignment.application), reading["form"], editable=False)
        if reading
        else [],
        "criteria": [
            {
                "criterion": c,
                "value": values.get(c.code, ""),
                "error": by_field.get(f"scores.{c.code}"),
                "max": services.points_text(c.max_points),
                "step": services.points_text(c.step),
            }
            for c in criteria
        ],
        "comment": (posted or {}).get("__comment__", score.comment if score else ""),
        "comment_error": by_field.get("comment"),
        "errors": errors,
        "score": score,
        "commitment": _(services.COMMITMENT_TEXT),
        "may_score": assignment.state == assignment.State.DECLARED,
    }
    return render(request, "evaluation/assignment.html", context, status=status)


@login_required
@require_GET
def assignment_detail(request, pk):
    return _page(request, selectors.assignment_for(request.user, pk=pk))


@login_required
@require_POST
def assignment_declaration(request, pk):
    assignment = selectors.assignment_for(request.user, pk=pk)
    conflict = request.POST.get("conflict") == "yes"
    if not conflict and request.POST.get("commitment") != "yes":
        return _page(
            request, assignment, errors=[{"field": "commitment", "message": _("请勾选保密承诺。")}], status=422
        )
    try:
        services.assignment_declare(
            actor=request.user, assignment=assignment, conflict=conflict, note=request.POST.get("note", "")
        )
    except Conflict as exc:
        messages.error(request, exc.message)
    except DomainError as exc:
        return _page(request, assignment, errors=exc.errors, status=422)
    else:
        messages.success(request, _("已回避，系统已另行抽取专家。") if conflict else _("声明已提交，可以开始评分。"))
    if conflict:
        return redirect("evaluation:assignments")
    return redirect("evaluation:assignment", pk=pk)


@login_required
@require_POST
def assignment_score(request, pk):
    assignment = selectors.assignment_for(request.user, pk=pk)
    criteria = selectors.criteria_of(assignment.application.category)
    scores = {c.code: request.POST.get(f"score-{c.code}", "").strip() for c in criteria}
    scores = {code: value for code, value in scores.items() if value != ""}
    comment = request.POST.get("comment", "")
    submit = request.POST.get("submit") == "yes"
    try:
        services.score_save(actor=request.user, assignment=assignment, scores=scores, comment=comment, submit=submit)
    except Conflict as exc:
        messages.error(request, exc.message)
    except DomainError as exc:
        return _page(request, assignment, errors=exc.errors, posted={**scores, "__comment__": comment}, status=422)
    else:
        messages.success(request, _("评分已提交并锁定。") if submit else _("评分草稿已保存。"))
    return redirect("evaluation:assignment", pk=pk)
