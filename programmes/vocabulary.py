"""The programme's vocabulary: every field choice and its Chinese label, defined once.

The form definitions, the eligibility engine, the PDF, the pages and the API import these; nothing else
spells a choice's label (tests/programmes/test_vocabulary.py checks the source tree for a second spelling).
Codes are stable (stored in application data and snapshots); labels are msgids translated by Django i18n.

Each vocabulary is a `Choices`: a tuple of ``(code, lazy label, *extra)`` rows, usable wherever Django or the
form definition takes choices, plus ``codes``, ``labels`` (code → lazy label) and ``msgids`` (code → the
Chinese msgid, for hot paths that memoise their lookups, e.g. ``enterprises.i18n.gettext_fast``).
Regions are data (``accounts.Region`` rows, see ``accounts.selectors.county_units``), not vocabulary.
"""

from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop as _  # marks the msgids; Choices makes them lazy


class Choices(tuple):
    """``Choices((code, msgid, *extra), …)``: rows ``(code, gettext_lazy(msgid), *extra)``."""

    def __new__(cls, *rows):
        self = super().__new__(cls, tuple((code, gettext_lazy(msgid), *extra) for code, msgid, *extra in rows))
        self._rows = rows
        self.codes = tuple(row[0] for row in rows)
        self.msgids = {row[0]: row[1] for row in rows}
        self.labels = {row[0]: row[1] for row in self}
        return self

    def label(self, code):
        """The lazy label of ``code``; an unknown code is returned as it is (old data stays readable)."""
        return self.labels.get(code, code)

    # Immutable: copies are the object itself; pickling rebuilds it from the msgids.
    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        return (_rebuild, (self._rows,))


def _rebuild(rows):
    return Choices(*rows)


AREAS = Choices(
    ("rd_design", _("研发设计")),
    ("production_control", _("生产管控")),
    ("sales_operations", _("购销经营")),
    ("product_service_innovation", _("产品和服务创新")),
)
INVESTMENT_KINDS = Choices(("hardware", _("硬件")), ("software", _("软件")), ("service", _("服务")))
SOFTWARE_KINDS = Choices(
    ("ERP", _("企业资源计划（ERP）")),
    ("MES", _("制造执行系统（MES）")),
    ("SCM", _("供应链管理（SCM）")),
    ("PDM_PLM", _("产品数据管理（PDM/PLM）")),
    ("CRM", _("客户关系管理（CRM）")),
)
TECH_LEVELS = Choices(
    ("domestic_leading", _("国内领先")),
    ("international_advanced", _("国际先进")),
    ("other", _("其他")),
)
IP_TYPES = Choices(
    ("invention", _("发明专利")),
    ("utility_model", _("实用新型专利")),
    ("design", _("外观设计专利")),
    ("software_copyright", _("软件著作权")),
)
OWNERSHIP = Choices(("own", _("自主研发")), ("transferred", _("依法受让")))
PATENT_TYPES = {"invention", "utility_model", "design"}

# 三降低两提升 with the 2015 pilot targets (docs/domain.md §5): a reference shown beside the figures, not a rule.
# (code, label, default unit, reference target in percent, direction: "down" = lower is better, "up" = higher)
# The units are msgids too (marked, kept as text: the default unit is stored in the form data as it is).
COMPARISON_ROWS = Choices(
    ("operating_cost", _("运营成本"), _("元/件"), 20, "down"),
    ("development_cycle_days", _("产品研制周期"), _("天"), 20, "down"),
    ("defect_rate", _("产品不良品率"), "%", 10, "down"),
    ("productivity", _("生产效率"), _("件/小时"), 20, "up"),
    ("energy_utilisation", _("能源利用率"), "%", 4, "up"),
)

# ------------------------------------------------------------------------------------------- the county's review
# The two bureaus of a county-level unit (notice 四.3: 工信（经发）部门 and 财政部门 each check the materials).
BUREAUS = Choices(("industry", _("工信部门")), ("finance", _("财政部门")))
# A bureau's opinion on one submitted version.
OPINION_DECISIONS = Choices(("approve", _("通过")), ("return", _("退回修改")), ("not_recommend", _("不予推荐")))
# What each bureau verified (the notice's 四.3 "严格审核"): the industry bureau the areas and software claims,
# the finance bureau the money.
REVIEW_CHECKLISTS = {
    "industry": Choices(
        ("eligibility", _("申报条件（注册地、规模、信用）符合通知要求")),
        ("areas", _("应用领域与实施内容属实")),
        ("software", _("软件、平台及系统的使用情况属实")),
        ("materials", _("申报材料齐全、与申请书一致")),
    ),
    "finance": Choices(
        ("investment_list", _("投入清单与申报金额一致")),
        ("invoices", _("发票真实、在投入期内")),
        ("audit_report", _("审计报告与财务数据一致")),
        ("taxes", _("纳税情况属实（税收在本地缴纳）")),
    ),
}
# The city's re-check of a forwarded application.
CITY_DECISIONS = Choices(("to_experts", _("进入专家评审")), ("send_back", _("退回县区")))

# ------------------------------------------------------------------------------------------- automatic flags
# What applications/flags.py flags on a submitted application for the reviewers' attention (issue 9 item 4). A
# flag is a hint to look closer, never a decision.
FLAG_KINDS = Choices(
    ("duplicate_invoice", _("发票号码重复")),
    ("duplicate_file", _("附件与其他企业相同")),
    ("total_mismatch", _("合计与明细不符")),
    ("outside_period", _("明细不在投入期内")),
    ("outside_yangzhou", _("信用代码登记机关不在扬州")),
    ("both_categories", _("同时申报两个类别")),
)

# ------------------------------------------------------------------------------------------- expert review
# An expert's field of expertise (evaluation.Expert.field), for drawing a panel that covers the category.
EXPERT_FIELDS = Choices(
    ("information_technology", _("信息技术与软件")),
    ("industrial_internet", _("工业互联网与智能制造")),
    ("e_commerce", _("电子商务与供应链")),
    ("electronics", _("电子与自动化")),
    ("finance_audit", _("财务与审计")),
    ("intellectual_property", _("知识产权与技术评价")),
    ("management", _("企业管理")),
)

# ------------------------------------------------------------------------------------------- designation
# What the city designates an enterprise as after the publicity (publicity.Designation.kind, issue 10 item 6).
DESIGNATION_KINDS = Choices(
    ("demonstration_enterprise", _("示范企业")),
    ("pilot_enterprise", _("试点企业")),
    ("new_product", _("新产品新技术项目")),
)
