"""The install-time font build (core/fonts.py): character set, idempotence, and no failure without fonts."""

from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from core import fonts

DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def test_gb2312_is_complete():
    chars = fonts.gb2312_chars()
    hanzi = [c for c in chars if "\u4e00" <= c <= "\u9fff"]
    assert len(hanzi) == 6763  # level 1 (3755) + level 2 (3008)
    assert {"扬", "州", "邗", "申", "报", "（", "）", "，", "。", "、"} <= chars


def test_charset_covers_fixed_ranges_and_our_texts():
    chars = fonts.charset()
    assert set("ABCxyz0123456789%+-.,:;/") <= chars
    assert {"“", "”", "—", "…", "·", "×", "≥", "℃", "□", "■"} <= chars
    assert {"\u3000", "【", "】", "〔", "〕", "ＡＢ"[0], "％"} <= chars
    # every character of the PDF templates and of the seeded notice is in the derived font
    base = fonts.BASE_DIR
    for path in [
        *Path(base / "templates" / "applications" / "pdf").glob("*"),
        *Path(base / "programmes" / "templates" / "programmes").glob("*"),
        base / "programmes" / "seed" / "notice-2018-internet-plus-smes.txt",
    ]:
        missing = {c for c in path.read_text(encoding="utf-8") if ord(c) >= 0x20} - chars
        assert not missing, (path, missing)


def test_missing_system_font_warns_and_does_not_fail(tmp_path):
    messages = []
    faces = [("X-Regular.otf", [str(tmp_path / "nope.ttc")], 400)]
    result = fonts.build(tmp_path / "out", faces=faces, log=messages.append)
    assert result == {"X-Regular.otf": "missing"}
    assert "WARNING" in messages[0] and "WenQuanYi Zen Hei" in messages[0]
    assert fonts.font_face_css(tmp_path / "out") == ""


@pytest.mark.skipif(not Path(DEJAVU).exists(), reason="DejaVu Sans not installed")
def test_build_is_idempotent_and_renames_the_font(tmp_path):
    # A small single-file font keeps the test fast; the code path is the one used for Noto.
    faces = [("ShenbaoSansSC-Regular.otf", [DEJAVU], 400)]
    out = tmp_path / "fonts"
    assert fonts.build(out, faces=faces, log=lambda *a: None) == {"ShenbaoSansSC-Regular.otf": "built"}
    target = out / "ShenbaoSansSC-Regular.otf"
    first = target.stat().st_mtime_ns
    assert fonts.build(out, faces=faces, log=lambda *a: None) == {"ShenbaoSansSC-Regular.otf": "up to date"}
    assert target.stat().st_mtime_ns == first
    font = TTFont(target)
    assert font["name"].getDebugName(1) == fonts.FAMILY
    assert ord("A") in font.getBestCmap()
    css = fonts.font_face_css(out)
    assert f'font-family: "{fonts.FAMILY}"' in css and target.resolve().as_uri() in css and "font-weight: 400" in css
    # a changed source means a rebuild
    (out / "ShenbaoSansSC-Regular.sha256").write_text("stale\n")
    assert fonts.build(out, faces=faces, log=lambda *a: None) == {"ShenbaoSansSC-Regular.otf": "built"}


def test_font_stack_falls_back_to_wenquanyi():
    assert fonts.FONT_STACK.index(fonts.FAMILY) < fonts.FONT_STACK.index("WenQuanYi Zen Hei")
    assert fonts.FONT_STACK.endswith("sans-serif")


@pytest.mark.skipif(not Path(fonts.FACES[0][1][0]).exists(), reason="fonts-noto-cjk not installed")
def test_the_sc_face_is_found_by_name():
    from fontTools.ttLib import TTCollection

    path = fonts.FACES[0][1][0]
    index = fonts.find_sc_font_number(path)
    collection = TTCollection(path, lazy=True)
    assert collection.fonts[index]["name"].getDebugName(1) == "Noto Sans CJK SC"


def template_chars():
    base = fonts.BASE_DIR
    chars = set()
    for path in [
        *Path(base / "templates" / "applications" / "pdf").glob("*"),
        *Path(base / "programmes" / "templates" / "programmes").glob("*"),
    ]:
        chars |= {c for c in path.read_text(encoding="utf-8") if ord(c) > 0x20}
    return chars


def test_the_built_font_has_a_glyph_for_every_template_character(settings):
    faces = fonts.available_faces(settings.PDF_FONT_DIR)
    if not faces:
        pytest.skip("derived fonts not built (make setup)")
    for path, _weight in faces:
        cmap = TTFont(path, lazy=True).getBestCmap()
        missing = {c for c in template_chars() if ord(c) not in cmap}
        assert not missing, f"{path.name} lacks {sorted(missing)}: run `python -m core.fonts var/fonts`"
