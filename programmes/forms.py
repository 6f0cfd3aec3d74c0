from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DATE
from programmes.models import Notice
from programmes.services import NOTICE_FIELDS

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


class NoticeForm(forms.ModelForm):
    attachment = forms.FileField(label=_("添加附件"), required=False, help_text=_("可选，单个文件不超过 20 MB。"))
    attachment_title = forms.CharField(label=_("附件名称"), required=False, max_length=200)

    class Meta:
        model = Notice
        fields = list(NOTICE_FIELDS)
        widgets = {"publish_date": DATE, "body": forms.Textarea(attrs={"rows": 20})}

    def clean_attachment(self):
        f = self.cleaned_data.get("attachment")
        if f and f.size > MAX_ATTACHMENT_BYTES:
            raise forms.ValidationError(_("附件不能超过 20 MB。"))
        if f and ("/" in f.name or "\\" in f.name or len(f.name) > 150):
            raise forms.ValidationError(_("文件名不能包含路径分隔符，且不超过 150 个字符。"))
        return f

    def clean(self):
        data = super().clean()
        if data.get("attachment") and not data.get("attachment_title"):
            self.add_error("attachment_title", _("请填写附件名称。"))
        return data
