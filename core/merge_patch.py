"""JSON Merge Patch (RFC 7396): apply a partial document to a JSON value."""

from __future__ import annotations

import copy
from typing import Any


def merge_patch(target: Any, patch: Any) -> Any:
    """Keys the patch sends replace, `null` removes, keys it does not mention stay; a non-object patch
    replaces the whole value (so arrays are replaced, never merged). Neither argument is modified."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result
