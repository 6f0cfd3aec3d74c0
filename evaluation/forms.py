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
