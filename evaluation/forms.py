"""Django forms of the city's expert pool and evaluation settings pages. They only shape the input: every
check that matters is the service's (evaluation.services), whose errors are put back on the form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Region
from core.errors import DomainError
from programmes.vocabulary import EXPERT_FIELDS


def _regions():
    return [("", _("（不限）"))] + [(r.code, r.name) for r in Region.objects.order_by("code")]


class ExpertEditForm(forms.Form):
    field = forms.ChoiceField(label=_("专业领域"))
    employer_name = forms.CharField(label=_("工作单位"), max_length=128)
    employer_credit_code = forms.CharField(label=_("工作单位统一社会信用代码"), max_length=18, required=False)
    region = forms.ChoiceField(label=_("所在县区"), required=False)
    title = forms.CharField(label=_("职称"), max_length=64, required=False)
    contact = forms.CharField(label=_("联系方式"), max_length=64, required=False)
    active = forms.BooleanField(label=_("在库"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", _("请选择"))] + [(row[0], row[1]) for row in EXPERT_FIELDS]
        self.fields["region"].choices = _regions()

    def add_domain_error(self, exc: DomainError) -> None:
        """The service's errors on their fields (or the form's top when a field is not on this form)."""
        for error in exc.errors:
            name = error.get("field")
            self.add_error(name if name in self.fields else None, error["message"])


class ExpertCreateForm(ExpertEditForm):
    username = forms.CharField(label=_("登录名"), max_length=150)
    display_name = forms.CharField(label=_("专家姓名"), max_length=150)
    mobile = forms.CharField(label=_("手机号码"), max_length=11, required=False)
    field_order = ["username", "display_name", "mobile"]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("专家库 Excel 文件（.xlsx）"))


class SettingsForm(forms.Form):
    """A call's evaluation settings; ranges and the lock after the draw are the service's (settings_save)."""

    anonymise = forms.BooleanField(label=_("匿名评审"), required=False)
    recuse_same_region = forms.BooleanField(label=_("同一县区的专家回避"), required=False)
    trim_min_scores = forms.IntegerField(label=_("去掉最高分和最低分的最少评分人数"))
    outlier_margin = forms.CharField(label=_("偏离提示阈值（分）"), max_length=12)
    default_panel_size = forms.IntegerField(label=_("每份申报书的专家人数"))

    add_domain_error = ExpertEditForm.add_domain_error

    @staticmethod
    def initial_of(settings) -> dict:
        names = ("anonymise", "recuse_same_region", "trim_min_scores", "outlier_margin", "default_panel_size")
        return {name: getattr(settings, name) for name in names}
