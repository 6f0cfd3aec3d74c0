"""Pages of the city officer for calls: copy a call to a new year, edit its settings until its first
application. Thin: parse the form, call `programmes.services.call_copy` / `call_update`, render."""

import re

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.errors import Conflict, DomainError
from programmes.call_forms import CallCopyForm, CallSettingsForm, threshold_name
from programmes.models import Call
from programmes.services import CATEGORY_THRESHOLDS, call_copy, call_locked_reason, call_update

CALL_FIELDS = ("title", "opens_at", "deadline", "investment_period_start", "investment_period_end")
NEW_ITEM_ROWS = 2


def _show_errors(form, errors, *, field_names=None):
    """Service errors on the form: on their field when the page has it, above the form otherwise."""
    for error in errors:
        name = (field_names or {}).get(error.get("field"), error.get("field"))
        form.add_error(name if name in form.fields else None, error["message"])


def call_copy_page(request, pk):
    source = get_object_or_404(Call, pk=pk)
    if not rules.has_perm("programmes.copy_call", request.user, source):
        raise PermissionDenied
    form = CallCopyForm(request.POST or None, initial={"year": source.year + 1})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            call = call_copy(source=source, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            _show_errors(form, exc.errors)
            status = exc.status
        else:
            messages.success(request, _("已创建新批次“%(t)s”，请核对阈值、日期和申报材料。") % {"t": call.title})
            return redirect("portal:call_edit", pk=call.pk)
    elif request.method == "POST":
        status = 422
    return render(request, "portal/call_copy.html", {"source": source, "form": form}, status=status)


def _checklists(post, categories):
    """The rows of each category's checklist as typed: kept rows in order, deleted ones left out."""
    out = []
    for category in categories:
        prefix = f"{category.code}__items__"
        rows = {}
        for name in post:
            match = re.fullmatch(re.escape(prefix) + r"(\d+)__(\w+)", name)
            if match:
                rows.setdefault(int(match.group(1)), {})[match.group(2)] = post.get(name)
        items = []
        for index in sorted(rows):
            row = rows[index]
            if row.get("delete") or not (row.get("code") or row.get("name") or "").strip():
                continue
            items.append(
                {
                    "code": (row.get("code") or "").strip(),
                    "name": row.get("name") or "",
                    "description": row.get("description") or "",
                    "required": bool(row.get("required")),
                    "multiple": bool(row.get("multiple")),
                }
            )
        out.append(items)
    return out


def call_edit_page(request, pk):
    call = get_object_or_404(Call, pk=pk)
    if not rules.has_perm("programmes.change_call", request.user, call):
        raise PermissionDenied
    form = CallSettingsForm(request.POST or None, call=call)
    status = 200
    locked = call_locked_reason(call)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        checklists = _checklists(request.POST, form.categories)
        changes = {name: data[name] for name in CALL_FIELDS if data.get(name) not in (None, "")}
        changes["categories"] = [
            {
                "code": category.code,
                **{name: data[threshold_name(category, name)] for name in CATEGORY_THRESHOLDS},
                "material_items": items,
            }
            for category, items in zip(form.categories, checklists, strict=True)
        ]
        field_names = {
            f"categories.{i}.{name}": threshold_name(category, name)
            for i, category in enumerate(form.categories)
            for name in CATEGORY_THRESHOLDS
        }
        try:
            call_update(call=call, changes=changes, actor=request.user)
        except Conflict as exc:
            messages.error(request, exc.message)
            locked, status = exc.message, exc.status
        except DomainError as exc:
            _show_errors(form, exc.errors, field_names=field_names)
            status = exc.status
        else:
            messages.success(request, _("批次设置已保存。"))
            return redirect("portal:call_edit", pk=call.pk)
    elif request.method == "POST":
        status = 422
    sections = [
        {
            "category": category,
            "fields": form.category_fields(category),
            "items": list(category.material_items.all()),
            "new_rows": range(category.material_items.count(), category.material_items.count() + NEW_ITEM_ROWS),
        }
        for category in form.categories
    ]
    context = {"call": call, "form": form, "sections": sections, "locked": locked}
    return render(request, "portal/call_edit.html", context, status=status)
