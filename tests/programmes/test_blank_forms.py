"""The notice's attachments 1 and 2: blank forms that mirror the printed application, in the same font."""

import re
import subprocess

import pytest

from programmes.blank_forms import BLANK_FORMS, render_blank_form, render_blank_form_html


def text_of(tmp_path, code):
    path = tmp_path / f"{code}.pdf"
    content = render_blank_form(code)
    assert content.startswith(b"%PDF-")
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True)
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True)
    return text.stdout, fonts.stdout


@pytest.mark.parametrize(
    "code,title,sections",
    [
        (
            "demonstration",
            "示范（试点）企业申请书",
            [
                "一、企业基本情况",
                "二、互联网应用环节及成效",
                "三、近两年信息化、智能化投入清单",
                "四、关键生产管理软件应用情况",
                "五、线上交易情况",
                "六、企业“互联网+”情况总结",
                "七、申报条件核对",
                "八、申报材料清单",
                "九、承诺书",
            ],
        ),
        (
            "new_product",
            "研发推广应用新产品新技术申请书",
            [
                "一、企业基本情况",
                "二、产品（技术）概述与产业化情况",
                "三、开票销售、上缴税金和研发投入",
                "四、“三降低两提升”对比分析",
                "五、技术水平与知识产权",
                "六、申报条件核对",
                "七、申报材料清单",
                "八、承诺书",
            ],
        ),
    ],
)
def test_blank_form_renders_with_its_title_and_sections_as_text(tmp_path, code, title, sections):
    text, fonts = text_of(tmp_path, code)
    assert "扬州市“互联网+小微企业”" in text
    assert title in text
    for section in sections:
        assert section in text, section
    assert "法定代表人（签字）" in text and "企业（盖章）" in text
    assert "一式两份" in text
    assert re.search(r"第\s*1\s*页\s*共\s*\d+\s*页", text)
    # the same embedded CJK font as the filled application
    assert re.search(r"(Shenbao|WenQuanYi|Noto).*\byes\b", fonts), fonts


def test_blank_forms_mirror_the_filled_sections():
    """Every section title of the filled template appears in the blank one, in the same order."""
    from django.template.loader import get_template

    for code, _title, _filename in BLANK_FORMS:
        filled = get_template(f"applications/pdf/{code}.html").template.source
        filled += get_template("applications/pdf/_base.html").template.source
        numerals = "一二三四五六七八九"
        titles = sorted(re.findall(rf'translate "([{numerals}]、[^"]+)"', filled), key=lambda t: numerals.index(t[0]))
        assert len(titles) >= 8
        blank = render_blank_form_html(code)
        positions = [blank.index(t) for t in titles]
        assert titles and positions == sorted(positions), titles


def test_blank_demonstration_lists_the_notice_materials_and_thresholds():
    html = render_blank_form_html("demonstration")
    assert "第三方机构出具的企业近两年财务审计报告（反映信息化软硬件投入情况）" in html
    assert "超过50万元" in html and "2017年01月01日—2018年12月31日" in html
    html = render_blank_form_html("new_product")
    assert "法定机构出具的新产品（技术）近期检测报告和查新报告" in html
    assert "-20.0%" in html and "+4.0%" in html  # as the filled PDF writes them (core.formatting)
    # choice labels and the ownership column from the one vocabulary, as the online form and the PDF show them
    assert "□国内领先　□国际先进　□其他" in html and "取得方式" in html and "自有/受让" not in html
    html = render_blank_form_html("demonstration")
    assert "□研发设计" in html and "□制造执行系统（MES）" in html


def test_unknown_blank_form():
    with pytest.raises(ValueError):
        render_blank_form_html("other")
