"""Reads of the expert review: a call's settings, the pool as the draw sees it, an expert's own assignments,
the application as the expert may see it (anonymised when the call says so), and the ranking."""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal

from django.http import Http404
from django.utils import translation

from accounts.selectors import county_units
from applications.forms import definition_for_application, snapshot_form
from applications.models import Application
from evaluation import aggregation
from evaluation import anonymise as anonymity
from evaluation.models import Assignment, EvaluationSettings, Expert, Panel, Score, Selection
from evaluation.recusal import ApplicantFacts, ExpertFacts, RecusalSettings
from evaluation.rules import may_read_application, own_assignment
from programmes.models import Call, Category
from programmes.rubric import ensure_rubric

COUNTING = (Assignment.State.ASSIGNED, Assignment.State.DECLARED, Assignment.State.SCORED)
HIDDEN = anonymity.PLACEHOLDER


def settings_for(call: Call) -> EvaluationSettings:
    """The call's settings, or the defaults (unsaved) when the city has not set any."""
    return EvaluationSettings.objects.filter(call=call).first() or EvaluationSettings(call=call)


def recusal_settings(settings: EvaluationSettings) -> RecusalSettings:
    return RecusalSettings(same_region=settings.recuse_same_region)


def expert_facts(expert: Expert) -> ExpertFacts:
    return ExpertFacts(
        id=expert.pk,
        employer_code=expert.employer_credit_code,
        employer_name=expert.employer_name,
        region=expert.region_id,
        relations=tuple(str(r) for r in expert.declared_relations or ()),
    )


def applicant_facts(application: Application) -> ApplicantFacts:
    """The applicant as recusal sees it: its credit code and registered name (profile), its unit."""
    profile = getattr(application.enterprise, "profile", None)
    return ApplicantFacts(
        id=application.pk,
        credit_code=profile.uscc if profile else "",
        name=profile.name if profile else application.enterprise.name,
        region=application.region_id,
    )


def active_pool() -> dict[int, ExpertFacts]:
    return {e.pk: expert_facts(e) for e in Expert.objects.filter(active=True, user__is_active=True)}


def applications_for_experts(call: Call, category: Category):
    return (
        Application.objects.filter(call=call, category=category, status=Application.Status.EXPERT_REVIEW)
        .select_related("enterprise__profile")
        .order_by("pk")
    )


def experts_list():
    return Expert.objects.select_related("user", "region").order_by("pk")


def panels_of(call: Call):
    return Panel.objects.filter(call=call).select_related("category").order_by("category__sort_order")


def assignments_of(user):
    """The user's own assignments (an expert's; nobody else has any), newest panel first."""
    return (
        Assignment.objects.filter(own_assignment.q(user))
        .select_related("application__call", "application__category", "panel", "score")
        .order_by("-panel__drawn_at", "application_id")
    )


def assignment_for(user, *, pk: int) -> Assignment:
    """One of the user's own assignments; 404 for anyone else's (its existence is not revealed)."""
    assignment = (
        Assignment.objects.filter(own_assignment.q(user), pk=pk)
        .select_related("application__call", "application__category", "expert__user", "panel")
        .first()
    )
    if assignment is None:
        raise Http404
    return assignment


def own_score(assignment: Assignment) -> Score | None:
    return Score.objects.filter(assignment=assignment).first()


def criteria_of(category: Category) -> list:
    return list(ensure_rubric(category).criteria.all())


# ---------------------------------------------------------------------------------------- what an expert sees


IDENTITY_KEYS = ("name", "uscc", "legal_representative", "contact_person", "mobile", "email")
# The profile's keys that identify the applicant, by what they are (evaluation.anonymise.Identity).
NAME_KEYS, CODE_KEYS, PEOPLE_KEYS = ("name",), ("uscc", "credit_code"), ("legal_representative", "contact_person")
CONTACT_KEYS = ("mobile", "contact_phone", "email", "address")
ENTERPRISE_FACTS = ("industry", "established_on", "employees", "revenue_yuan", "assets_yuan", "registered_region")


def identity_of(application: Application, enterprise: dict, form: dict) -> anonymity.Identity:
    """What identifies the applicant of `application`: its profile as frozen (`enterprise`), its organisation's
    name now, and the names in the person fields of its form definition (`form`: the frozen form data)."""

    def values(keys):
        return tuple(str(enterprise.get(k) or "") for k in keys)

    with translation.override("zh-hans"):  # the person fields are found by their Chinese labels too
        people = anonymity.person_values(definition_for_application(application), form)
    return anonymity.Identity(
        names=(*values(NAME_KEYS), application.enterprise.name),
        codes=values(CODE_KEYS),
        people=(*values(PEOPLE_KEYS), *people),
        contacts=values(CONTACT_KEYS),
        regions=tuple(county_units().values()),
    )


def application_for_expert(assignment: Assignment, *, anonymise: bool) -> dict | None:
    """The submitted version as the expert may read it, or None before the declaration (or after a conflict).

    Anonymised: no enterprise name, credit code, people's names, contact details or file names; every place the
    form repeats one of them or a short form of the name (an IP owner, a summary) reads ※※※
    (evaluation.anonymise). Nothing of the county's or city's review."""
    application = assignment.application
    if not may_read_application.test(assignment.expert.user, assignment):
        return None
    snapshot = application.snapshots.order_by("-version").first()
    frozen = json.loads(snapshot.canonical_json) if snapshot else {}
    enterprise = frozen.get("enterprise") or {}
    materials = frozen.get("materials") or []
    out = {
        "id": application.pk,
        "receipt_no": application.receipt_no,
        "call": application.call.title,
        "category": application.category.code,
        "category_name": application.category.name,
        "snapshot_version": frozen.get("version"),
        "form": snapshot_form(frozen) if frozen else {},  # old snapshots: their 2018 keys read as today's
        "derived": frozen.get("derived") or {},
        "enterprise": {k: enterprise.get(k) for k in ENTERPRISE_FACTS},
        "materials": [
            {"item_code": m["item_code"], "item_name": m["item_name"], "filename": m["filename"], "size": m["size"]}
            for m in materials
        ],
        "anonymised": anonymise,
    }
    if not anonymise:
        out["enterprise"].update({k: enterprise.get(k) for k in IDENTITY_KEYS})
        return out
    identity = identity_of(application, enterprise, out["form"])
    out["form"] = anonymity.anonymise(out["form"], identity)
    out["derived"] = anonymity.anonymise(out["derived"], identity)
    for index, m in enumerate(out["materials"], start=1):
        m["filename"] = f"{m['item_name']}（附件{index}）"
    return out


# ---------------------------------------------------------------------------------------------- the ranking


def _totals_by_application(panel: Panel):
    """Two queries whatever the size: the panel's seats as plain tuples ({application: {expert: total}} of the
    submitted scores, seats per application), then each application's receipt number and enterprise."""
    totals: dict[int, dict[int, Decimal]] = defaultdict(dict)
    seats: dict[int, int] = defaultdict(int)
    scored = Assignment.State.SCORED
    seated = Assignment.objects.filter(panel=panel, state__in=COUNTING)
    for application_id, expert_id, state, total in seated.values_list(
        "application_id", "expert_id", "state", "score__total"
    ).iterator(chunk_size=10_000):
        seats[application_id] += 1
        if state == scored:
            totals[application_id][expert_id] = total
    info = {
        pk: {"id": pk, "receipt_no": receipt_no, "enterprise": enterprise}
        for pk, receipt_no, enterprise in Application.objects.filter(
            pk__in=seated.values("application_id")
        ).values_list("pk", "receipt_no", "enterprise__name")
    }
    return totals, seats, info


def panel_concordance(panel: Panel, totals: dict[int, dict[int, Decimal]]) -> dict:
    """Kendall's W over the panel's core experts (the first `size` of the draw order) and the applications every
    one of them scored; replacements after a recusal are left out, since W needs the same raters throughout."""
    scorers = {e for by_expert in totals.values() for e in by_expert}
    core = [e for e in panel.order if e in scorers][: panel.size]
    items = [a for a, by_expert in sorted(totals.items()) if all(e in by_expert for e in core)]
    matrix = [[totals[a][e] for a in items] for e in core]
    w = aggregation.kendalls_w(matrix) if core and items else None
    return {"w": aggregation.q(w) if w is not None else None, "experts": len(core), "applications": len(items)}


def ranking(call: Call, category: Category) -> dict:
    """The category's ranking from the submitted scores, with completion per application and Kendall's W."""
    settings = settings_for(call)
    panel = Panel.objects.filter(call=call, category=category).first()
    if panel is None:
        return {"panel": None, "rows": [], "concordance": None, "complete": False}
    totals, seats, info = _totals_by_application(panel)
    trim_min, margin = settings.trim_min_scores, settings.outlier_margin
    aggregates = [aggregation.aggregate(pk, totals.get(pk, {}), trim_min=trim_min, margin=margin) for pk in info]
    receipts = {pk: a["receipt_no"] or "" for pk, a in info.items()}
    rows = []
    for position, agg in aggregation.rank(aggregates, receipt=receipts):
        submitted, panel_size = len(totals.get(agg.application, ())), seats[agg.application]
        rows.append(
            {
                "position": position,
                "application": info[agg.application],
                "aggregate": agg,
                "submitted": submitted,
                "panel_size": panel_size,
                "complete": submitted == panel_size,
            }
        )
    return {
        "panel": panel,
        "rows": rows,
        "concordance": panel_concordance(panel, totals),
        "complete": bool(rows) and all(r["complete"] for r in rows),
        "settings": settings,
    }


# ---------------------------------------------------------------------------------------------- the selection


def selection_of(call: Call, category: Category):
    return Selection.objects.filter(call=call, category=category).first()


def proposed_selection(call: Call, category: Category) -> dict:
    """The proposed list: the complete rows of the ranking within the quota (rows sharing the position at the
    boundary all come in, and `over_quota` says so), then the city's changes in order, the latest per
    application deciding. Each entry says whether the ranking or the city put it there, and the city's reason."""
    selection = selection_of(call, category)
    result = ranking(call, category)
    rows = {row["application"]["id"]: row for row in result["rows"]}
    entries: dict[int, dict] = {}
    if selection is not None:
        complete = [r for r in result["rows"] if r["complete"] and r["position"] is not None]
        if selection.quota >= len(complete):
            chosen = complete
        elif selection.quota == 0:
            chosen = []
        else:
            cut = complete[selection.quota - 1]["position"]
            chosen = [r for r in complete if r["position"] <= cut]
        for row in chosen:
            entries[row["application"]["id"]] = {"row": row, "by": "ranking", "reason": ""}
        changes = list(selection.changes.select_related("actor").order_by("created_at", "id"))
        for change in changes:
            if change.include:
                entries[change.application_id] = {
                    "row": rows.get(change.application_id),
                    "by": "city",
                    "reason": change.reason,
                }
            else:
                entries.pop(change.application_id, None)
    else:
        changes = []
    last = 10**9  # an application the city added without a position (no scores) goes last

    def place(item):
        row = item[1]["row"]
        return (row["position"] if row and row["position"] is not None else last, item[0])

    ordered = sorted(entries.items(), key=place)
    return {
        "selection": selection,
        "quota": selection.quota if selection else None,
        "entries": [{"application": pk, **entry} for pk, entry in ordered],
        "over_quota": bool(selection) and len(entries) > selection.quota,
        "ranking_complete": result["complete"],
        "changes": changes,
    }
