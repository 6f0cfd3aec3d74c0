"""JPEG and PNG uploads decoded to the end with Pillow, not only sniffed by their first bytes.

``image_problem(fileobj, kind)`` returns None for an image that Pillow opens as the detected format, whose
pixel count is within MAX_IMAGE_PIXELS, which passes ``verify()`` and then decodes completely (``load()``;
a JPEG at 1/8 scale through ``draft``: every byte of its coded data is still decoded, at a fraction of the
memory), and after whose end (PNG: the IEND chunk; JPEG: the EOI marker) no web page or script follows.
Otherwise an :class:`ImageProblem` saying why.

Data after the end of an image is common and harmless by itself (phones append a second picture or a short
video after a JPEG's EOI), so only trailing markup is refused: a browser that sniffs content could run it.
"""

import io
import re
import struct
import warnings
from dataclasses import dataclass, field

from PIL import Image

# 60 million pixels: a 600 dpi A4 scan (4,960 × 7,016 = 35 Mpx) and a 48-megapixel phone photo pass; a
# decompression bomb (a small file declaring a huge canvas) is refused before anything is decoded. Pillow's own
# check (a warning above the limit, an error above twice it) is set to the same figure for every use in the
# process.
MAX_IMAGE_PIXELS = 60_000_000
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS

# What Pillow calls the formats: a JPEG with a second picture (MPO, from phones) is still a JPEG.
_FORMATS = {"jpeg": {"JPEG", "MPO"}, "png": {"PNG"}}
_MARKUP = re.compile(
    rb"<\s*(?:html|script|svg|body|iframe|object|embed|meta|!doctype|\?php)|javascript:", re.IGNORECASE
)
# In a JPEG's entropy-coded data 0xFF is followed by 0x00 (stuffing) or a restart marker; anything else is
# the next marker.
_JPEG_NEXT_MARKER = re.compile(rb"\xff(?!\x00|[\xd0-\xd7]|\xff)")


@dataclass(frozen=True)
class ImageProblem:
    code: str  # "broken", "too_many_pixels", "trailing_markup"
    params: dict = field(default_factory=dict)


def image_problem(fileobj, kind) -> ImageProblem | None:
    fileobj.seek(0)
    data = fileobj.read()
    fileobj.seek(0)
    width = height = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in _FORMATS[kind]:
                    return ImageProblem("broken")
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    return ImageProblem("too_many_pixels", {"width": width, "height": height})
                image.verify()
            with Image.open(io.BytesIO(data)) as image:
                if kind == "jpeg":
                    image.draft(image.mode, (max(width // 8, 1), max(height // 8, 1)))
                image.load()
    except Image.DecompressionBombError:  # over twice the limit: Pillow refuses it while opening
        return ImageProblem("too_many_pixels", {"width": width, "height": height} if width else {})
    except Exception:  # noqa: BLE001 - Pillow raises many kinds of errors (OSError, SyntaxError, struct.error…)
        return ImageProblem("broken")
    end = _png_end(data) if kind == "png" else _jpeg_end(data)
    # Without a findable end (an odd but decodable file) the whole file is searched instead.
    trailing = data[end:] if end is not None else data
    if _MARKUP.search(trailing):
        return ImageProblem("trailing_markup")
    return None


def _png_end(data):
    """Offset just after the IEND chunk, or None."""
    offset = 8
    while offset + 8 <= len(data):
        (length,) = struct.unpack_from(">I", data, offset)
        chunk_type = data[offset + 4 : offset + 8]
        offset += 12 + length
        if chunk_type == b"IEND":
            return offset if offset <= len(data) else None
    return None


def _jpeg_end(data):
    """Offset just after the EOI marker that ends the first picture, or None."""
    offset, size = 2, len(data)
    while offset < size:
        if data[offset] != 0xFF:
            return None
        while offset < size and data[offset] == 0xFF:  # fill bytes
            offset += 1
        if offset >= size:
            return None
        marker = data[offset]
        offset += 1
        if marker == 0xD9:  # EOI
            return offset
        if 0xD0 <= marker <= 0xD7 or marker in (0x01, 0xD8):  # standalone markers
            continue
        if offset + 2 > size:
            return None
        offset += int.from_bytes(data[offset : offset + 2], "big")
        if marker == 0xDA:  # start of scan: coded data up to the next marker
            match = _JPEG_NEXT_MARKER.search(data, offset)
            if match is None:
                return None
            offset = match.start()
    return None
