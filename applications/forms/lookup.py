"""The one way to obtain a form definition: of an application (the version it was started on) or of a
category (its current version, for new applications and the published JSON Schema).

The stored JSON (`programmes.CategoryForm.definition`) is deserialised and resolved for the call's year
once per version and kept in a small in-process cache; definitions are never edited once stored (a change
is a new version), so the cache needs no invalidation.
"""

from __future__ import annotations

from collections import OrderedDict

from applications.forms.definitions import FormDefinition, resolve
from applications.forms.serialise import from_dict
from programmes.models import CategoryForm

_CACHE: OrderedDict = OrderedDict()
_CACHE_SIZE = 64


def definition_for_version(form_version, *, year: int) -> FormDefinition:
    """`form_version` is a `programmes.CategoryForm`; the definition resolved for a call of `year`."""
    # The creation time is in the key: test databases may hand out the same id again after a rollback.
    key = (form_version.pk, form_version.created_at, year)
    definition = _CACHE.get(key)
    if definition is None:
        definition = resolve(from_dict(form_version.definition), year=year)
        _CACHE[key] = definition
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    else:
        _CACHE.move_to_end(key)
    return definition


def current_version(category):
    """The category's current definition version (`programmes.CategoryForm`)."""
    version = CategoryForm.objects.current_for(category.pk)
    if version is None:
        raise LookupError(f"category {category.pk} ({category.code}) has no form definition")
    return version


def definition_for_category(category) -> FormDefinition:
    return definition_for_version(current_version(category), year=category.call.year)


def definition_for_application(application) -> FormDefinition:
    return definition_for_version(application.form_version, year=application.call.year)
