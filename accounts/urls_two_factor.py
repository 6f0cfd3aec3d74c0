"""The second factor's pages (accounts/views_two_factor.py), included by accounts/urls.py (names accounts:…)."""

from django.urls import path

from accounts import views_two_factor as views

urlpatterns = [
    path("login/code/", views.otp_step, name="otp"),
    path("login/enrol/", views.otp_enrol, name="otp_enrol"),
    path("two-factor/", views.two_factor_settings, name="two_factor"),
    path("session/keepalive/", views.keepalive, name="keepalive"),
]
