"""The public page of a one-time set-password link (/accounts/set-password/<uidb64>/<token>/; no login).

Django's PasswordResetConfirmView does the link handling: a valid token is moved into the session and the page
redirects to …/set-password/ (so the token never leaks in a Referer header). The password is checked by
AUTH_PASSWORD_VALIDATORS and set through accounts.password_links (audited); the person then logs in on the login
page. An invalid, used, replaced or expired link answers 400 with one clear message.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import password_validation
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import password_links
from core.errors import Conflict


class SetPasswordLinkForm(forms.Form):
    """The new password twice, checked by the project's password validators (Django's SetPasswordForm, with
    Chinese labels and messages)."""

    new_password1 = forms.CharField(
        label=gettext_lazy("新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "autofocus": True}),
        help_text=password_validation.password_validators_help_text_html(),
        error_messages={"required": gettext_lazy("请输入新密码。")},
    )
    new_password2 = forms.CharField(
        label=gettext_lazy("再次输入新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": gettext_lazy("请再次输入新密码。")},
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        first, second = self.cleaned_data.get("new_password1"), self.cleaned_data.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("两次输入的密码不一致。"))
        elif first:
            try:
                password_validation.validate_password(first, self.user)
            except forms.ValidationError as error:
                self.add_error("new_password1", error)
        return super().clean()


def valid_days() -> int:
    return max(1, round(settings.PASSWORD_RESET_TIMEOUT / 86400))


class SetPasswordView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/set_password.html"
    form_class = SetPasswordLinkForm
    success_url = reverse_lazy("accounts:login")
    title = gettext_lazy("设置密码")
    token_generator = password_links.token_generator

    def dispatch(self, *args, **kwargs):
        response = super().dispatch(*args, **kwargs)
        if not self.validlink and response.status_code == 200:
            response.status_code = 400  # the link cannot be used: say so, not "OK"
        return response

    def get_user(self, uidb64):
        return password_links.link_user(uidb64)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "account": self.user, "valid_days": valid_days()}

    def form_valid(self, form):
        token = self.request.session.get(INTERNAL_RESET_SESSION_TOKEN)
        try:
            user = password_links.password_set_by_link(
                user=self.user, password=form.cleaned_data["new_password1"], token=token
            )
        except Conflict:  # used or replaced in another tab meanwhile
            self.validlink = False
            response = self.render_to_response(self.get_context_data())
            response.status_code = 400
            return response
        self.request.session.pop(INTERNAL_RESET_SESSION_TOKEN, None)
        messages.success(self.request, _("密码已设置。请使用登录名 %(u)s 和新密码登录。") % {"u": user.get_username()})
        return redirect(self.success_url)
