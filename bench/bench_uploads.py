"""How long one upload's checks take (applications.materials.checks.inspect_upload: hash, type, content to the end,
virus scan with the no-op backend), for files at the 20 MB limit of a checklist item.

    .venv/bin/python bench/bench_uploads.py          # 5 runs of each
    .venv/bin/python bench/bench_uploads.py -n 9

Files: a 20 MB PDF (300 pages, 19 MB of binary image streams), the same with every dictionary in object streams
plus an incremental update (two revisions to parse), a 6000 × 4000 JPEG and a 3000 × 2000 PNG of noise
(the worst case for decoding), an OFD of 20 MB (images and XML). No database. Record results in
docs/performance.md ("Uploads").
"""

import argparse
import io
import os
import sys
import zipfile
from types import SimpleNamespace

from _common import ROOT, print_machine, spread_line, timed

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shenbao.settings")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from PIL import Image  # noqa: E402
from pypdf import PdfWriter  # noqa: E402
from pypdf.generic import DictionaryObject, NameObject, NumberObject, StreamObject  # noqa: E402

from applications.materials.checks import inspect_upload  # noqa: E402

sys.path.insert(0, str(ROOT))
from tests.applications.hostile_files import in_object_streams  # noqa: E402

MB = 1024 * 1024
ITEM = SimpleNamespace(name="benchmark", max_size_bytes=20 * MB, allowed_type_list=["pdf", "jpeg", "png", "ofd"])


def big_pdf(pages=300, binary_mb=19):
    writer = PdfWriter()
    images = []
    for _ in range(binary_mb):
        image = StreamObject()
        image.set_data(os.urandom(MB))
        image.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Image"),
                NameObject("/Width"): NumberObject(1024),
                NameObject("/Height"): NumberObject(1024),
                NameObject("/ColorSpace"): NameObject("/DeviceGray"),
                NameObject("/BitsPerComponent"): NumberObject(8),
            }
        )
        images.append(writer._add_object(image))
    for number in range(pages):
        page = writer.add_blank_page(595, 842)
        content = StreamObject()
        content.set_data(f"BT /F1 12 Tf 72 770 Td (Page {number}) Tj ET q 100 0 0 100 72 72 cm /Im0 Do Q".encode())
        page[NameObject("/Contents")] = writer._add_object(content)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/XObject"): DictionaryObject({NameObject("/Im0"): images[number % len(images)]})}
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def with_update(pdf):
    writer = PdfWriter(io.BytesIO(pdf), incremental=True)
    writer.add_metadata({"/Title": "updated"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def noise_image(image_format, size, **options):
    out = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(out, image_format, **options)
    return out.getvalue()


def big_ofd(megabytes=19):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "OFD.xml",
            '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml'
            "</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        )
        archive.writestr("Doc_0/Document.xml", "<ofd:Document/>")
        for number in range(megabytes):
            archive.writestr(f"Doc_0/Res/image_{number}.jpg", os.urandom(MB))
            archive.writestr(f"Doc_0/Pages/Page_{number}/Content.xml", "<ofd:Page>" + "<ofd:TextObject/>" * 2000)
    return out.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=5)
    args = parser.parse_args()
    print_machine()
    pdf = big_pdf()
    files = {
        "PDF 300 pages": ("big.pdf", pdf),
        "PDF object streams + update": ("objstm.pdf", with_update(in_object_streams(pdf))),
        "JPEG 6000×4000 noise": ("big.jpg", noise_image("JPEG", (6000, 4000), quality=75)),
        "PNG 3000×2000 noise": ("big.png", noise_image("PNG", (3000, 2000))),
        "OFD 19 images + XML": ("big.ofd", big_ofd()),
    }
    for label, (name, content) in files.items():
        times, inspected = timed(lambda n=name, c=content: inspect_upload(SimpleUploadedFile(n, c), ITEM), args.n)
        print(spread_line(label, times, f"{len(content) / MB:.1f} MB {inspected.kind}"))


if __name__ == "__main__":
    main()
