"""Sealed manifests: a JSON body with its seals embedded, one file that verifies without the server.

The file is canonical JSON (applications.services.canonical_json: sorted keys, no spaces, UTF-8):

    {"body": {...}, "schema": "shenbao.sealed-manifest.v1", "signatures": [seal, ...]}

Each seal is {"body_sm3", "bureau", "key_id", "organisation_id", "signature", "signed_at", "signer"}; its SM2
signature (DER, hex) is over the canonical JSON of the seal without "signature" plus "previous" — every seal
before it, signatures included — so the second bureau's seal covers the first, and the body enters through
its SM3 digest ("body_sm3"). A verifier re-serialises what it parsed and requires the very same bytes, so
one changed byte anywhere (even a space or a trailing newline) fails.
"""

import json

from django.utils import timezone
from django.utils.translation import gettext as _

from applications.services import canonical_json
from reviews.seals import crypto
from reviews.seals.keyring import Keyring, result, signature_row
from reviews.seals.services import seal_key_for, sign_with

SCHEMA = "shenbao.sealed-manifest.v1"
SEAL_FIELDS = ("body_sm3", "bureau", "key_id", "organisation_id", "signature", "signed_at", "signer")


def seal_manifest(body: dict, signatures_so_far=(), *, organisation, signer, bureau_label: str) -> dict:
    """The sealed document {"schema", "body", "signatures"} with one more seal; write it with manifest_bytes().

    The body must be plain JSON (str, int, bool, None, lists, dicts; money as strings, not floats).
    """
    key = seal_key_for(organisation)
    previous = [dict(s) for s in signatures_so_far]
    seal = {
        "body_sm3": crypto.sm3_hex(canonical_json(body)),
        "bureau": bureau_label,
        "key_id": key.key_id,
        "organisation_id": organisation.pk,
        "signed_at": timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "signer": str(signer),
    }
    seal["signature"] = sign_with(key, [_signed_message(seal, previous)]).hex()
    return {"body": body, "schema": SCHEMA, "signatures": [*previous, seal]}


def manifest_bytes(document: dict) -> bytes:
    return canonical_json(document)


def _signed_message(seal: dict, previous: list) -> bytes:
    return canonical_json({**{k: v for k, v in seal.items() if k != "signature"}, "previous": previous})


def looks_like_manifest(data: bytes) -> bool:
    return data.lstrip()[:1] == b"{" and SCHEMA.encode() in data


def verify_manifest(data: bytes, keys=None) -> dict:
    keyring = Keyring.load(keys)
    try:
        document = json.loads(data.decode("utf-8"))
        signatures = document["signatures"]
        well_formed = (
            document.get("schema") == SCHEMA
            and isinstance(document.get("body"), dict)
            and isinstance(signatures, list)
            and all(isinstance(s, dict) and set(s) == set(SEAL_FIELDS) for s in signatures)
        )
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
        well_formed = False
    if not well_formed:
        return result([], kind="manifest", problem=_("清单文件已损坏或格式不对。"))
    problem = "" if manifest_bytes(document) == data else _("清单文件不是规范格式：内容被改动过。")
    body_sm3 = crypto.sm3_hex(canonical_json(document["body"]))
    rows = [_check_seal(seal, signatures[:index], body_sm3, keyring) for index, seal in enumerate(signatures)]
    return result(rows, kind="manifest", problem=problem)


def _check_seal(seal, previous, body_sm3, keyring):
    entry, refused = keyring.check(key_id=seal["key_id"], organisation_id=seal["organisation_id"])
    if refused:
        return signature_row(meta=seal, entry=entry, valid=False, reason=refused)
    if seal["body_sm3"] != body_sm3:
        return signature_row(meta=seal, entry=entry, valid=False, reason=_("清单内容与盖章时不同：文件已被改动。"))
    try:
        der = bytes.fromhex(seal["signature"])
    except (TypeError, ValueError):
        der = b""
    if not crypto.verify(entry["public_key"], der, [_signed_message(seal, previous)]):
        return signature_row(meta=seal, entry=entry, valid=False, reason=_("签名与文件内容不符：文件已被改动。"))
    return signature_row(meta=seal, entry=entry, valid=True, reason=_("签名有效。"))
