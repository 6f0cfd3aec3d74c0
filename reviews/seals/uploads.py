"""The uploaded file to verify, for the API and the page alike."""

from django.utils.translation import gettext as _

from core.errors import DomainError

MAX_BYTES = 20 * 1024 * 1024  # a sealed batch document is a few hundred KB


def read_upload(request) -> bytes:
    uploaded = request.FILES.get("file")
    if uploaded is None:
        raise DomainError(_("请选择要核验的文件（字段 file）。"), field="file")
    if uploaded.size > MAX_BYTES:
        raise DomainError(_("文件超过 20 MB，不是本系统盖章的文件。"), field="file")
    return uploaded.read()
