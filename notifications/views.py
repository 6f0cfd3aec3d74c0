"""The inbox pages: the list, opening one message (marks it read and follows its link), marking all read."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from notifications import selectors, services


@login_required
@require_GET
def inbox(request):
    page = selectors.inbox_page(request.user, page=request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "unread": selectors.unread_count(request.user)},
    )


@login_required
@require_GET
def message_open(request, pk):
    message = selectors.message_for(request.user, pk=pk)
    services.message_mark_read(message=message, user=request.user)
    if message.link and url_has_allowed_host_and_scheme(message.link, allowed_hosts={request.get_host()}):
        return redirect(message.link)
    return redirect(f"{reverse('notifications:inbox')}#message-{message.pk}")


@login_required
@require_POST
def mark_all_read(request):
    count = services.inbox_mark_all_read(user=request.user)
    if count:
        flash.success(request, _("已将 %(count)s 条消息标为已读。") % {"count": count})
    return redirect("notifications:inbox")
