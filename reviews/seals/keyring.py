"""Which public key a signature names: from the database, or from a keys.json as GET /api/v1/seals/keys
publishes it (so `manage.py verify_seal --keys` works without this server), and the result rows both
verifiers return."""

import json
from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Keyring:
    entries: dict  # key_id → the published entry (selectors.key_entry)

    @classmethod
    def load(cls, keys=None) -> "Keyring":
        """keys: None (the database), a Keyring, the API's list of entries, {"keys": [...]}, or its JSON bytes."""
        if isinstance(keys, Keyring):
            return keys
        if keys is None:
            from reviews.seals.selectors import published_keys

            keys = published_keys()
        if isinstance(keys, (bytes, str)):
            keys = json.loads(keys)
        if isinstance(keys, dict):
            keys = keys.get("keys", [])
        return cls({entry["key_id"]: entry for entry in keys})

    def check(self, *, key_id, organisation_id):
        """(entry, None) for a published key of that organisation, else (entry or None, the reason it is not)."""
        entry = self.entries.get(key_id)
        if entry is None:
            return None, _("印章密钥 %(key)s 未公布，无法核验。") % {"key": key_id}
        if str(entry.get("organisation_id")) != str(organisation_id):
            return entry, _("签名所称的机构与公布的印章密钥不符。")
        return entry, None


def signature_row(*, meta: dict, entry, valid: bool, reason: str) -> dict:
    """One signature in the verification result (PDF and manifest alike)."""
    return {
        "bureau": meta.get("bureau", ""),
        "signer": meta.get("signer", ""),
        "signed_at": meta.get("signed_at", ""),
        "valid": valid,
        "key_id": meta.get("key_id", ""),
        "organisation_id": meta.get("organisation_id"),
        "organisation": (entry or {}).get("organisation", ""),
        "reason": reason,
    }


def result(signatures: list[dict], *, kind: str, problem: str = "") -> dict:
    """valid only when there is at least one signature, every one verifies and nothing is wrong with the file."""
    valid = bool(signatures) and all(s["valid"] for s in signatures) and not problem
    if not signatures and not problem:
        problem = _("文件中没有电子印章。")
    elif not valid and not problem:
        problem = _("有电子印章未通过核验。")
    return {"valid": valid, "kind": kind, "reason": problem or _("全部电子印章核验通过。"), "signatures": signatures}
