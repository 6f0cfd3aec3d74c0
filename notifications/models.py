"""A message in a user's inbox and the state of its delivery by email and by SMS."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Delivery(models.TextChoices):
    QUEUED = "queued", _("待发送")
    SENDING = "sending", _("发送中")  # claimed by one worker, so a retried task never sends twice
    SENT = "sent", _("已发送")
    CANCELLED = "cancelled", _("已取消")
    FAILED = "failed", _("发送失败")
    SKIPPED = "skipped", _("未发送")


class Message(models.Model):
    """One notification to one person. The inbox row is the record; email and SMS are copies of it.

    `expected_state` guards a decision that may be reversed before the worker sends: the copies go out only
    while the object (`object_type`/`object_id`, as in the audit log) is still in that state.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("收件人"), on_delete=models.CASCADE, related_name="inbox_messages"
    )
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    kind = models.CharField(_("类别"), max_length=32, blank=True)
    expected_state = models.CharField(_("发送条件（对象状态）"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    email_state = models.CharField(_("邮件"), max_length=10, choices=Delivery.choices, default=Delivery.SKIPPED)
    email_reason = models.CharField(_("邮件说明"), max_length=200, blank=True)
    email_at = models.DateTimeField(_("邮件处理时间"), null=True, blank=True)
    sms_state = models.CharField(_("短信"), max_length=10, choices=Delivery.choices, default=Delivery.SKIPPED)
    sms_reason = models.CharField(_("短信说明"), max_length=200, blank=True)
    sms_at = models.DateTimeField(_("短信处理时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="message_recipient_unread"),
            models.Index(fields=["recipient", "-created_at"], name="message_recipient_newest"),
            models.Index(fields=["object_type", "object_id"], name="message_object"),
        ]

    def __str__(self):
        return self.subject

    @property
    def is_read(self):
        return self.read_at is not None
