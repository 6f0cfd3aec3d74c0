"""Writes of programmes: notices (each create and edit an audit event) and the atomic view count."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from core.errors import PermissionDeniedError
from programmes.models import Notice, NoticeAttachment

# The fields of a notice that its editors write (the form shows these).
NOTICE_FIELDS = ("title", "publish_date", "body", "contact_person", "contact_phone", "is_published")


def notice_register_view(*, notice: Notice) -> int:
    """Count one view atomically (UPDATE … SET view_count = view_count + 1) and return the new count."""
    Notice.objects.filter(pk=notice.pk).update(view_count=F("view_count") + 1)
    notice.refresh_from_db(fields=["view_count"])
    return notice.view_count


@transaction.atomic
def notice_save(
    *,
    actor: User,
    data: dict,
    notice: Notice | None = None,
    attachment: UploadedFile | None = None,
    attachment_title: str = "",
    request: HttpRequest | None = None,
) -> Notice:
    """Create a notice (`notice=None`) or edit one, optionally adding one attachment; audited as
    `notice.create` / `notice.edit` with the names of the fields that changed."""
    if not actor.has_perm("programmes.manage_notice"):
        raise PermissionDeniedError(_("只有市级管理员或系统管理员可以发布和修改通知公告。"))
    created = notice is None
    if created:
        notice = Notice(created_by=actor)
        changed = [name for name in NOTICE_FIELDS if name in data]
    else:
        # Compare with the stored row: a bound ModelForm has already copied its input onto `notice`.
        stored = Notice.objects.select_for_update().get(pk=notice.pk)
        changed = [name for name in NOTICE_FIELDS if name in data and getattr(stored, name) != data[name]]
    for name in NOTICE_FIELDS:
        if name in data:
            setattr(notice, name, data[name])
    notice.save()
    added = None
    if attachment:
        added = NoticeAttachment.objects.create(
            notice=notice, title=attachment_title, file=attachment, sort_order=notice.attachments.count() + 1
        )
    audit_record(
        action="notice.create" if created else "notice.edit",
        actor=actor,
        obj=notice,
        summary=(_("发布通知：%(title)s") if created else _("修改通知：%(title)s")) % {"title": notice.title},
        data={
            "changed": changed,
            "is_published": notice.is_published,
            "attachment": None if added is None else {"id": added.pk, "title": added.title, "file": added.filename},
        },
        request=request,
    )
    return notice
