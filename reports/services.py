"""Writes of the reports app: the figures kept per application (the exports' audit is in reports/exports.py)."""

from __future__ import annotations

from applications.models import Snapshot
from reports.figures import figures_of
from reports.models import ApplicationFigures


def keep_figures(snapshot: Snapshot) -> None:
    """The application's figures become its newest snapshot's (an older version never overwrites a newer).

    Called when a snapshot is saved, inside the submission's transaction, which holds the application's row: no
    other writer of the same application's figures runs meanwhile (hence no update_or_create and its savepoints).
    """
    values = {"snapshot_version": snapshot.version, **figures_of(snapshot.canonical_json)}
    current = ApplicationFigures.objects.filter(application_id=snapshot.application_id)
    version = current.values_list("snapshot_version", flat=True).first()
    if version is None:
        ApplicationFigures.objects.create(application_id=snapshot.application_id, **values)
    elif version <= snapshot.version:
        current.update(**values)
