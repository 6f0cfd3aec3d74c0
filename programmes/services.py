from django.db.models import F

from programmes.models import Notice


def notice_register_view(*, notice: Notice) -> int:
    """Count one view atomically (UPDATE … SET view_count = view_count + 1) and return the new count."""
    Notice.objects.filter(pk=notice.pk).update(view_count=F("view_count") + 1)
    notice.refresh_from_db(fields=["view_count"])
    return notice.view_count
