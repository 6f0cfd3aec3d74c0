"""The public page /seals/verify/: upload a sealed PDF or manifest, read which seals are valid."""

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from applications.pdf import local_time
from core.errors import DomainError
from reviews.seals.uploads import read_upload
from reviews.seals.verify import verify_any

TEMPLATE = "seals/verify.html"


@require_http_methods(["GET", "POST"])
def verify_page(request):
    if request.method == "GET":
        return render(request, TEMPLATE, {"state": "form"})
    try:
        outcome = verify_any(read_upload(request))
    except DomainError as error:
        return render(request, TEMPLATE, {"state": "error", "message": error.message}, status=422)
    for signature in outcome["signatures"]:
        signature["signed_at_local"] = local_time(signature["signed_at"]) if signature["signed_at"] else ""
    return render(request, TEMPLATE, {"state": "result", "outcome": outcome, "filename": request.FILES["file"].name})
