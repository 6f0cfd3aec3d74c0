"""Reads of the review detail page and the diff endpoint: the submitted versions, what changed between two of
them, the opinions grouped by round, the files of the submission, and what the enterprise reads of its review."""

from __future__ import annotations

import json

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.forms import definition_for_application
from applications.materials.responses import INLINE_TYPES
from applications.materials.selectors import material_rows
from applications.models import Application, Snapshot
from core.errors import DomainError
from programmes.vocabulary import REVIEW_CHECKLISTS
from reviews import diff, selectors

Status = Application.Status


# Versions and their diff ---------------------------------------------------------------------------------------


def snapshot_versions(application) -> list[Snapshot]:
    """The submitted versions, oldest first (without their JSON)."""
    return list(application.snapshots.order_by("version").defer("canonical_json"))


def snapshot_content(application, *, version: int, field: str = "version") -> dict:
    """The snapshot dict of one submitted version; 422 naming `field` when there is no such version."""
    snapshot = application.snapshots.filter(version=version).first() if version is not None else None
    if snapshot is None:
        raise DomainError(_("没有第 %(v)s 版提交。") % {"v": version}, field=field)
    return json.loads(snapshot.canonical_json)


def versions_diff(application, *, from_version: int, to_version: int) -> dict:
    """What changed from one submitted version of `application` to another (reviews.diff)."""
    before = snapshot_content(application, version=from_version, field="from")
    after = snapshot_content(application, version=to_version, field="to")
    return diff.diff_snapshots(before, after, definition=definition_for_application(application))


def latest_change(application, *, versions: list[Snapshot] | None = None) -> dict | None:
    """After a resubmission: the diff from the version before (the one returned) to the latest; else None.
    `versions` are snapshot_versions() when the caller has them already."""
    versions = [s.version for s in (snapshot_versions(application) if versions is None else versions)]
    if len(versions) < 2:
        return None
    return versions_diff(application, from_version=versions[-2], to_version=versions[-1])


# Opinions ------------------------------------------------------------------------------------------------------


def opinion_rounds(application) -> list[dict]:
    """[{round, opinions, city_checks}] newest round first; each opinion with its checklist's labels."""
    rounds: dict[int, dict] = {}

    def bucket(number):
        return rounds.setdefault(number, {"round": number, "opinions": [], "city_checks": []})

    for opinion in selectors.opinions_of(application):
        vocabulary = REVIEW_CHECKLISTS.get(opinion.bureau)
        labels = [str(vocabulary.label(code)) if vocabulary else code for code in opinion.checklist or []]
        bucket(opinion.round)["opinions"].append({"opinion": opinion, "checklist_labels": labels})
    for check in selectors.city_checks_of(application):
        bucket(check.round)["city_checks"].append(check)
    return [rounds[n] for n in sorted(rounds, reverse=True)]


# Materials -----------------------------------------------------------------------------------------------------


def submitted_material_rows(user, application) -> list[dict]:
    """The checklist with the files the latest submission listed that `user` may read (materials selectors)."""
    rows = material_rows(application, user=user)
    for row in rows:
        row["materials"] = [m for m in row["materials"] if m.submitted]
        for material in row["materials"]:
            material.viewable_inline = material.content_type in INLINE_TYPES
    return rows


# What the enterprise reads -------------------------------------------------------------------------------------

PUBLIC_STATE = {
    Status.SUBMITTED: gettext_lazy("已提交，等待县区工信部门、财政部门审核。"),
    Status.COUNTY_REVIEW: gettext_lazy("县区工信部门、财政部门正在审核。"),
    Status.RETURNED: gettext_lazy("县区退回修改：请按下面的意见修改申报书或材料后重新提交，受理编号不变。"),
    Status.NOT_RECOMMENDED: gettext_lazy("县区审核后不予推荐，本次申报终止。"),
    Status.RECOMMENDED: gettext_lazy("县区工信部门、财政部门均已审核通过，予以推荐，等待上报市工业和信息化局。"),
    Status.FORWARDED: gettext_lazy("县区已上报市工业和信息化局，市级复核中。"),
    Status.SENT_BACK: gettext_lazy("县区正在重新审核。"),
    Status.EXPERT_REVIEW: gettext_lazy("市级复核通过，已进入专家评审。"),
}
# The state whose reason the enterprise must read first, and the action that gave it.
REASON_OF_STATE = {Status.RETURNED: "return", Status.NOT_RECOMMENDED: "not_recommend"}


def enterprise_review(user, application) -> dict:
    """The review as the enterprise reads it: the state in words, the reason of a return or refusal, the
    history with public labels only (selectors.history_of gives the public rows to the enterprise)."""
    history = selectors.history_of(user, application)
    reason = None
    action = REASON_OF_STATE.get(application.status)
    if action:
        reason = next((row.get("comment") for row in reversed(history) if row["action"] == action), None)
    return {
        "state_text": PUBLIC_STATE.get(application.status, ""),
        "reason": reason,
        "refused": application.status == Status.NOT_RECOMMENDED,
        "history": history,
    }
