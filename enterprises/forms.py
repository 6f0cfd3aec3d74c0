"""Forms of the enterprise pages: registration, profile and the public self-check (政策体检)."""

from decimal import Decimal

from django import forms
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import mobile_validator
from accounts.selectors import county_units
from core.forms import DATE
from core.i18n import translated_name
from enterprises import eligibility as el
from enterprises.models import Declaration
from enterprises.services import DECLARATION_WORDING
from enterprises.sizeclass import GBT4754_SECTIONS, INDUSTRY_LABELS
from enterprises.uscc import InvalidCreditCode, normalise
from programmes.models import Category
from programmes.vocabulary import AREAS, COMPARISON_ROWS, SOFTWARE_KINDS, TECH_LEVELS

OUTSIDE = "outside"


def region_choices():
    """The county-level units from the Region rows (read when a form is rendered), then 'outside Yangzhou'."""
    units = [(code, translated_name(name)) for code, name in county_units().items()]
    return [("", _("请选择")), *units, (OUTSIDE, _("扬州市以外地区"))]


def industry_groups(sections=GBT4754_SECTIONS):
    """The size-class rows grouped by GB/T 4754 section, each row once: sections that lead to the same rows
    (B, C and D all to 工业) are one group, "B/C/D 采矿业、制造业、电力、热力、燃气及水生产和供应业"."""
    groups: dict[tuple[str, ...], tuple[list[str], list[str]]] = {}
    for letter, name, codes in sections:
        letters, names = groups.setdefault(tuple(codes), ([], []))
        letters.append(letter)
        names.append(name)
    return [
        (format_lazy("{} {}", "/".join(letters), _joined(names)), [(code, _(INDUSTRY_LABELS[code])) for code in codes])
        for codes, (letters, names) in groups.items()
    ]


def _join(msgids) -> str:
    """The names translated and joined the language's way ("、" in Chinese, ", " in English)."""
    return gettext("、").join(gettext(msgid) for msgid in msgids)


_joined = lazy(_join, str)


INDUSTRY_CHOICES = [("", _("请选择")), *industry_groups()]
MAX_YUAN = Decimal("99999999999999.99")


def _money(label, required=False, help_text=None):
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=0,
        max_value=MAX_YUAN,
        max_digits=16,
        decimal_places=2,
        help_text=_("单位：元，可填两位小数。") if help_text is None else help_text,
        error_messages={
            "min_value": format_lazy(_("{label}不得为负数。"), label=label),
            "max_value": format_lazy(_("{label}过大。"), label=label),
            "invalid": format_lazy(_("{label}请填写数字（单位：元）。"), label=label),
            "max_decimal_places": format_lazy(_("{label}最多两位小数。"), label=label),
            "required": format_lazy(_("请填写{label}。"), label=label),
        },
    )


def _count(label, required=False, help_text=""):
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=0,
        help_text=help_text,
        error_messages={
            "min_value": format_lazy(_("{label}不得为负数。"), label=label),
            "invalid": format_lazy(_("{label}请填写整数。"), label=label),
            "required": format_lazy(_("请填写{label}。"), label=label),
        },
    )


def _required(label):
    return {"required": format_lazy(_("请填写{label}。"), label=label)}


class RegionMixin:
    """A region is one of the nine Yangzhou units, or 'outside' with the 6-digit GB/T 2260 code typed in."""

    def _region(self, name, label):
        value = self.cleaned_data.get(name)
        if value != OUTSIDE:
            return value
        other = (self.cleaned_data.get(f"{name}_other") or "").strip()
        if not (other.isdigit() and len(other) == 6):
            self.add_error(
                f"{name}_other", format_lazy(_("{label}在扬州市以外时，请填写6位行政区划代码。"), label=label)
            )
            return None
        return other

    @staticmethod
    def region_initial(code):
        if not code or code in county_units():
            return code, ""
        return OUTSIDE, code


class ProfileForm(RegionMixin, forms.Form):
    name = forms.CharField(label=_("企业名称"), max_length=128, error_messages=_required(_("企业名称")))
    legal_representative = forms.CharField(
        label=_("法定代表人"), max_length=64, error_messages=_required(_("法定代表人"))
    )
    contact_person = forms.CharField(label=_("联系人"), max_length=64, error_messages=_required(_("联系人")))
    mobile = forms.CharField(
        label=_("联系人手机"),
        max_length=11,
        validators=[mobile_validator],
        error_messages=_required(_("联系人手机")),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric"}),
    )
    email = forms.EmailField(label=_("电子邮箱"), required=False, error_messages={"invalid": _("电子邮箱格式不正确。")})
    registered_region = forms.ChoiceField(
        label=_("注册地"), choices=region_choices, error_messages=_required(_("注册地"))
    )
    registered_region_other = forms.CharField(
        label=_("注册地行政区划代码（扬州市以外时填写）"), max_length=6, required=False
    )
    tax_region = forms.ChoiceField(label=_("纳税地"), choices=region_choices, error_messages=_required(_("纳税地")))
    tax_region_other = forms.CharField(label=_("纳税地行政区划代码（扬州市以外时填写）"), max_length=6, required=False)
    established_on = forms.DateField(
        label=_("成立日期"),
        widget=DATE,
        error_messages={**_required(_("成立日期")), "invalid": _("成立日期格式应为 YYYY-MM-DD。")},
    )
    independent_legal_person = forms.BooleanField(label=_("具有独立法人资格"), required=False)
    industry = forms.ChoiceField(
        label=_("所属行业"),
        choices=INDUSTRY_CHOICES,
        help_text=_("按《国民经济行业分类》（GB/T 4754）门类选择，用于中小企业划型。"),
        error_messages=_required(_("所属行业")),
    )
    employees = _count(_("从业人员（人）"), required=True)
    revenue_yuan = _money(_("上年营业收入（元）"), required=True)
    assets_yuan = _money(_("资产总额（元）"), required=True)
    decl_sound_management = forms.BooleanField(
        label=DECLARATION_WORDING[Declaration.Kind.SOUND_MANAGEMENT], required=False
    )
    decl_good_credit = forms.BooleanField(label=DECLARATION_WORDING[Declaration.Kind.GOOD_CREDIT], required=False)
    decl_no_illegal_record = forms.BooleanField(
        label=DECLARATION_WORDING[Declaration.Kind.NO_ILLEGAL_RECORD], required=False
    )

    def clean(self):
        data = super().clean()
        data["registered_region"] = self._region("registered_region", _("注册地"))
        data["tax_region"] = self._region("tax_region", _("纳税地"))
        return data

    def profile_data(self):
        d = self.cleaned_data
        return {
            k: d[k]
            for k in (
                "name", "legal_representative", "contact_person", "mobile", "email", "registered_region",
                "tax_region", "established_on", "independent_legal_person", "industry", "employees",
                "revenue_yuan", "assets_yuan",
            )
        }  # fmt: skip

    def declarations(self):
        return {kind: bool(self.cleaned_data.get(f"decl_{kind}")) for kind in Declaration.Kind.values}

    @classmethod
    def initial_from(cls, profile):
        if profile is None:
            return {}
        initial = {
            k: getattr(profile, k)
            for k in (
                "name", "legal_representative", "contact_person", "mobile", "email", "established_on",
                "independent_legal_person", "industry", "employees", "revenue_yuan", "assets_yuan",
            )
        }  # fmt: skip
        for name in ("registered_region", "tax_region"):
            initial[name], initial[f"{name}_other"] = cls.region_initial(getattr(profile, name))
        for kind in Declaration.Kind.values:
            initial[f"decl_{kind}"] = profile.declared(kind)
        return initial


def clean_uscc_field(value):
    try:
        return normalise(value)
    except InvalidCreditCode as exc:
        raise forms.ValidationError(exc.message, code=exc.reason) from None


class CreditCodeMixin(forms.Form):
    uscc = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=24,
        help_text=_("18位，见营业执照。"),
        error_messages=_required(_("统一社会信用代码")),
    )

    def clean_uscc(self):
        return clean_uscc_field(self.cleaned_data["uscc"])


class ProfileCreateForm(CreditCodeMixin, ProfileForm):
    field_order = ["uscc"]


class RegistrationForm(CreditCodeMixin, ProfileForm):
    password1 = forms.CharField(
        label=_("登录密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少8位，不能全是数字，不能与企业信息过于相似。登录名为统一社会信用代码，也可用联系人手机登录。"),
        error_messages=_required(_("登录密码")),
    )  # fmt: skip
    password2 = forms.CharField(
        label=_("确认密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages=_required(_("确认密码")),
    )  # fmt: skip
    field_order = ["uscc"]

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("两次输入的密码不一致。"))
        return data


# ---------------------------------------------------------------------------------------------- self-check

CATEGORY_CHOICES = Category.Code.choices
TECH_CHOICES = [("", _("请选择")), *TECH_LEVELS]


class SelfCheckForm(RegionMixin, forms.Form):
    category = forms.ChoiceField(
        label=_("申报类别"), choices=CATEGORY_CHOICES, widget=forms.RadioSelect, initial=el.DEMONSTRATION
    )
    reference_date = forms.DateField(
        label=_("判断基准日"),
        required=False,
        widget=DATE,
        help_text=_("不填则以当前申报批次的截止日期为准。"),
        error_messages={"invalid": _("判断基准日格式应为 YYYY-MM-DD。")},
    )
    registered_region = forms.ChoiceField(
        label=_("注册地"), choices=region_choices, error_messages=_required(_("注册地"))
    )
    registered_region_other = forms.CharField(
        label=_("注册地行政区划代码（扬州市以外时填写）"), max_length=6, required=False
    )
    tax_region = forms.ChoiceField(label=_("纳税地"), choices=region_choices, error_messages=_required(_("纳税地")))
    tax_region_other = forms.CharField(label=_("纳税地行政区划代码（扬州市以外时填写）"), max_length=6, required=False)
    independent_legal_person = forms.BooleanField(label=_("具有独立法人资格"), required=False)
    established_on = forms.DateField(
        label=_("成立日期"),
        widget=DATE,
        error_messages={**_required(_("成立日期")), "invalid": _("成立日期格式应为 YYYY-MM-DD。")},
    )
    industry = forms.ChoiceField(label=_("所属行业"), choices=INDUSTRY_CHOICES, error_messages=_required(_("所属行业")))
    employees = _count(_("从业人员（人）"), required=True)
    revenue_yuan = _money(_("上年营业收入（元）"), required=True)
    assets_yuan = _money(_("资产总额（元）"), required=True)
    sound_management = forms.BooleanField(label=DECLARATION_WORDING[Declaration.Kind.SOUND_MANAGEMENT], required=False)
    good_credit = forms.BooleanField(label=DECLARATION_WORDING[Declaration.Kind.GOOD_CREDIT], required=False)
    no_illegal_record = forms.BooleanField(
        label=DECLARATION_WORDING[Declaration.Kind.NO_ILLEGAL_RECORD], required=False
    )
    # 示范/试点
    investment_yuan = _money(_("近两年信息化、智能化投入总额（元）"))
    areas = forms.MultipleChoiceField(
        label=_("申报环节"), choices=AREAS, widget=forms.CheckboxSelectMultiple, required=False
    )
    management_software = forms.MultipleChoiceField(
        label=_("已应用的关键生产管理软件"),
        choices=SOFTWARE_KINDS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    control_projects = _count(_("生产管控项目（项）"))
    online_sales_percent = forms.DecimalField(
        label=_("线上交易额占比（%）"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
        error_messages={
            "min_value": _("线上交易额占比不得小于0%。"),
            "max_value": _("线上交易额占比不得大于100%。"),
            "invalid": _("线上交易额占比请填写0到100之间的数字。"),
            "max_decimal_places": _("线上交易额占比最多两位小数。"),
        },
    )
    # 新产品新技术
    rd_investment_yuan = _money(_("研发投入（元）"))
    industrialized = forms.BooleanField(label=_("新产品（新技术）已实现产业化"), required=False)
    tech_level = forms.ChoiceField(label=_("技术水平"), choices=TECH_CHOICES, required=False)
    patents = _count(_("拥有专利（项）"))
    ip_owned = forms.BooleanField(label=_("拥有核心技术自主知识产权，或依法受让取得知识产权的所有权"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label, _unit, _target, direction in COMPARISON_ROWS:
            hint = _("越低越好") if direction == "down" else _("越高越好")
            self.fields[f"{key}_traditional"] = forms.DecimalField(
                label=format_lazy(_("{label}：传统产品"), label=label), required=False, help_text=hint,
                error_messages={"invalid": format_lazy(_("{label}请填写数字。"), label=label)},
            )  # fmt: skip
            self.fields[f"{key}_new"] = forms.DecimalField(
                label=format_lazy(_("{label}：新产品"), label=label), required=False,
                error_messages={"invalid": format_lazy(_("{label}请填写数字。"), label=label)},
            )  # fmt: skip

    ENTERPRISE_FIELDS = (
        "registered_region", "registered_region_other", "tax_region", "tax_region_other", "independent_legal_person",
        "established_on", "industry", "employees", "revenue_yuan", "assets_yuan", "sound_management", "good_credit",
        "no_illegal_record",
    )  # fmt: skip
    DEMONSTRATION_FIELDS = (
        "investment_yuan",
        "areas",
        "management_software",
        "control_projects",
        "online_sales_percent",
    )
    NEW_PRODUCT_FIELDS = ("rd_investment_yuan", "industrialized", "tech_level", "patents", "ip_owned")

    def clean(self):
        data = super().clean()
        data["registered_region"] = self._region("registered_region", _("注册地"))
        data["tax_region"] = self._region("tax_region", _("纳税地"))
        return data

    def comparison_fields(self):
        """(row heading with its unit, old field, new field) for each 三降低两提升 indicator."""
        return [
            (
                format_lazy(_("{label}（{unit}）"), label=label, unit=_(unit)),  # the unit is a msgid
                self[f"{key}_traditional"],
                self[f"{key}_new"],
            )
            for key, label, unit, _target, _direction in COMPARISON_ROWS
        ]

    def sections(self):
        """(legend, bound fields) in the order the page shows them."""
        groups = [
            (_("申报类别"), ("category", "reference_date")),
            (_("企业基本条件"), self.ENTERPRISE_FIELDS),
            (_("示范/试点企业（选择该类别时填写）"), self.DEMONSTRATION_FIELDS),
            (_("研发推广应用新产品新技术（选择该类别时填写）"), self.NEW_PRODUCT_FIELDS),
        ]
        return [(legend, [self[n] for n in names]) for legend, names in groups]

    def facts(self):
        """(category code, reference date or None, EnterpriseFacts, DemonstrationFacts, NewProductFacts)."""
        d = self.cleaned_data
        enterprise = el.EnterpriseFacts(
            uscc="",
            registered_region=d["registered_region"],
            tax_region=d["tax_region"],
            independent_legal_person=d["independent_legal_person"],
            established_on=d["established_on"],
            industry=d["industry"],
            employees=d["employees"],
            revenue_yuan=d["revenue_yuan"],
            assets_yuan=d["assets_yuan"],
            sound_management=d["sound_management"],
            good_credit=d["good_credit"],
            illegal_record=not d["no_illegal_record"],
        )
        share = d.get("online_sales_percent")
        demonstration = el.DemonstrationFacts(
            investment_yuan=d.get("investment_yuan") or Decimal(0),
            areas=tuple(d.get("areas") or ()),
            management_software=tuple(d.get("management_software") or ()),
            control_projects=d.get("control_projects") or 0,
            online_sales_share=None if share is None else share / 100,
        )
        new_product = el.NewProductFacts(
            rd_investment_yuan=d.get("rd_investment_yuan") or Decimal(0),
            industrialized=d.get("industrialized", False),
            tech_level=d.get("tech_level") or "other",
            patents=d.get("patents") or 0,
            ip_owned=d.get("ip_owned", False),
            comparison={k: (d.get(f"{k}_traditional"), d.get(f"{k}_new")) for k in COMPARISON_ROWS.codes},
        )
        return d["category"], d.get("reference_date"), enterprise, demonstration, new_product

    @classmethod
    def initial_from(cls, profile):
        if profile is None:
            return {}
        initial = {
            k: getattr(profile, k)
            for k in (
                "independent_legal_person",
                "established_on",
                "industry",
                "employees",
                "revenue_yuan",
                "assets_yuan",
            )
        }
        for name in ("registered_region", "tax_region"):
            initial[name], initial[f"{name}_other"] = cls.region_initial(getattr(profile, name))
        for kind in Declaration.Kind.values:
            initial[kind] = profile.declared(kind)
        return initial
