"""How a stored material leaves the server: as an attachment, never rendered inline, never cached."""

from django.http import FileResponse, Http404


def material_file_response(material) -> FileResponse:
    """The stored file as an attachment under its original name."""
    try:
        handle = material.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=material.original_name, content_type=material.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
