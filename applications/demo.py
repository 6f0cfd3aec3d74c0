"""Demo applications: `demo_enterprise` has a complete, eligible 示范 application with every material,
`demo_enterprise2` a complete 新产品新技术 one; neither is submitted, so a tester submits in one step.
Idempotent: an existing demo application is left alone (its draft may be in use)."""

from __future__ import annotations

import zlib

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from applications.materials.services import attach_material
from applications.models import Application

DEMONSTRATION_DATA = {
    "areas": [
        {
            "code": "production_control",
            "work": "建成覆盖下料、焊接、装配三条产线的 MES 与 ERP 集成系统，设备联网率 92%。",
            "results": "订单交付周期由 21 天缩短到 14 天，在制品库存下降 30%。",
        },
        {
            "code": "sales_operations",
            "work": "自建网上商城并入驻第三方工业品平台，开展线上询价、下单和售后服务。",
            "results": "2018 年线上交易额占销售总额的 62%。",
        },
    ],
    "investments": [
        {"date": "2017-04-12", "content": "ERP 系统许可与实施", "kind": "software", "area": "production_control",
         "supplier": "用友网络科技股份有限公司", "amount_yuan": "180000.00", "invoice_no": "No.32001711040"},
        {"date": "2017-09-20", "content": "车间工业网络与数据采集终端", "kind": "hardware", "area": "production_control",
         "supplier": "扬州联创自动化有限公司", "amount_yuan": "156000.00", "invoice_no": "No.32001720981"},
        {"date": "2018-03-01", "content": "MES 系统", "kind": "software", "area": "production_control",
         "supplier": "南京智造软件有限公司", "amount_yuan": "120000.00", "invoice_no": "No.3200181130"},
        {"date": "2018-08-15", "content": "网上商城建设与运维服务", "kind": "service", "area": "sales_operations",
         "supplier": "扬州云商信息技术有限公司", "amount_yuan": "98000.00", "invoice_no": "No.3200186620"},
    ],
    "management_software": [
        {"kind": "ERP", "vendor": "用友", "go_live": "2017-06-01"},
        {"kind": "MES", "vendor": "南京智造", "go_live": "2018-05-10"},
    ],
    "control_projects": [
        {"name": "设备联网与远程实时监控", "description": "86 台数控设备联网，运行状态实时上屏。"},
        {"name": "故障智能诊断", "description": "主轴振动监测与预警，非计划停机减少 40%。"},
    ],
    "sales": [
        {"year": 2017, "online_yuan": "5200000.00", "total_yuan": "9800000.00"},
        {"year": 2018, "online_yuan": "7600000.00", "total_yuan": "12300000.00"},
    ],
    "summary": "本企业自 2017 年起推进“互联网+”制造：以 ERP 与 MES 打通计划、生产和仓储，车间设备联网并实现远程监控与"
    "故障预警；销售端自建商城并入驻第三方平台，线上交易额占比持续提升。两年累计信息化投入 55.4 万元。",
}  # fmt: skip

NEW_PRODUCT_DATA = {
    "product_name": "基于物联网的智能配电监测终端",
    "description": "面向中小工厂配电房的物联网监测终端，采集电流、温度与局放数据并上传云平台，支持故障预警。",
    "industrialized": True,
    "industrialization_status": "2018 年形成年产 2 万台的生产能力，已批量销售。",
    "cases": "已在扬州、泰州 36 家工厂应用，例如某纺织厂配电房故障停机由每年 5 次降至 1 次。",
    "sales": {
        "enterprise_prev_year_yuan": "8600000.00",
        "enterprise_year_yuan": "11200000.00",
        "product_year_yuan": "4300000.00",
        "taxes_year_yuan": "520000.00",
    },
    "rd_investments": [
        {"date": "2017-05-10", "content": "终端硬件研发与样机试制", "amount_yuan": "210000.00"},
        {"date": "2018-02-01", "content": "云平台软件开发", "amount_yuan": "160000.00"},
    ],
    "comparison": {
        "operating_cost": {"traditional": "100", "new": "78", "unit": "元/台"},
        "development_cycle_days": {"traditional": "180", "new": "140", "unit": "天"},
        "defect_rate": {"traditional": "2.0", "new": "1.2", "unit": "%"},
        "productivity": {"traditional": "40", "new": "52", "unit": "台/班"},
        "energy_utilisation": {"traditional": "82", "new": "87", "unit": "%"},
    },
    "tech_level": "domestic_leading",
    "tech_evidence": "江苏省科技查新报告（2018）结论：在所查范围内未见相同报道，技术达到国内领先水平。",
    "ip": [
        {"patent_no": "ZL201810000000.1", "type": "invention", "title": "一种配电房局部放电在线监测方法",
         "granted_on": "2018-06-01", "owner": "扬州广陵云联信息科技有限公司", "ownership": "own"},
        {"patent_no": "ZL201720000000.2", "type": "utility_model", "title": "一种智能配电监测终端",
         "granted_on": "2018-01-16", "owner": "扬州广陵云联信息科技有限公司", "ownership": "own"},
    ],
}  # fmt: skip

DEMO_APPLICATIONS = {
    "demo_enterprise": ("demonstration", DEMONSTRATION_DATA),
    "demo_enterprise2": ("new_product", NEW_PRODUCT_DATA),
}


def _pdf_string(text):
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def tiny_pdf(title: str, lines=()) -> bytes:
    """A real, small, one-page PDF (Helvetica, ASCII text) with correct cross-reference offsets."""
    body = [f"BT /F1 16 Tf 56 780 Td ({_pdf_string(title)}) Tj ET"]
    for i, line in enumerate(lines):
        body.append(f"BT /F1 11 Tf 56 {750 - 18 * i} Td ({_pdf_string(line)}) Tj ET")
    stream = zlib.compress("\n".join(body).encode("latin-1"))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def attach_demo_material(application, item, actor, *, filename=None):
    """Attach a small real PDF for `item` through the materials service (every check applies)."""
    content = tiny_pdf(
        f"Shenbao demo material: {item.code}",
        [f"Application {application.pk}", f"Category {application.category.code}", "Demo data - not a real document"],
    )
    filename = filename or f"{item.name[:40]}.pdf"
    upload = SimpleUploadedFile(filename, content, content_type="application/pdf")
    return attach_material(application=application, item=item, uploaded_file=upload, actor=actor)


def attach_all_materials(application, actor):
    have = set(application.materials.values_list("item_id", flat=True))
    for item in application.category.material_items.all():
        if item.id not in have:
            attach_demo_material(application, item, actor)


def load():
    from applications import services
    from programmes.models import Call

    call = Call.objects.filter(code="yz2018-demo").first()
    if call is None:
        return {}
    created = {}
    for username, (code, data) in DEMO_APPLICATIONS.items():
        user = User.objects.filter(username=username).first()
        if user is None or user.organisation_id is None:
            continue
        category = call.categories.get(code=code)
        application = Application.objects.filter(call=call, category=category, enterprise=user.organisation).first()
        if application is None:
            application = services.application_create(call=call, category=category, actor=user)
            application, _errors = services.application_save_draft(
                application=application, data=data, version=application.version, actor=user
            )
            attach_all_materials(application, user)
        created[username] = application
    return created
