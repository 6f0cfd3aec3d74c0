"""Seal keys: made on demand for a bureau (audited), unlocked only to sign."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from audit.services import audit_record
from core.errors import DomainError
from reviews.seals import crypto, vault
from reviews.seals.image import data_uri, seal_png
from reviews.seals.models import SEALING_KINDS, SealKey


def seal_key_for(organisation, *, actor=None) -> SealKey:
    """The bureau's active seal key, made (and audited) the first time it is needed."""
    if organisation.kind not in SEALING_KINDS:
        raise DomainError(_("只有县区和市级的工信、财政部门有电子印章。"))
    key = SealKey.objects.filter(organisation=organisation, retired_at__isnull=True).first()
    if key is not None:
        return key
    try:
        with transaction.atomic():
            return _create_key(organisation, actor=actor)
    except IntegrityError:  # another request made it at the same moment: one active key per bureau
        return SealKey.objects.get(organisation=organisation, retired_at__isnull=True)


def _create_key(organisation, *, actor):
    private = crypto.generate_private_key()
    public = crypto.public_key_of(private)
    key = SealKey(organisation=organisation, key_id=crypto.key_id_of(public), public_key=public)
    key.private_key_encrypted = vault.encrypt(private, associated=key.vault_binding)
    key.seal_png = seal_png(organisation.name, key_id=key.key_id)
    key.save()
    audit_record(
        action="seal.key_created",
        actor=actor,
        obj=key,
        summary=f"{organisation.name} {key.key_id}",
        data={"organisation_id": organisation.pk, "key_id": key.key_id, "public_key": public},
    )
    return key


def sign_with(key: SealKey, message_parts) -> bytes:
    """The DER SM2 signature of the message by this seal (vault.MasterKeyMismatch if the key does not open)."""
    private = vault.decrypt(key.private_key_encrypted, associated=key.vault_binding)
    return crypto.sign(private, key.public_key, message_parts)


def seal_image_uri(organisation) -> str:
    """The bureau's seal picture as a PNG data URI, for a WeasyPrint template (<img src="…">)."""
    return data_uri(bytes(seal_key_for(organisation).seal_png))
