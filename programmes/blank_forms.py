"""The notice's attachments 1 and 2: blank application forms, rendered to PDF for download.

They mirror the printed application (templates/applications/pdf/) section by section — same numbering,
same tables, empty cells — so that an enterprise preparing on paper and one filling in online produce the
same document. They use the same stylesheet and the same pre-subset font (core/fonts.py).
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from core.fonts import FONT_STACK, font_face_css
from core.formatting import percent
from programmes.vocabulary import AREAS, COMPARISON_ROWS, SOFTWARE_KINDS, TECH_LEVELS

BLANK_FORMS = [
    ("demonstration", "附件1：扬州市“互联网+小微企业”示范试点企业申请书", "附件1-示范试点企业申请书.pdf"),
    ("new_product", "附件2：扬州市“互联网+小微企业”研发推广应用新产品新技术申请书", "附件2-新产品新技术申请书.pdf"),
]

# The notice's call year: the blank forms of the 2018 notice have the columns 2017 and 2018 (近两年).
NOTICE_YEAR = 2018
# Labels from the one vocabulary; targets written as the filled PDF writes them (core.formatting).
SOFTWARE = [label for _code, label in SOFTWARE_KINDS]
AREA_LABELS = [label for _code, label in AREAS]
TECH_LEVEL_LABELS = [label for _code, label in TECH_LEVELS]
COMPARISON = [
    (label, percent(target if direction == "up" else -target, signed=True))
    for _code, label, _unit, target, direction in COMPARISON_ROWS
]


def blank_context(category_code, *, year: int = NOTICE_YEAR):
    from programmes.demo import MATERIALS  # demo imports this module: import lazily

    titles = {code: title for code, title, _filename in BLANK_FORMS}
    return {
        "title": titles[category_code],
        "years": [year - 1, year],
        "year": year,
        "prev_year": year - 1,
        "areas": AREA_LABELS,
        "tech_levels": TECH_LEVEL_LABELS,
        "software": SOFTWARE,
        "comparison": COMPARISON,
        "materials": [name for _code, name, _multiple in MATERIALS[category_code]],
        "font_faces": font_face_css(settings.PDF_FONT_DIR),
        "font_stack": FONT_STACK,
        "footer_left": titles[category_code].split("：", 1)[0],
        "rows8": range(8),
        "rows4": range(4),
    }


def render_blank_form_html(category_code, *, year: int = NOTICE_YEAR):
    if category_code not in dict((code, 1) for code, _t, _f in BLANK_FORMS):
        raise ValueError(f"unknown category {category_code!r}")
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(f"programmes/blank_{category_code}.html", blank_context(category_code, year=year))


def render_blank_form(category_code, *, year: int = NOTICE_YEAR):
    from weasyprint import HTML

    return HTML(string=render_blank_form_html(category_code, year=year), base_url=str(settings.BASE_DIR)).write_pdf()
