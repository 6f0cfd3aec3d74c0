import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from programmes.forms import NoticeForm
from programmes.models import Notice, NoticeAttachment
from programmes.selectors import call_overview, calls_open, calls_public, notices_public
from programmes.services import NOTICE_FIELDS, notice_register_view, notice_save


def home(request):
    return render(request, "portal/home.html", {"open_calls": calls_open(), "notices": notices_public()[:8]})


def notice_list(request):
    return render(request, "portal/notice_list.html", {"notices": notices_public()})


def notice_detail(request, pk):
    notice = get_object_or_404(notices_public(), pk=pk)
    notice_register_view(notice=notice)
    return render(request, "portal/notice_detail.html", {"notice": notice, "calls": notice.calls.all()})


def notice_attachment(request, pk, attachment_id):
    """Attachments of published notices are public templates; served through here, never from MEDIA."""
    attachment = get_object_or_404(NoticeAttachment, pk=attachment_id, notice_id=pk, notice__is_published=True)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=attachment.filename)


def call_list(request):
    return render(request, "portal/call_list.html", {"calls": calls_public()})


def call_detail(request, pk):
    call = get_object_or_404(calls_public(), pk=pk)
    # Who may start an application is the applications app's rule, asked by name (programmes imports no
    # later app); the buttons post to applications:start, which decides again.
    can_apply = rules.has_perm("applications.add_application", request.user)
    return render(request, "portal/call_detail.html", {"call": call, "can_apply": can_apply, **call_overview(call)})


def _notice_form(request, notice=None):
    if not request.user.has_perm("programmes.manage_notice"):
        raise PermissionDenied
    form = NoticeForm(request.POST or None, request.FILES or None, instance=notice)
    if request.method == "POST" and form.is_valid():
        saved = notice_save(
            actor=request.user,
            notice=notice,
            data={name: form.cleaned_data[name] for name in NOTICE_FIELDS},
            attachment=form.cleaned_data.get("attachment"),
            attachment_title=form.cleaned_data.get("attachment_title") or "",
            request=request,
        )
        messages.success(request, _("通知已保存。"))
        return redirect("portal:notice_detail", pk=saved.pk)
    return render(request, "portal/notice_form.html", {"form": form, "notice": notice})


def notice_create(request):
    return _notice_form(request)


def notice_edit(request, pk):
    return _notice_form(request, get_object_or_404(Notice, pk=pk))
