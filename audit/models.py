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


class Event(models.Model):
    """One thing that happened. Rows are only ever inserted: no update, no delete.

    Who acted is kept twice: as a foreign key (PROTECT: a user with events cannot be deleted, only deactivated,
    so no deletion rewrites an old row) and as the username and role the actor had at that moment (text, so a
    later rename or change of role does not change what the log says).
    """

    occurred_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
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
    action = models.CharField(_("动作"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events are append-only")
