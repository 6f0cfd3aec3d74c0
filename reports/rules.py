"""Who may take what of the reports — the one place it is decided (django-rules).

The dossier of one application (`GET /api/v1/applications/{id}/dossier.zip`, reports/dossier.py) is the city
officers', of an application they may read (submitted at least once); the review page shows its link by the same
rule (`reports/_dossier_link.html`). The exports' rules are the registry's `allowed` in reports/exports.py.
"""

from __future__ import annotations

import rules

from applications.rules import city_of_application

export_dossier = city_of_application

rules.add_perm("reports.export_dossier", export_dossier.predicate)
