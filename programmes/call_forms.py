"""Page forms of the call copy and settings pages: they parse what was typed; the rules are in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DATE, DATETIME, DATETIME_FORMATS
from programmes.models import Category
from programmes.services import CATEGORY_THRESHOLDS


class CallCopyForm(forms.Form):
    year = forms.IntegerField(label=_("新批次年度"), required=False)
    title = forms.CharField(label=_("新批次名称"), max_length=200, required=False)
    opens_at = forms.DateTimeField(
        label=_("开始时间（北京时间）"), widget=DATETIME, input_formats=DATETIME_FORMATS, required=False
    )
    deadline = forms.DateTimeField(
        label=_("截止时间（北京时间）"), widget=DATETIME, input_formats=DATETIME_FORMATS, required=False
    )


def threshold_name(category, name):
    return f"{category.code}__{name}"


class CallSettingsForm(forms.Form):
    """The call's dates and each category's thresholds; the checklists are rows of the template."""

    title = forms.CharField(label=_("批次名称"), max_length=200, required=False)
    opens_at = forms.DateTimeField(
        label=_("开始时间（北京时间）"), widget=DATETIME, input_formats=DATETIME_FORMATS, required=False
    )
    deadline = forms.DateTimeField(
        label=_("截止时间（北京时间）"), widget=DATETIME, input_formats=DATETIME_FORMATS, required=False
    )
    investment_period_start = forms.DateField(label=_("投入统计起始日"), widget=DATE, required=False)
    investment_period_end = forms.DateField(label=_("投入统计截止日"), widget=DATE, required=False)

    def __init__(self, *args, call, **kwargs):
        initial = {
            name: getattr(call, name)
            for name in ("title", "opens_at", "deadline", "investment_period_start", "investment_period_end")
        }
        self.categories = list(call.categories.all())
        for category in self.categories:
            for name in CATEGORY_THRESHOLDS:
                initial[threshold_name(category, name)] = getattr(category, name)
        super().__init__(*args, initial=initial, **kwargs)
        for category in self.categories:
            for name in CATEGORY_THRESHOLDS:
                label = Category._meta.get_field(name).verbose_name
                self.fields[threshold_name(category, name)] = forms.CharField(label=label, required=False)

    def category_fields(self, category):
        return [self[threshold_name(category, name)] for name in CATEGORY_THRESHOLDS]

    def call_fields(self):
        return [
            self[name] for name in ("title", "opens_at", "deadline", "investment_period_start", "investment_period_end")
        ]
