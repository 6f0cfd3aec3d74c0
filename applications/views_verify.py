"""Public verification of a printed or downloaded application: /verify/<digest>.

Anyone holding the paper copy (its QR code) can check that an application with that snapshot digest was
really submitted. The page reveals only four facts — receipt number, enterprise name, category and
submission time — taken from the frozen snapshot itself, never the form's content.
"""

import json
import re

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from applications.models import Snapshot
from applications.pdf import local_time

DIGEST_RE = re.compile(r"^[0-9a-f]{64}$")


def normalise_digest(value):
    """Lower-case 64 hex digits, or None. Spaces that a hand-typed or copied digest may carry are dropped."""
    digest = re.sub(r"\s+", "", str(value or "")).lower()
    return digest if DIGEST_RE.match(digest) else None


def verification_facts(digest):
    """The four public facts of the submission with this digest, or None when there is none."""
    snapshot = Snapshot.objects.filter(digest=digest).only("canonical_json").first()
    if snapshot is None:
        return None
    data = json.loads(snapshot.canonical_json)
    return {
        "receipt_no": data.get("receipt_no") or "",
        "enterprise_name": (data.get("enterprise") or {}).get("name", ""),
        "category_name": (data.get("category") or {}).get("name", ""),
        "submitted_at": local_time(data.get("submitted_at")),
    }


@require_GET
def verify_index(request):
    """The form to type a digest in; a submitted digest is carried to its own address."""
    raw = request.GET.get("digest")
    if raw is None:
        return render(request, "applications/verify.html", {"state": "form", "prefill": ""})
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
    facts = verification_facts(digest)
    if facts is None:
        return render(request, "applications/verify.html", {"state": "not_found", "prefill": digest}, status=404)
    return render(request, "applications/verify.html", {"state": "found", "facts": facts})


def render_invalid(request, raw):
    message = _("核验码格式不正确：应为 64 位十六进制字符（0–9、a–f），即申请书封面上的 SHA-256 摘要。")
    return render(
        request,
        "applications/verify.html",
        {"state": "invalid", "message": message, "prefill": str(raw)[:100]},
        status=400,
    )
