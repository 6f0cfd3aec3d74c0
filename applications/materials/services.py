"""Writes of materials: attach (or replace), delete. Each locks the application row, re-checks the rules,
writes the row and the audit event in one transaction, and never leaves a stored file without its row."""

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from applications import workflow
from applications.materials.checks import inspect_upload
from applications.models import Application, Material
from applications.rules import allowed, is_own_enterprise
from audit.services import audit_record
from core.errors import Conflict, DomainError, PermissionDeniedError
from programmes.models import MaterialItem


def check_can_change(*, application: Application, actor: User) -> None:
    """Raise unless `actor` may upload or delete files of `application` now: 403 for the wrong person, 409
    (with the state) for the right person at the wrong time. The files are editable exactly when the form is."""
    if not allowed(actor, "applications.change_application", application):
        raise PermissionDeniedError(_("没有权限修改该申报书的材料。"))
    if not workflow.is_editable(application):
        raise Conflict(
            _("申报书当前状态为“%(status)s”，材料不能再上传或删除。") % {"status": application.get_status_display()}
        )


def resolve_item(*, application, reference) -> MaterialItem:
    """A MaterialItem of the application's category, from its code or its id; DomainError otherwise."""
    reference = str(reference or "").strip()
    if not reference:
        raise DomainError(_("请选择材料项。"), field="item")
    items = MaterialItem.objects.filter(category_id=application.category_id)
    item = items.filter(code=reference).first()
    if item is None and reference.isdigit():
        item = items.filter(pk=int(reference)).first()
    if item is None:
        raise DomainError(_("材料项“%(item)s”不属于该申报类别。") % {"item": reference}, field="item")
    return item


def _delete_stored(names):
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # pragma: no cover - an orphan file is harmless; a missing one is fine
            pass


def _retire(material: Material) -> None:
    """Take a file out of the enterprise's checklist. A file the latest submission listed is kept (staff
    still read it) and only marked replaced; any other is deleted with its stored file after commit."""
    if material.submitted:
        Material.all_versions.filter(pk=material.pk).update(replaced_at=timezone.now())
        return
    name = material.file.name
    material.delete()
    transaction.on_commit(lambda: _delete_stored([name]))


def attach_material(
    *,
    application: Application,
    item: MaterialItem,
    uploaded_file: UploadedFile,
    actor: User,
    request: HttpRequest | None = None,
) -> Material:
    """Store one file as a material of ``item``. A second file on a non-multiple item replaces the first."""
    if item.category_id != application.category_id:
        raise DomainError(_("材料项“%(item)s”不属于该申报类别。") % {"item": item.name}, field="item")
    check_can_change(application=application, actor=actor)
    inspected = inspect_upload(uploaded_file, item)
    stored_name = None
    try:
        with transaction.atomic():
            locked = Application.objects.select_for_update().get(pk=application.pk)
            check_can_change(application=locked, actor=actor)
            material = Material(
                application=locked,
                item=item,
                original_name=inspected.filename,
                content_type=inspected.content_type,
                size=inspected.size,
                sha256=inspected.sha256,
                uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            uploaded_file.seek(0)
            material.file.save(inspected.filename, uploaded_file, save=False)
            stored_name = material.file.name
            material.save()
            replaced = []
            if not item.multiple:
                for old in locked.materials.filter(item=item).exclude(pk=material.pk):
                    replaced.append({"id": old.pk, "filename": old.original_name, "sha256": old.sha256})
                    _retire(old)
            audit_record(
                action="material.replace" if replaced else "material.upload",
                actor=actor,
                obj=material,
                summary=_("上传材料：%(item)s · %(file)s") % {"item": item.name, "file": material.original_name},
                data={
                    "application": locked.pk,
                    "item": item.code,
                    "filename": material.original_name,
                    "content_type": material.content_type,
                    "size": material.size,
                    "sha256": material.sha256,
                    "replaced": replaced,
                },
                request=request,
            )
    except BaseException:
        if stored_name:
            _delete_stored([stored_name])
        raise
    return material


def delete_material(
    *, application: Application, material: Material, actor: User, request: HttpRequest | None = None
) -> None:
    if material.application_id != application.pk:
        raise DomainError(_("该材料不属于此申报书。"), field="material")
    check_can_change(application=application, actor=actor)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        check_can_change(application=locked, actor=actor)
        material = Material.objects.select_related("item").filter(pk=material.pk, application=locked).first()
        if material is None:
            return  # already gone (deleted by a colleague a moment ago): the outcome the user wanted
        audit_record(
            action="material.delete",
            actor=actor,
            obj=material,
            summary=_("删除材料：%(item)s · %(file)s") % {"item": material.item.name, "file": material.original_name},
            data={
                "application": locked.pk,
                "item": material.item.code,
                "filename": material.original_name,
                "size": material.size,
                "sha256": material.sha256,
            },
            request=request,
        )
        _retire(material)


def mark_submitted(*, application: Application) -> None:
    """At submission (inside its transaction): the current files are the ones the snapshot lists; files that
    an earlier submission listed but the enterprise has since replaced are released and deleted."""
    Material.all_versions.filter(application=application, replaced_at__isnull=True).update(submitted=True)
    released = Material.all_versions.filter(application=application, replaced_at__isnull=False)
    names = list(released.values_list("file", flat=True))
    released.delete()
    if names:
        transaction.on_commit(lambda: _delete_stored(names))


def record_download(
    *, material: Material, actor: User, request: HttpRequest | None = None, inline: bool = False
) -> None:
    """Staff downloads are audited (who read which submitted file); the enterprise's own are not. A file shown
    in the browser (`inline`) is read as much as one downloaded: the same event, marked."""
    if is_own_enterprise.test(actor, material.application):
        return
    data = {"application": material.application_id, "sha256": material.sha256, "item": material.item.code}
    audit_record(
        action="material.download",
        actor=actor,
        obj=material,
        summary=_("下载材料：%(file)s") % {"file": material.original_name},
        data={**data, "inline": True} if inline else data,
        request=request,
    )
