"""The published keys: what anyone needs to check a seal, also without this server (keys.json)."""

from reviews.seals.models import SealKey


def published_keys() -> list[dict]:
    """Every seal key ever made, retired ones too (what they sealed still verifies), in the API's shape."""
    keys = SealKey.objects.select_related("organisation__region").order_by("organisation_id", "created_at")
    return [key_entry(key) for key in keys]


def key_entry(key: SealKey) -> dict:
    organisation = key.organisation
    return {
        "key_id": key.key_id,
        "organisation_id": organisation.pk,
        "organisation": organisation.name,
        "bureau": organisation.kind,
        "bureau_label": str(organisation.get_kind_display()),
        "region": organisation.region_id or "",
        "algorithm": "SM2-with-SM3",
        "user_id": "1234567812345678",
        "public_key": key.public_key,
        "created_at": key.created_at.isoformat().replace("+00:00", "Z"),
        "retired_at": key.retired_at.isoformat().replace("+00:00", "Z") if key.retired_at else None,
    }
