"""Pages of the review (thin: one selector or service each)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from applications import selectors as application_selectors


@login_required
def review_detail(request, pk):
    application = application_selectors.application_for(request.user, pk=pk)
    return redirect("applications:detail", pk=application.pk)
