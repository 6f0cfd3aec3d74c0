"""What a printed or downloaded application is now, by its snapshot digest (the QR code on its cover).

One read for the public page `/verify/<digest>` and the public API `GET /api/v1/verify/{digest}`. A digest that
matches a snapshot proves that this copy was really submitted; the answer then says whether it is still the one
that stands:

- ``current``: the application's latest snapshot, and its submission stands (not withdrawn or returned);
- ``withdrawn`` / ``returned``: the latest snapshot, but the enterprise withdrew it / the county returned it for
  changes (with the time of that step, from the audit log);
- ``superseded``: a later submission replaced it; the answer names the latest version, the one under review.

Only public facts leave here — receipt number, enterprise and category names, versions and times — all taken
from the frozen snapshots, never the form's content. Times are in Asia/Shanghai.
"""

from __future__ import annotations

import datetime as dt
import json
import re

from django.utils.translation import gettext as _

from applications.models import Application, Snapshot
from applications.pdf import local_time
from audit.models import Event
from programmes.models import SHANGHAI

Status = Application.Status

CURRENT = "current"
WITHDRAWN = "withdrawn"
RETURNED = "returned"
SUPERSEDED = "superseded"
STATES = (CURRENT, WITHDRAWN, RETURNED, SUPERSEDED)

DIGEST_RE = re.compile(r"^[0-9a-f]{64}$")

# The audit action of the workflow step that took the latest submission back (applications/workflow.py).
_STEP_ACTIONS = {WITHDRAWN: "application.withdraw", RETURNED: "application.return"}


def normalise_digest(value) -> str | None:
    """Lower-case 64 hex digits, or None. Spaces that a hand-typed or copied digest may carry are dropped."""
    digest = re.sub(r"\s+", "", str(value or "")).lower()
    return digest if DIGEST_RE.match(digest) else None


def invalid_digest_message() -> str:
    return _("核验码格式不正确：应为 64 位十六进制字符（0–9、a–f），即申请书封面上的 SHA-256 摘要。")


def not_found_message() -> str:
    return _("未找到：系统中没有与该摘要一致的已提交申请书。")


def _submitted_at(snapshot: Snapshot, data: dict) -> dt.datetime:
    """The submission time frozen in the snapshot (ISO 8601 UTC), in Asia/Shanghai."""
    moment = None
    raw = data.get("submitted_at")
    if raw:
        try:
            moment = dt.datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
        except ValueError:
            moment = None
    if moment is None:
        moment = snapshot.created_at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(SHANGHAI).replace(microsecond=0)


def _step_time(application: Application, state: str) -> dt.datetime | None:
    """When the latest withdrawal or return happened (the workflow's audit event), in Asia/Shanghai."""
    event = (
        Event.objects.filter(
            action=_STEP_ACTIONS[state], object_type=Application._meta.label_lower, object_id=str(application.pk)
        )
        .order_by("-occurred_at", "-id")
        .only("occurred_at")
        .first()
    )
    return event.occurred_at.astimezone(SHANGHAI).replace(microsecond=0) if event is not None else None


def _state(application: Application, *, is_latest: bool) -> str:
    if not is_latest:
        return SUPERSEDED
    if application.status == Status.RETURNED:
        return RETURNED
    if application.status in (Status.WITHDRAWN, Status.DRAFT):
        # A draft never has a snapshot (no step leads back to 草稿); if one did, its submission would not stand.
        return WITHDRAWN
    return CURRENT


def _message(facts: dict) -> str:
    state, version = facts["status"], facts["version"]
    if state == CURRENT:
        return _("核验通过：这是当前有效的申请书（第 %(version)s 版，提交时间 %(at)s）。") % {
            "version": version,
            "at": local_time(facts["submitted_at"].isoformat()),
        }
    if state == SUPERSEDED:
        latest = facts["superseded_by"]
        return _(
            "该申请书（第 %(version)s 版）确由本系统提交，但已被第 %(latest)s 版（提交时间 %(at)s）取代，"
            "不是当前有效的版本。"
        ) % {"version": version, "latest": latest["version"], "at": local_time(latest["submitted_at"].isoformat())}
    when = facts["withdrawn_at"] if state == WITHDRAWN else facts["returned_at"]
    at = local_time(when.isoformat()) if when is not None else ""
    if state == WITHDRAWN:
        if at:
            return _("该申请书（第 %(version)s 版）确由本系统提交，但企业已于 %(at)s 撤回，目前不在审核中。") % {
                "version": version,
                "at": at,
            }
        return _("该申请书（第 %(version)s 版）确由本系统提交，但已撤回，目前不在审核中。") % {"version": version}
    if at:
        return _("该申请书（第 %(version)s 版）确由本系统提交，但已于 %(at)s 退回修改，目前不在审核中。") % {
            "version": version,
            "at": at,
        }
    return _("该申请书（第 %(version)s 版）确由本系统提交，但已退回修改，目前不在审核中。") % {"version": version}


def verification_for(digest: str) -> dict | None:
    """What the copy with this snapshot digest is now, or None when no snapshot has it.

    Keys: status (one of STATES), receipt_no, version, submitted_at, latest_version, superseded_by
    ({version, submitted_at} of the latest submission, or None), withdrawn_at, returned_at (None unless that
    state), enterprise, category (names as submitted), message (the sentence the page shows). Times are aware
    datetimes in Asia/Shanghai.
    """
    snapshot = (
        Snapshot.objects.filter(digest=digest)
        .select_related("application")
        .only("version", "canonical_json", "created_at", "application__id", "application__status")
        .first()
    )
    if snapshot is None:
        return None
    application = snapshot.application
    data = json.loads(snapshot.canonical_json)
    # The latest version; its content is read only when it is another one (superseded).
    latest = application.snapshots.order_by("-version").only("version", "created_at", "application_id").first()
    state = _state(application, is_latest=latest.version == snapshot.version)
    facts = {
        "status": state,
        "receipt_no": data.get("receipt_no") or "",
        "version": snapshot.version,
        "submitted_at": _submitted_at(snapshot, data),
        "latest_version": latest.version,
        "superseded_by": None,
        "withdrawn_at": _step_time(application, WITHDRAWN) if state == WITHDRAWN else None,
        "returned_at": _step_time(application, RETURNED) if state == RETURNED else None,
        "enterprise": (data.get("enterprise") or {}).get("name", ""),
        "category": (data.get("category") or {}).get("name", ""),
    }
    if state == SUPERSEDED:
        facts["superseded_by"] = {
            "version": latest.version,
            "submitted_at": _submitted_at(latest, json.loads(latest.canonical_json)),
        }
    facts["message"] = _message(facts)
    return facts
