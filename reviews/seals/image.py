"""The seal's picture: a red round seal with the organisation's name on the upper arc, a five-pointed star in
the middle and the key id along the bottom (as a physical seal carries its code), drawn once when the key is
made. PNG with a transparent background: the sealed PDF's stamp is this image as an XObject, and WeasyPrint
embeds the same PNG as a data URI (`data_uri`)."""

import base64
import io
import math
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

SIZE = 600  # px; printed at 40 mm that is about 380 dpi
RED = (214, 0, 24, 255)
FALLBACK_FONTS = ["/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"]


def _font(size: int) -> ImageFont.FreeTypeFont:
    candidates = [
        Path(settings.PDF_FONT_DIR) / name for name in ("ShenbaoSansSC-Bold.otf", "ShenbaoSansSC-Regular.otf")
    ]
    for path in [*candidates, *map(Path, FALLBACK_FONTS)]:
        if path.exists():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def _star(draw, cx, cy, outer):
    inner = outer * math.sin(math.radians(18)) / math.sin(math.radians(126))
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = math.radians(-90 + 36 * i)
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(points, fill=RED)


def _arc_text(image, text, *, radius, font_size, span_degrees):
    """Each character upright towards the centre, spread evenly over the upper arc (clockwise, left to right)."""
    font = _font(font_size)
    count = max(len(text), 1)
    span = min(span_degrees, 22 * count)  # a short name is not stretched around the whole seal
    for index, char in enumerate(text):
        angle = -span / 2 + span * (index + 0.5) / count  # degrees from the top, clockwise
        glyph = Image.new("RGBA", (font_size * 2, font_size * 2), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((font_size, font_size), char, font=font, fill=RED, anchor="mm")
        glyph = glyph.rotate(-angle, resample=Image.BICUBIC)
        x = SIZE / 2 + radius * math.sin(math.radians(angle))
        y = SIZE / 2 - radius * math.cos(math.radians(angle))
        image.alpha_composite(glyph, (round(x - font_size), round(y - font_size)))


def seal_png(name: str, *, key_id: str = "") -> bytes:
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    ring = 18
    draw.ellipse((ring // 2, ring // 2, SIZE - ring // 2, SIZE - ring // 2), outline=RED, width=ring)
    _star(draw, SIZE / 2, SIZE / 2, SIZE * 0.17)
    font_size = 72 if len(name) <= 10 else max(44, int(720 / len(name)))
    _arc_text(image, name, radius=SIZE / 2 - ring - font_size * 0.62, font_size=font_size, span_degrees=250)
    if key_id:
        draw.text((SIZE / 2, SIZE * 0.78), key_id, font=_font(30), fill=RED, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def data_uri(png: bytes) -> str:
    """For WeasyPrint templates: <img src="{{ seal_uri }}"> embeds the seal without a file or a URL."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
