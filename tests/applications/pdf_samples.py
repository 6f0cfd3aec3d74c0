"""Realistic snapshot dicts of both categories, shaped exactly as docs/application-data.md specifies.

The PDF writer is developed and tested against these, independent of the submission service.
"""

import copy
import datetime as dt
import hashlib
import json

from applications.derived import figures

DECLARATION_TEXT = (
    "本企业郑重承诺：所填报的申请书内容及所附全部材料真实、准确、完整，不存在弄虚作假、重复申报等情况；"
    "本企业近三年信用良好、无违法记录。如有虚假，本企业愿承担由此产生的一切法律责任，并同意取消申报资格、"
    "收回已拨付的扶持资金。"
)

CALL = {
    "id": 1,
    "code": "yz2018",
    "title": "2018年度扬州市“互联网+小微企业”项目申报",
    "year": 2018,
    "deadline": "2019-05-15T15:59:59+00:00",
    "investment_period": ["2017-01-01", "2018-12-31"],
}
# The derived figures are those the submission service freezes: applications.derived.figures of the form.
PERIOD = (dt.date(2017, 1, 1), dt.date(2018, 12, 31))


def _declarations(by, at):
    """The profile's three declarations, as enterprises.selectors.snapshot_of() writes them."""
    wording = {
        "sound_management": "本企业具备健全的组织机构、管理制度和独立的财务核算制度。",
        "good_credit": "本企业信用良好。",
        "no_illegal_record": "本企业无违法记录。",
    }
    return {kind: {"accepted": True, "text": text, "by": by, "at": at} for kind, text in wording.items()}


# The shape of enterprises.selectors.snapshot_of() (schema shenbao.enterprise.v1).
ENTERPRISE_A = {
    "schema": "shenbao.enterprise.v1",
    "organisation_id": 11,
    "version": 3,
    "uscc": "91321003MA1MXXXX8L",
    "name": "扬州市邗江区智造云科技有限公司",
    "legal_representative": "王建国",
    "contact_person": "李晓梅",
    "mobile": "13805140001",
    "email": "lixm@example.cn",
    "registered_region": {"code": "321003", "name": "邗江区"},
    "tax_region": {"code": "321003", "name": "邗江区"},
    "established_on": "2012-04-18",
    "independent_legal_person": True,
    "industry": {"code": "industry", "label": "工业（采矿业、制造业、电力、热力、燃气及水生产和供应业）"},
    "employees": 86,
    "revenue_yuan": "42000000.00",
    "assets_yuan": "36500000.00",
    "declarations": _declarations("demo_enterprise", "2019-05-10T01:00:00+00:00"),
    "updated_at": "2019-05-10T01:00:00+00:00",
}

DEMONSTRATION_FORM = {
    "areas": [
        {
            "code": "production_control",
            "work": "建设 MES 制造执行系统，车间 42 台数控设备联网，实现远程实时监控和故障智能诊断。",
            "results": "设备综合效率由 61% 提高到 78%，订单交付周期缩短 23%。",
        },
        {
            "code": "sales_operations",
            "work": "自建 B2B 电商平台并入驻阿里巴巴 1688，开展以销定产和个性化定制。",
            "results": "2018 年线上交易额占比达到 62.4%，库存周转天数下降 35%。",
        },
    ],
    "investments": [
        {
            "date": "2017-03-15",
            "content": "ERP 企业资源计划系统（U8 Cloud）",
            "kind": "software",
            "area": "production_control",
            "supplier": "用友网络科技股份有限公司",
            "amount_yuan": "186000.00",
            "invoice_no": "No.32001711230001",
        },
        {
            "date": "2017-09-02",
            "content": "数控设备联网网关及传感器",
            "kind": "hardware",
            "area": "production_control",
            "supplier": "扬州工控电子有限公司",
            "amount_yuan": "142500.00",
            "invoice_no": "No.32001711230002",
        },
        {
            "date": "2018-03-01",
            "content": "MES 制造执行系统",
            "kind": "software",
            "area": "production_control",
            "supplier": "南京智能制造软件有限公司",
            "amount_yuan": "120000.00",
            "invoice_no": "No.3200181130",
        },
        {
            "date": "2018-06-20",
            "content": "B2B 电商平台定制开发",
            "kind": "service",
            "area": "sales_operations",
            "supplier": "江苏互联网信息服务有限公司",
            "amount_yuan": "98000.00",
            "invoice_no": "No.3200181131",
        },
        {
            "date": "2018-11-08",
            "content": "CRM 客户关系管理系统（年度订阅）",
            "kind": "software",
            "area": "sales_operations",
            "supplier": "纷享销客（北京）科技有限公司",
            "amount_yuan": "36000.00",
            "invoice_no": "No.3200181132",
        },
        {
            "date": "2016-12-20",
            "content": "机房服务器（投入期之前，不计入）",
            "kind": "hardware",
            "area": "production_control",
            "supplier": "扬州华信电脑有限公司",
            "amount_yuan": "45000.00",
            "invoice_no": "No.32001612200009",
        },
    ],
    "management_software": [
        {"kind": "ERP", "vendor": "用友", "go_live": "2017-06-01"},
        {"kind": "MES", "vendor": "南京智能制造软件", "go_live": "2018-05-10"},
        {"kind": "CRM", "vendor": "纷享销客", "go_live": "2018-12-01"},
    ],
    "control_projects": [
        {"name": "设备联网与远程实时监控", "description": "42 台数控机床通过工业网关接入，车间大屏实时显示状态。"},
        {"name": "故障智能诊断", "description": "基于振动和电流数据的主轴故障预警，2018 年减少停机 126 小时。"},
    ],
    "sales": [
        {"year": 2017, "online_yuan": "18500000.00", "total_yuan": "36200000.00"},
        {"year": 2018, "online_yuan": "26200000.00", "total_yuan": "42000000.00"},
    ],
    "summary": (
        "公司自 2017 年起实施“互联网+制造”战略，围绕生产管控和购销经营两个环节持续投入。\n"
        "一是建设 ERP、MES、CRM 三套关键生产管理软件并实现集成应用；二是完成设备联网和故障智能诊断两个生产管控项目；"
        "三是自建 B2B 电商平台，线上交易额占比逐年提高。两年累计信息化投入 58.25 万元，成效显著，具有可复制性。"
    ),
}

ELIGIBILITY_DEMONSTRATION = {
    "eligible": True,
    "size_class": "small",
    "size_reason": "工业：从业人员 86 人（≥20），营业收入 4200 万元（≥300）且低于中型标准，属小型企业。",
    "checks": [
        {"code": "registered_in_yangzhou", "passed": True, "message": "在扬州市境内注册并纳税（邗江区）。"},
        {"code": "operating_years", "passed": True, "message": "正常经营 7 年，满足“一年以上”。"},
        {"code": "size_class", "passed": True, "message": "企业规模为小型，属于小微企业。"},
        {"code": "investment_total", "passed": True, "message": "近两年投入合计 582,500.00 元，超过 500,000.00 元。"},
        {"code": "management_software", "passed": True, "message": "关键生产管理软件 3 项（ERP、MES、CRM），≥2 项。"},
    ],
}


def _materials(items):
    out = []
    for index, (code, name, filename) in enumerate(items, start=1):
        digest = hashlib.sha256(f"{code}-{filename}".encode()).hexdigest()
        out.append(
            {
                "item_code": code,
                "item_name": name,
                "filename": filename,
                "content_type": "application/pdf",
                "size": 10240 * index + 517,
                "sha256": digest,
            }
        )
    return out


DEMONSTRATION_MATERIALS = _materials(
    [
        ("application_form", "示范（试点）企业申请书", "示范企业申请书.pdf"),
        ("internet_plus_summary", "企业“互联网+”情况总结", "互联网+情况总结.pdf"),
        ("achievement_evidence", "近两年企业信息化、智能化建设成果的相关证明材料", "MES上线验收报告.pdf"),
        (
            "investment_list",
            "近两年信息化、智能化设备建设或软件定制、研发、购买实际的投入清单、发票复印件和供应商情况",
            "投入清单及发票.pdf",
        ),
        ("audit_report", "第三方机构出具的企业近两年财务审计报告（反映信息化软硬件投入情况）", "2017-2018审计报告.pdf"),
        ("business_licence", "企业法人营业执照复印件", "营业执照.pdf"),
        ("results_evidence", "相关数据及成效的证明材料", "成效证明.pdf"),
    ]
)

DEMONSTRATION_SNAPSHOT = {
    "schema": "shenbao.application.v2",
    "application_id": 1,
    "receipt_no": "YZ2018-SF-321003-0001",
    "version": 1,
    "submitted_at": "2019-05-15T02:00:00+00:00",
    "call": CALL,
    "category": {"code": "demonstration", "name": "示范/试点企业"},
    "form_version": {"id": 1, "version": 1},
    "enterprise": ENTERPRISE_A,
    "form": DEMONSTRATION_FORM,
    "derived": figures("demonstration", DEMONSTRATION_FORM, period=PERIOD),
    "materials": DEMONSTRATION_MATERIALS,
    "eligibility": ELIGIBILITY_DEMONSTRATION,
    "declaration": {
        "accepted": True,
        "text": DECLARATION_TEXT,
        "by": "demo_enterprise",
        "at": "2019-05-15T01:59:30+00:00",
    },
}

ENTERPRISE_B = {
    "schema": "shenbao.enterprise.v1",
    "organisation_id": 12,
    "version": 1,
    "uscc": "91321002MA1NYYYY3K",
    "name": "扬州广陵新材料科技有限公司",
    "legal_representative": "陈志强",
    "contact_person": "赵敏",
    "mobile": "13905140002",
    "email": "",
    "registered_region": {"code": "321002", "name": "广陵区"},
    "tax_region": {"code": "321002", "name": "广陵区"},
    "established_on": "2014-09-01",
    "independent_legal_person": True,
    "industry": {"code": "industry", "label": "工业（采矿业、制造业、电力、热力、燃气及水生产和供应业）"},
    "employees": 45,
    "revenue_yuan": "28600000.00",
    "assets_yuan": "21000000.00",
    "declarations": _declarations("demo_enterprise2", "2019-05-09T01:00:00+00:00"),
    "updated_at": "2019-05-09T01:00:00+00:00",
}

NEW_PRODUCT_FORM = {
    "product_name": "基于物联网的智能温控复合材料成型系统",
    "description": "在复合材料热压成型设备中嵌入温度、压力传感器和边缘控制器，通过工业互联网平台实时优化工艺参数。",
    "industrialization_status": "2017 年完成中试，2018 年批量生产，已形成年产 120 套的生产能力。",
    "industrialized": True,
    "cases": "已在江苏、浙江 9 家复合材料企业推广应用，其中扬州某船艇企业应用后单件能耗下降 18%。",
    "sales": {
        "enterprise_prev_year_yuan": "24300000.00",
        "enterprise_year_yuan": "28600000.00",
        "product_year_yuan": "9800000.00",
        "taxes_year_yuan": "1350000.00",
    },
    "rd_investments": [
        {"date": "2017-05-10", "content": "传感器选型与样机试制", "amount_yuan": "128000.00"},
        {"date": "2017-11-20", "content": "边缘控制器软件研发（外协）", "amount_yuan": "156000.00"},
        {"date": "2018-04-02", "content": "工艺参数优化算法与检测", "amount_yuan": "87500.00"},
    ],
    "comparison": {
        "operating_cost": {"traditional": "1250.00", "new": "960.00", "unit": "元/件"},
        "development_cycle_days": {"traditional": "90", "new": "65", "unit": "天"},
        "defect_rate": {"traditional": "3.20", "new": "1.10", "unit": "%"},
        "productivity": {"traditional": "4.0", "new": "5.2", "unit": "件/小时"},
        "energy_utilisation": {"traditional": "62.0", "new": "67.5", "unit": "%"},
    },
    "tech_level": "domestic_leading",
    "tech_evidence": "江苏省科技查新报告（2018-320-0456）结论：国内领先；国家复合材料质检中心检测报告合格。",
    "ip": [
        {
            "patent_no": "ZL201810000000.1",
            "type": "invention",
            "title": "一种复合材料热压成型的智能温控方法",
            "granted_on": "2018-06-01",
            "owner": "扬州广陵新材料科技有限公司",
            "ownership": "own",
        },
        {
            "patent_no": "ZL201720000000.5",
            "type": "utility_model",
            "title": "一种带无线传感器的热压模具",
            "granted_on": "2017-12-12",
            "owner": "扬州广陵新材料科技有限公司",
            "ownership": "transferred",
        },
        {
            "patent_no": "2018SR000001",
            "type": "software_copyright",
            "title": "智能温控成型工艺管理软件 V1.0",
            "granted_on": "2018-02-08",
            "owner": "扬州广陵新材料科技有限公司",
            "ownership": "own",
        },
    ],
}

NEW_PRODUCT_MATERIALS = _materials(
    [
        ("application_form", "新产品新技术申请书", "新产品新技术申请书.pdf"),
        ("summary_report", "本产品（技术）总结报告", "产品总结报告.pdf"),
        ("ip_evidence", "自主知识产权和自主品牌的有效证明文件", "专利证书.pdf"),
        ("sales_tax_rd_data", "企业2017、2018年度开票销售、上缴税金以及研发投入等数据", "审计报告.pdf"),
        ("test_novelty_reports", "法定机构出具的新产品（技术）近期检测报告和查新报告", "检测与查新报告.pdf"),
        ("business_licence", "企业法人营业执照复印件", "营业执照.pdf"),
        ("results_evidence", "相关数据及成效的证明材料", "成效证明.pdf"),
    ]
)

NEW_PRODUCT_SNAPSHOT = {
    "schema": "shenbao.application.v2",
    "application_id": 2,
    "receipt_no": "YZ2018-XC-321002-0001",
    "version": 1,
    "submitted_at": "2019-05-14T08:30:00+00:00",
    "call": CALL,
    "category": {"code": "new_product", "name": "研发推广应用新产品新技术"},
    "form_version": {"id": 2, "version": 1},
    "enterprise": ENTERPRISE_B,
    "form": NEW_PRODUCT_FORM,
    "derived": figures("new_product", NEW_PRODUCT_FORM, period=PERIOD),
    "materials": NEW_PRODUCT_MATERIALS,
    "eligibility": {
        "eligible": True,
        "size_class": "small",
        "size_reason": "工业：从业人员 45 人（≥20），营业收入 2860 万元（≥300），属小型企业。",
        "checks": [
            {"code": "rd_investment", "passed": True, "message": "研发投入 371,500.00 元，不少于 300,000.00 元。"},
            {"code": "industrialized", "passed": True, "message": "新产品已实现产业化。"},
            {"code": "patents", "passed": True, "message": "拥有专利 2 项，≥1 项。"},
        ],
    },
    "declaration": {
        "accepted": True,
        "text": DECLARATION_TEXT,
        "by": "demo_enterprise2",
        "at": "2019-05-14T08:29:00+00:00",
    },
}


def canonical(snapshot):
    return json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def digest_of(snapshot):
    return hashlib.sha256(canonical(snapshot)).hexdigest()


def sample(category_code="demonstration"):
    """A fresh deep copy, so tests may change it freely."""
    source = DEMONSTRATION_SNAPSHOT if category_code == "demonstration" else NEW_PRODUCT_SNAPSHOT
    return copy.deepcopy(source)
