"""What state an object is in now, asked by the delivery task before it sends a guarded message.

Notifications stand below every app that decides anything, so they cannot import those apps' models; each app
registers, for its own model, a function `object_id -> current state` (for example in AppConfig.ready()):

    register_state_check("applications.application", lambda pk: Application.objects.filter(pk=pk)
                         .values_list("status", flat=True).first())
"""

from __future__ import annotations

from collections.abc import Callable

StateCheck = Callable[[str], "str | None"]

_checks: dict[str, StateCheck] = {}


def register_state_check(object_type: str, check: StateCheck) -> None:
    """`object_type` is the model's label in lower case (`obj._meta.label_lower`), as the audit log writes it."""
    _checks[object_type.lower()] = check


def unregister_state_check(object_type: str) -> None:
    _checks.pop(object_type.lower(), None)


def state_check_for(object_type: str) -> StateCheck | None:
    return _checks.get(object_type.lower())
