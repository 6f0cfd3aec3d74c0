"""Public verification of a printed or downloaded application: /verify/<digest>.

Anyone holding the paper copy (its QR code) can check that an application with that snapshot digest was
really submitted, and whether that copy still stands or was withdrawn, returned or superseded by a later
submission (applications/verification.py, shared with GET /api/v1/verify/{digest}). The page reveals only
public facts — receipt number, enterprise name, category, versions and times — never the form's content.
"""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from applications.pdf import local_time
from applications.verification import invalid_digest_message, normalise_digest, not_found_message, verification_for

TEMPLATE = "applications/verify.html"


@require_GET
def verify_index(request):
    """The form to type a digest in; a submitted digest is carried to its own address."""
    raw = request.GET.get("digest")
    if raw is None:
        return render(request, TEMPLATE, {"state": "form", "prefill": ""})
    digest = normalise_digest(raw)
    if digest is None:
        return render_invalid(request, raw)
    return redirect("verification:verify", digest=digest)


@require_GET
def verify(request, digest):
    normalised = normalise_digest(digest)
    if normalised is None:
        return render_invalid(request, digest)
    if normalised != digest:
        return redirect("verification:verify", digest=normalised)
    facts = verification_for(digest)
    if facts is None:
        return render(
            request, TEMPLATE, {"state": "not_found", "message": not_found_message(), "prefill": digest}, status=404
        )
    return render(request, TEMPLATE, {"state": "found", "facts": facts, "times": _shown_times(facts)})


def _shown_times(facts):
    """The times of `facts` as the page writes them (北京时间)."""

    def shown(value):
        return local_time(value.isoformat()) if value is not None else ""

    superseded_by = facts["superseded_by"]
    return {
        "submitted_at": shown(facts["submitted_at"]),
        "withdrawn_at": shown(facts["withdrawn_at"]),
        "returned_at": shown(facts["returned_at"]),
        "latest_submitted_at": shown(superseded_by["submitted_at"]) if superseded_by else "",
    }


def render_invalid(request, raw):
    return render(
        request,
        TEMPLATE,
        {"state": "invalid", "message": invalid_digest_message(), "prefill": str(raw)[:100]},
        status=400,
    )
