from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    path("set-password/", include("accounts.urls_password")),  # one-time links (accounts/password_links.py)
    path("", include("accounts.urls_two_factor")),  # the staff login's second step (accounts/two_factor.py)
    path("dashboard/", views.dashboard, name="dashboard"),
    path("workspace/county/", views.home_county, name="home_county"),
    path("workspace/city/", views.home_city, name="home_city"),
    path("workspace/expert/", views.home_expert, name="home_expert"),
    path("workspace/admin/", views.home_admin, name="home_admin"),
]
