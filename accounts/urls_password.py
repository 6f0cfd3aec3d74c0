"""The set-password link's page, included by accounts/urls.py under /accounts/set-password/ (name
accounts:set_password)."""

from django.urls import path

from accounts.views_password import SetPasswordView

urlpatterns = [path("<uidb64>/<token>/", SetPasswordView.as_view(), name="set_password")]
