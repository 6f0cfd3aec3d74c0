from django.utils import timezone

from programmes.models import Call, Notice


def notices_public():
    return Notice.objects.filter(is_published=True).prefetch_related("attachments")


def calls_public():
    return Call.objects.select_related("notice").prefetch_related("categories__material_items")


def calls_open(moment=None):
    return calls_public().open_at(moment or timezone.now()).order_by("deadline")
