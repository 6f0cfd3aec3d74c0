"""The notice's attachments 1 and 2: blank application forms, rendered to PDF for download."""

from django.template.loader import render_to_string

BLANK_FORMS = [
    ("demonstration", "附件1：扬州市“互联网+小微企业”示范试点企业申请书", "附件1-示范试点企业申请书.pdf"),
    ("new_product", "附件2：扬州市“互联网+小微企业”研发推广应用新产品新技术申请书", "附件2-新产品新技术申请书.pdf"),
]


def render_blank_form(category_code):
    from weasyprint import HTML

    html = render_to_string(f"programmes/blank_{category_code}.html")
    return HTML(string=html).write_pdf()
