"""One entry point for "is this sealed file genuine?", shared by the API, the page and `manage.py verify_seal`."""

from django.utils.translation import gettext as _

from core.errors import DomainError
from reviews.seals.manifest import looks_like_manifest, verify_manifest
from reviews.seals.pdf import verify_pdf


class NotASealedFile(DomainError):
    def __init__(self):
        super().__init__(_("无法识别该文件：请上传盖有电子印章的 PDF 文件或上报清单（JSON）。"), field="file")


def verify_any(file_bytes: bytes, keys=None) -> dict:
    """verify_pdf or verify_manifest by what the file is (NotASealedFile, a 422, when it is neither)."""
    if file_bytes.lstrip()[:5] == b"%PDF-":
        return verify_pdf(file_bytes, keys)
    if looks_like_manifest(file_bytes):
        return verify_manifest(file_bytes, keys)
    raise NotASealedFile()
