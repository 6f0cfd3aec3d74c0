"""Derived CJK fonts for the PDFs, built once at install time (`python -m core.fonts var/fonts`).

WeasyPrint spends most of a Chinese PDF's rendering time subsetting fonts with fontTools, once per face per
document, and the cost grows with the size of the source font (Noto Sans CJK has ~65,000 glyphs). We subset
Noto Sans CJK SC once, here, to what our documents can contain: GB2312 (symbols, level-1 and level-2 hanzi),
ASCII and Latin-1, CJK punctuation, full-width forms, and every character of our templates, the seeded notice
and the translation catalogues. WeasyPrint's per-document subsetting of that small font is then fast.

Idempotent: a font is rebuilt only when its inputs changed (a hash of the source font's path, size and mtime,
the character set and this module's version is stored beside it). Never fails the build: without the system
font it prints a warning and the PDF CSS falls back to WenQuanYi Zen Hei, then any sans-serif, by its
font-family order (see applications/pdf.py and docs/pdf.md).
"""

import hashlib
import json
import sys
import time
from pathlib import Path

VERSION = 1
BASE_DIR = Path(__file__).resolve().parent.parent

FAMILY = "Shenbao Sans SC"
# (output file name, candidate source .ttc/.otf files, weight)
FACES = [
    (
        "ShenbaoSansSC-Regular.otf",
        [
            "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
            "/usr/share/fonts/opentype/noto-cjk/NotoSansCJK-Regular.ttc",
            "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
        ],
        400,
    ),
    (
        "ShenbaoSansSC-Bold.otf",
        [
            "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
            "/usr/share/fonts/opentype/noto-cjk/NotoSansCJK-Bold.ttc",
            "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc",
        ],
        700,
    ),
]

LAYOUT_FEATURES = ["ccmp", "kern", "liga", "clig", "calt", "rlig", "rclt", "mark", "mkmk", "palt", "halt", "chws"]

# Where characters the documents may print are found, beyond the fixed ranges.
TEXT_SOURCES = [
    BASE_DIR / "templates" / "applications" / "pdf",
    BASE_DIR / "templates" / "applications",
    BASE_DIR / "programmes" / "templates" / "programmes",
    BASE_DIR / "programmes" / "seed",
    BASE_DIR / "locale",
    BASE_DIR / "applications",
    BASE_DIR / "enterprises",
    BASE_DIR / "programmes",
    BASE_DIR / "accounts",
    BASE_DIR / "core",
]
TEXT_SUFFIXES = {".html", ".txt", ".po", ".py", ".md"}


def gb2312_chars():
    """Every character of GB2312: rows 1–9 (symbols, full-width forms), 16–55 (level 1), 56–87 (level 2)."""
    chars = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.add(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def fixed_chars():
    chars = set(chr(c) for c in range(0x20, 0x7F))  # ASCII
    chars |= set(chr(c) for c in range(0xA0, 0x100))  # Latin-1 (×, ·, °, ±, …)
    chars |= set(chr(c) for c in range(0x2000, 0x2070))  # general punctuation (—, “”, ‘’, …, ‰)
    chars |= set(chr(c) for c in range(0x2190, 0x2200))  # arrows
    chars |= set("−≤≥≠≈∑√∞№℃㎡")
    chars |= set(chr(c) for c in range(0x2460, 0x24A0))  # ① … ⑳ and friends
    chars |= set(chr(c) for c in range(0x25A0, 0x2600))  # □ ■ ○ ● ☐ shapes
    chars |= set("☐☑☒✓✔✕✗")
    chars |= set(chr(c) for c in range(0x3000, 0x3040))  # CJK symbols and punctuation
    chars |= set(chr(c) for c in range(0xFF00, 0xFFF0))  # half-width and full-width forms
    return chars


def source_chars(sources=TEXT_SOURCES):
    chars = set()
    for source in sources:
        if not source.exists():
            continue
        files = [source] if source.is_file() else [p for p in source.rglob("*") if p.suffix in TEXT_SUFFIXES]
        for path in files:
            try:
                chars |= set(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError):
                continue
    return {c for c in chars if ord(c) >= 0x20}


def charset():
    return gb2312_chars() | fixed_chars() | source_chars()


def find_sc_font_number(path):
    """The index of Noto Sans CJK SC inside the collection (found by name, not assumed)."""
    from fontTools.ttLib import TTCollection

    if not str(path).lower().endswith((".ttc", ".otc")):
        return -1  # a single font file, not a collection
    collection = TTCollection(path, lazy=True)
    try:
        for index, font in enumerate(collection.fonts):
            family = font["name"].getDebugName(1) or ""
            if family.endswith(" SC") and "Mono" not in family:
                return index
    finally:
        collection.close()
    raise LookupError(f"no SC face in {path}")


def subset_face(source, font_number, chars, target):
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    # Horizontal Simplified Chinese only: no `locl` (it drags in the JP/KR/TC glyph variants of the
    # collection) and no vertical forms; keep kerning, ligatures and the CJK punctuation spacing features.
    options.layout_features = LAYOUT_FEATURES
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False  # CFF hints are useless in print and only cost bytes
    options.desubroutinize = False
    font = TTFont(source, fontNumber=font_number, lazy=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in chars])
    subsetter.subset(font)
    rename(font, target.stem)
    tmp = target.with_suffix(".tmp")
    font.save(tmp)
    tmp.replace(target)
    return len(font.getGlyphOrder())


def rename(font, stem):
    """Give the derived font its own names, so it can never be confused with the system's full font."""
    style = "Bold" if stem.endswith("Bold") else "Regular"
    names = {1: FAMILY, 2: style, 3: f"{stem};{VERSION}", 4: f"{FAMILY} {style}", 6: stem, 16: FAMILY, 17: style}
    table = font["name"]
    for record in list(table.names):
        if record.nameID in names:
            table.removeNames(nameID=record.nameID)
    for name_id, value in names.items():
        table.setName(value, name_id, 3, 1, 0x409)
        table.setName(value, name_id, 1, 0, 0)
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [stem]
        top = cff.topDictIndex[0]
        top.FullName = f"{FAMILY} {style}"
        top.FamilyName = FAMILY


def fingerprint(source, chars):
    stat = Path(source).stat()
    text = json.dumps([VERSION, str(source), stat.st_size, int(stat.st_mtime), sorted(chars)], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def build(out_dir, *, faces=FACES, log=print):
    """Build every face; return a dict name → "built" / "up to date" / "missing"."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    chars = charset()
    results = {}
    for name, candidates, _weight in faces:
        target = out_dir / name
        stamp = target.with_suffix(".sha256")
        source = next((c for c in candidates if Path(c).exists()), None)
        if source is None:
            log(
                f"WARNING: Noto Sans CJK not found ({candidates[0]}); {name} not built. "
                "PDFs fall back to WenQuanYi Zen Hei (install fonts-noto-cjk for the fast, complete font)."
            )
            results[name] = "missing"
            continue
        key = fingerprint(source, chars)
        if target.exists() and stamp.exists() and stamp.read_text().strip() == key:
            results[name] = "up to date"
            continue
        started = time.perf_counter()
        try:
            glyphs = subset_face(source, find_sc_font_number(source), chars, target)
        except Exception as exc:  # never fail the install because of a font
            log(f"WARNING: could not build {name} from {source}: {exc}; PDFs fall back to WenQuanYi Zen Hei.")
            results[name] = "missing"
            continue
        stamp.write_text(key + "\n")
        elapsed = time.perf_counter() - started
        size = target.stat().st_size / 1024 / 1024
        log(f"built {target} from {source}: {len(chars)} characters, {glyphs} glyphs, {size:.1f} MB, {elapsed:.1f} s")
        results[name] = "built"
    return results


def available_faces(font_dir):
    """(path, weight) of the derived faces present in font_dir."""
    font_dir = Path(font_dir)
    return [(font_dir / name, weight) for name, _c, weight in FACES if (font_dir / name).exists()]


def font_face_css(font_dir):
    """@font-face rules for the derived faces (empty when none was built: the fallback fonts apply)."""
    rules = []
    for path, weight in available_faces(font_dir):
        rules.append(
            f'@font-face {{ font-family: "{FAMILY}"; src: url("{path.resolve().as_uri()}"); '
            f"font-weight: {weight}; font-style: normal; }}"
        )
    return "\n".join(rules)


FONT_STACK = f'"{FAMILY}", "WenQuanYi Zen Hei", "Noto Sans CJK SC", sans-serif'


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    out_dir = argv[0] if argv else str(BASE_DIR / "var" / "fonts")
    build(out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
