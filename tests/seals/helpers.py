"""A small Chinese WeasyPrint PDF (fonts as applications/pdf.py sets them up), rendered once per session."""

import functools
import html

from django.conf import settings

from core.fonts import FONT_STACK, font_face_css


def table_html(rows: int, title: str = "推荐汇总表") -> str:
    body = "".join(
        f"<tr><td>{i + 1}</td><td>{html.escape(f'扬州市测试科技有限公司{i + 1}')}</td>"
        f"<td>YZ2019-{i + 1:04d}</td><td>{(i + 1) * 1000:,}.00</td></tr>"
        for i in range(rows)
    )
    return (
        f"<html><head><style>{font_face_css(settings.PDF_FONT_DIR)} @page {{ size: A4; margin: 20mm }}"
        f" body {{ font-family: {FONT_STACK} }} td, th {{ border: 1px solid #000; padding: 2px 4px }}"
        "</style></head>"
        f"<body><h1>{title}</h1><p>邗江区工信局、邗江区财政局 联合推荐</p><table>"
        f"<tr><th>序号</th><th>企业名称</th><th>受理编号</th><th>投资额（元）</th></tr>{body}</table></body></html>"
    )


@functools.cache
def chinese_pdf(rows: int = 5) -> bytes:
    from weasyprint import HTML

    return HTML(string=table_html(rows), base_url=str(settings.BASE_DIR)).write_pdf()


def flip(data: bytes, position: int) -> bytes:
    changed = bytearray(data)
    changed[position] ^= 0x01
    return bytes(changed)
