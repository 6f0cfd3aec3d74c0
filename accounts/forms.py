from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("用户名或手机号"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    error_messages = {
        "invalid_login": _("用户名（或手机号）或密码不正确，请注意密码区分大小写。连续失败多次后账户将被临时锁定。"),
        "inactive": _("该账户已停用，请联系管理员。"),
    }


class OTPForm(forms.Form):
    """The login's second step: six digits from the authenticator app, or one recovery code."""

    code = forms.CharField(
        label=_("验证码"),
        max_length=32,
        help_text=_("请输入身份验证器应用中显示的 6 位数字；手机不在身边时，可输入一个恢复码（每个只能用一次）。"),
        error_messages={"required": _("请输入验证码。")},
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


class EnrolForm(forms.Form):
    """Enrolment: the first code the app shows for the new secret, which confirms the device."""

    code = forms.RegexField(
        label=_("验证码"),
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        help_text=_("扫描二维码（或手动输入密钥）后，输入应用中显示的 6 位数字。"),
        error_messages={"required": _("请输入验证码。"), "invalid": _("验证码为 6 位数字。")},
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
