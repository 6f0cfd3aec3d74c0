"""How a stored material leaves the server: as an attachment, or — only PDF and images, for the reviewer's
查看 — inline in the browser; never cached, never sniffed (the type is the one detected from the content)."""

from django.http import FileResponse, Http404

# Shown in the browser's own viewer; anything else (OFD…) is always an attachment.
INLINE_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})


def material_file_response(material, *, inline: bool = False) -> FileResponse:
    """The stored file under its original name: an attachment, or inline when asked and it is a PDF or image."""
    try:
        handle = material.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    inline = inline and material.content_type in INLINE_TYPES
    response = FileResponse(
        handle, as_attachment=not inline, filename=material.original_name, content_type=material.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # Inline too: the sandbox keeps scripts of a file from running as this site (Chromium's PDF viewer and
    # image view work inside it).
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
