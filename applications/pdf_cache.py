"""The PDF of a submitted application, rendered once per snapshot and then served from storage.

The cache key is the snapshot digest: a snapshot never changes, so neither does its PDF, and a resubmission
(a new version, a new digest) gets a new file. Files live in the default (private) storage at
`pdf/<digest>-<site>.pdf` (site: a short hash of SITE_URL, which the PDF prints), never under a public URL.
"""

import hashlib
import json
import logging
import os
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404
from django.utils.translation import gettext as _

from applications.models import Application, Snapshot
from applications.pdf import render_application_pdf
from applications.selectors import latest_snapshot
from core.errors import Conflict, DomainError

logger = logging.getLogger(__name__)


class PdfNotAvailable(DomainError, Http404):
    """No standing submission: nothing to print. The API answers 404 with its error body (DomainError comes
    first in the MRO); a page view that does not catch it gets Django's 404 page (Http404), never a 500."""

    status = 404


# States in which no submission stands (the later review states all print their snapshot).
NOT_PRINTABLE = {Application.Status.DRAFT, Application.Status.WITHDRAWN, Application.Status.RETURNED}


def printable_snapshot(application) -> Snapshot:
    """The snapshot to print: Conflict (409) before the first submission, PdfNotAvailable (404) when no
    submission stands now (withdrawn, returned)."""
    snapshot = latest_snapshot(application)
    if snapshot is None:
        raise Conflict(_("申报书尚未提交，没有可打印的正式申请书。"), field="pdf")
    if application.status in NOT_PRINTABLE:
        raise PdfNotAvailable(_("该申报书尚未提交或已撤回、已退回修改，暂无可打印的正式申请书 PDF。"), field="pdf")
    return snapshot


def verify_url(digest):
    return f"{settings.SITE_URL.rstrip('/')}/verify/{digest}"


def pdf_path(digest):
    """The snapshot's digest and the public address printed in it: a server moved to another SITE_URL renders
    anew instead of handing out paper copies whose QR code points at the old address."""
    site = hashlib.sha256(settings.SITE_URL.rstrip("/").encode()).hexdigest()[:8]
    return f"pdf/{digest}-{site}.pdf"


def is_complete_pdf(content: bytes) -> bool:
    """A whole PDF ends with its `%%EOF` marker; a file cut short by a crash or still being written does not."""
    return content.startswith(b"%PDF-") and content[-1024:].rstrip().endswith(b"%%EOF")


def _store(path, content):
    """Put the file in place whole or not at all (docs/architecture.md, "Crash safety").

    Django's FileSystemStorage writes into the final name chunk by chunk, so a worker killed mid-write (or a
    reader racing the writer) would find a cut-off file under the cache key and serve it for good. Locally the
    bytes go to a temporary file in the same folder first and are renamed over the key (atomic on POSIX; two
    workers renaming the same digest's PDF leave one whole file). An object store's PUT is atomic already."""
    try:
        target = Path(default_storage.path(path))
    except NotImplementedError:  # S3: no local path, and an object appears whole or not at all
        if not default_storage.exists(path):  # another worker may have finished first: same digest, same bytes
            saved = default_storage.save(path, ContentFile(content))
            if saved != path:  # a race renamed ours; keep the first, drop the duplicate
                default_storage.delete(saved)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.name}.", suffix=".part", delete=False)
    try:
        with handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, settings.FILE_UPLOAD_PERMISSIONS or 0o640)
        os.replace(handle.name, target)
    finally:
        Path(handle.name).unlink(missing_ok=True)


def get_or_render_pdf(application) -> bytes:
    """The PDF bytes of the application's latest snapshot; rendered on the first call only."""
    snapshot = printable_snapshot(application)
    path = pdf_path(snapshot.digest)
    if default_storage.exists(path):
        with default_storage.open(path, "rb") as handle:
            content = handle.read()
        if is_complete_pdf(content):
            return content
        # Left cut off by a crash before writes were atomic: render it again rather than serve half a copy.
        logger.warning("cached %s is incomplete (%s bytes): rendering it again", path, len(content))
        default_storage.delete(path)
    started = time.perf_counter()
    content = render_application_pdf(json.loads(snapshot.canonical_json), verify_url=verify_url(snapshot.digest))
    logger.info("rendered %s in %.2f s", path, time.perf_counter() - started)
    _store(path, content)
    return content
