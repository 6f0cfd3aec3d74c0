"""The request body cap of an upload: refused before it is read, or cut off while it streams in."""

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db.models import Max
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from applications.materials.checks import format_size
from programmes.models import MaterialItem

# Room for the multipart boundaries and the other form fields on top of the largest allowed file.
MULTIPART_OVERHEAD_BYTES = 256 * 1024

# ---------------------------------------------------------------------------------------------------------
# Request body limit


def upload_request_limit(application):
    """Largest request body accepted for an upload to this application: its largest item plus overhead."""
    largest = MaterialItem.objects.filter(category_id=application.category_id).aggregate(m=Max("max_size_bytes"))["m"]
    return (largest or MaterialItem.DEFAULT_MAX_BYTES) + MULTIPART_OVERHEAD_BYTES


def request_too_large_message(limit):
    return _("上传内容过大：单次上传不得超过 %(limit)s。") % {
        "limit": format_size(max(limit - MULTIPART_OVERHEAD_BYTES, 0))
    }


def request_too_large(request, limit):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > limit
    except ValueError:
        return False


class UploadLimitHandler(FileUploadHandler):
    """First upload handler of a materials request: refuses a body over ``limit`` before it is read (from
    Content-Length) or as soon as the streamed file bytes pass it. Marks ``request.upload_too_large``."""

    def __init__(self, request=None, limit=None):
        super().__init__(request)
        self.limit = limit or (MaterialItem.DEFAULT_MAX_BYTES + MULTIPART_OVERHEAD_BYTES)
        self.received = 0

    def _mark(self):
        if self.request is not None:
            self.request.upload_too_large = True

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.received = 0
        if content_length and content_length > self.limit:
            self._mark()
            # "Handled": nothing parsed, nothing spooled to disk.
            return QueryDict(encoding=encoding), MultiValueDict()
        return None

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self._mark()
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


def install_upload_limit(request, limit):
    """Put UploadLimitHandler first, if the body has not been parsed yet. Returns whether it was installed."""
    if hasattr(request, "_files"):
        return False
    request.upload_handlers.insert(0, UploadLimitHandler(request, limit))
    return True
