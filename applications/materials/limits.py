"""The request side of an upload: the body cap (refused before it is read, or cut off while it streams in) and
the filename as the client sent it (before Django's multipart parser cleans it)."""

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db.models import Max
from django.http import QueryDict
from django.http.multipartparser import MultiPartParser
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
    """Put UploadLimitHandler first and RawFilenameHandler after it, if the body has not been parsed yet.
    Returns whether they were installed."""
    if hasattr(request, "_files"):
        return False
    request.upload_handlers.insert(0, UploadLimitHandler(request, limit))
    request.upload_handlers.insert(1, RawFilenameHandler(request))
    return True


# ---------------------------------------------------------------------------------------------------------
# The filename as sent


class _RawFilenameParser(MultiPartParser):
    """Django's parser, which also keeps each file's name as it arrived, before ``sanitize_file_name`` drops
    path components and every non-printable character (U+202E, U+200B, control characters…), as
    ``raw_name`` on the uploaded file; the checks refuse such a name with the reason instead
    (``checks.submitted_filename``). A name that sanitising would empty still makes a file (named
    "unnamed"), so that its refusal is said instead of "no file chosen"."""

    _raw_file_name = None

    def sanitize_file_name(self, file_name):
        self._raw_file_name = file_name
        return super().sanitize_file_name(file_name) or ("unnamed" if file_name else None)

    def handle_file_complete(self, old_field_name, counters):
        super().handle_file_complete(old_field_name, counters)
        completed = self._files.getlist(old_field_name)
        if completed and not hasattr(completed[-1], "raw_name"):
            completed[-1].raw_name = self._raw_file_name


class RawFilenameHandler(FileUploadHandler):
    """An upload handler that parses the body itself (the hook Django's parser offers every handler in
    ``handle_raw_input``) with :class:`_RawFilenameParser` and the other handlers, so each uploaded file
    carries ``raw_name``. It handles no file data itself."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        others = [handler for handler in self.request.upload_handlers if handler is not self]
        return _RawFilenameParser(META, input_data, others, encoding).parse()

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None


def install_raw_filenames(request):
    """Put RawFilenameHandler first, if the body has not been parsed yet (uploads without the materials' body
    cap, e.g. the publicity's evidence). Returns whether it was installed."""
    if hasattr(request, "_files"):
        return False
    request.upload_handlers.insert(0, RawFilenameHandler(request))
    return True
