"""Small, real files for the demo applications and the tests: a valid one-page PDF, an OFD container, a PNG and
a JPEG (written by Pillow, so they decode to the end as the upload checks require).

The PDF is written by hand (no font embedding: the page text is ASCII in Helvetica, the Chinese title goes
into the document information as UTF-16), so it is tiny, opens in every viewer and passes the upload checks.
"""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile


def _pdf_text(value):
    return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _utf16(value):
    return "<FEFF" + value.encode("utf-16-be").hex().upper() + ">"


def pdf_bytes(title="Shenbao demo material", lines=(), *, extra_catalog=""):
    """A valid one-page A4 PDF with ``title`` (any language, in the metadata) and ASCII ``lines`` on the page."""
    ascii_lines = [line.encode("ascii", "replace").decode() for line in ("Shenbao demo material", *lines)]
    content = "BT /F1 14 Tf 72 770 Td 18 TL " + " ".join(f"({_pdf_text(line)}) '" for line in ascii_lines) + " ET"
    objects = [
        f"<< /Type /Catalog /Pages 2 0 R {extra_catalog}>>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(content.encode())} >>\nstream\n{content}\nendstream",
        f"<< /Title {_utf16(title)} /Producer (Shenbao) >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode())
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def ofd_bytes():
    """A minimal OFD container (GB/T 33190): a ZIP with OFD.xml at its root."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "OFD.xml",
            '<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0">'
            "<ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        )
        archive.writestr("Doc_0/Document.xml", '<?xml version="1.0" encoding="UTF-8"?><ofd:Document/>')
    return out.getvalue()


def _image_bytes(image_format, size, colour):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, image_format)
    return out.getvalue()


def png_bytes(size=(24, 16), colour=(200, 40, 40)):
    """A valid PNG image."""
    return _image_bytes("PNG", size, colour)


def jpeg_bytes(size=(24, 16), colour=(40, 90, 200)):
    """A valid JPEG image."""
    return _image_bytes("JPEG", size, colour)


def demo_upload(item, *, enterprise_name=""):
    """An uploaded PDF for one checklist item, named after it (for the demo loader)."""
    content = pdf_bytes(f"{enterprise_name} {item.name}".strip(), lines=[f"Checklist item: {item.code}"])
    return SimpleUploadedFile(f"{item.name[:60]}.pdf", content, content_type="application/pdf")


def attach_demo_materials(application, actor):
    """Attach a small real PDF to every checklist item of ``application`` that has no file yet."""
    from applications.materials.services import attach_material
    from programmes.models import MaterialItem

    have = set(application.materials.values_list("item_id", flat=True))
    attached = []
    for item in MaterialItem.objects.filter(category_id=application.category_id):
        if item.pk in have:
            continue
        upload = demo_upload(item, enterprise_name=str(application.enterprise))
        attached.append(attach_material(application=application, item=item, uploaded_file=upload, actor=actor))
    return attached
