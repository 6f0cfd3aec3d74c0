"""Writes of the reports app: the figures kept per application (the exports' audit is in reports/exports.py)."""

from __future__ import annotations

from applications.models import Snapshot
from reports.figures import figures_of
from reports.models import ApplicationFigures


def keep_figures(snapshot: Snapshot) -> None:
    """The application's figures become its newest snapshot's (an older version never overwrites a newer)."""
    current = ApplicationFigures.objects.filter(application_id=snapshot.application_id).first()
    if current is not None and current.snapshot_version > snapshot.version:
        return
    ApplicationFigures.objects.update_or_create(
        application_id=snapshot.application_id,
        defaults={"snapshot_version": snapshot.version, **figures_of(snapshot.canonical_json)},
    )
