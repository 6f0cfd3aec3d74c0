"""A bureau's electronic seal: its SM2 key pair (the private key encrypted at rest) and its picture."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The organisations that review and seal (accounts.Organisation.Kind values).
SEALING_KINDS = ("county_industry", "county_finance", "city_industry", "city_finance")


class SealKey(models.Model):
    """One active key per bureau; a retired key stays published so that what it sealed still verifies."""

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("机构"), on_delete=models.PROTECT, related_name="seal_keys"
    )
    key_id = models.CharField(_("密钥标识"), max_length=16, unique=True)  # first 16 hex of SM3(public key)
    public_key = models.CharField(_("公钥"), max_length=130)  # uncompressed, "04" ‖ x ‖ y, hex
    # reviews/seals/vault.py: AES-256-GCM under SEAL_MASTER_KEY, bound to key id and organisation.
    private_key_encrypted = models.TextField(editable=False)
    seal_png = models.BinaryField(_("印章图像"), editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    class Meta:
        ordering = ["organisation_id", "created_at"]
        verbose_name = _("电子印章密钥")
        verbose_name_plural = _("电子印章密钥")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"], condition=models.Q(retired_at__isnull=True), name="one_active_seal_key"
            ),
        ]

    def __str__(self):
        return f"{self.organisation_id} {self.key_id}"

    @property
    def vault_binding(self) -> str:
        """What the private key's ciphertext is bound to (vault.py's associated data)."""
        return f"seal:{self.key_id}:organisation:{self.organisation_id}"
