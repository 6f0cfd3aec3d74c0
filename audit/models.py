from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    pass


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit events are append-only")

    def delete(self):
        raise AppendOnlyError("audit events are append-only")

    def bulk_create(self, *args, **kwargs):
        raise AppendOnlyError("audit events are appended one at a time by audit_record, which chains them")


class Event(models.Model):
    """One thing that happened. Rows are only ever inserted: no update, no delete.

    Who acted is kept twice: as a foreign key (PROTECT: a user with events cannot be deleted, only deactivated,
    so no deletion rewrites an old row) and as the username, role and organisation the actor had at that
    moment (text, so a later rename or change of role does not change what the log says; the organisation's
    id is a plain number because the log sits below accounts).

    Each row carries the SHA-256 of the previous row (`prev_hash`) and its own (`hash`, over every other
    column): audit.chain appends and verifies. Rows are added only through audit.services.audit_record.
    """

    occurred_at = models.DateTimeField(_("时间"), db_index=True)  # set in Python before hashing (audit.chain)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_username = models.CharField(_("操作人登录名"), max_length=150, blank=True)
    actor_role = models.CharField(_("操作人角色"), max_length=24, blank=True)
    actor_organisation_id = models.BigIntegerField(_("操作人所属机构编号"), null=True, blank=True)
    actor_organisation_name = models.CharField(_("操作人所属机构"), max_length=128, blank=True)
    action = models.CharField(_("动作"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    from_state = models.CharField(_("原状态"), max_length=64, blank=True)
    to_state = models.CharField(_("新状态"), max_length=64, blank=True)
    comment = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    prev_hash = models.CharField(_("前一事件的哈希"), max_length=64, editable=False)
    hash = models.CharField(_("哈希"), max_length=64, editable=False)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        indexes = [models.Index(fields=["object_type", "object_id"])]
        constraints = [
            # A chain has no forks: two events naming the same predecessor means one was linked without the lock
            # or inserted by hand. ("" only exists inside the appending transaction, before the link is set.)
            models.UniqueConstraint(
                fields=["prev_hash"], condition=~models.Q(prev_hash=""), name="audit_event_one_successor"
            ),
        ]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("audit events are append-only")
        if not getattr(self, "_appending", False):
            raise AppendOnlyError("audit events are appended by audit_record, which chains them")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events are append-only")
