"""Reads of materials: the checklist of an application, what is missing, and which files a user may read."""

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse

from accounts.models import User
from applications.materials.checks import accept_attribute, format_size, type_labels
from applications.models import Application, Material
from applications.rules import allowed, can_download_material
from programmes.models import MaterialItem


def materials_missing(application: Application) -> list[MaterialItem]:
    """Required checklist items of the application's category that have no current file, in checklist order."""
    attached = Material.objects.filter(application=application).values("item_id")
    return list(
        MaterialItem.objects.filter(category_id=application.category_id, required=True).exclude(pk__in=attached)
    )


def materials_visible_to(user: User, *, application: Application) -> QuerySet[Material]:
    """The files of `application` that `user` reads: the live checklist for the enterprise and administrators,
    the files the latest submission listed (by SHA-256) for county and city staff. Same rule as the download."""
    return (
        Material.all_versions.filter(application=application)
        .filter(can_download_material.q(user))
        .select_related("item", "application")
        .order_by("item__sort_order", "uploaded_at", "id")
    )


def material_for(user: User, *, application: Application, material_id: int) -> Material:
    """One file `user` may download, or Http404 (never reveal that it exists)."""
    material = materials_visible_to(user, application=application).filter(pk=material_id).first()
    if material is None or not allowed(user, "applications.download_material", material):
        raise Http404
    return material


def material_rows(application: Application, *, user: User | None = None) -> list[dict]:
    """The checklist for templates: every item of the category with the files `user` reads (two queries).
    Without a user: the current files (the enterprise's view)."""
    items = list(MaterialItem.objects.filter(category_id=application.category_id))
    files_qs = (
        materials_visible_to(user, application=application)
        if user is not None
        else Material.objects.filter(application=application).order_by("uploaded_at", "id")
    )
    by_item = {}
    for material in files_qs:
        by_item.setdefault(material.item_id, []).append(material)
    rows = []
    for item in items:
        kinds = item.allowed_type_list
        files = by_item.get(item.pk, [])
        rows.append(
            {
                "item": item,
                "materials": files,
                "types_label": type_labels(kinds),
                "accept": accept_attribute(kinds),
                "max_size_label": format_size(item.max_size_bytes),
                "missing": item.required and not files,
            }
        )
    return rows


def material_api_url(material: Material) -> str:
    return reverse("api:material_file", kwargs={"application_id": material.application_id, "material_id": material.pk})


def material_as_dict(material: Material) -> dict:
    """The API shape of a material (also for the application detail endpoint)."""
    return {
        "id": material.pk,
        "item": material.item_id,
        "item_code": material.item.code,
        "item_name": material.item.name,
        "filename": material.original_name,
        "content_type": material.content_type,
        "size": material.size,
        "sha256": material.sha256,
        "uploaded_at": material.uploaded_at,
        "download_url": material_api_url(material),
    }
