from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

from programmes.models import Call, CategoryForm, Notice


def notices_public():
    return Notice.objects.filter(is_published=True).prefetch_related("attachments")


def calls_public():
    versions = Prefetch("categories__form_versions", queryset=CategoryForm.objects.only("id", "category_id", "version"))
    # Whether the call's settings are locked (its first application exists), without importing a later app.
    applications = Call.applications.rel.related_model.objects.filter(call=OuterRef("pk"))
    return (
        Call.objects.select_related("notice")
        .prefetch_related("categories__material_items", versions)
        .annotate(has_applications=Exists(applications))
    )


def calls_open(moment=None):
    return calls_public().open_at(moment or timezone.now()).order_by("deadline")
