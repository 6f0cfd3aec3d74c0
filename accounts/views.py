from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy

from accounts import two_factor
from accounts.forms import LoginForm
from accounts.models import User
from accounts.selectors import home_url_name


class LoginView(auth_views.LoginView):
    """Step one: username (or mobile) and password. A staff account goes on to its code (or to enrol a device,
    accounts/views_two_factor.py); until then its session reaches nothing else (accounts/middleware.py)."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if two_factor.session_requires_two_factor(self.request):
            return redirect_to_login(self.get_success_url(), login_url=reverse("accounts:otp"))
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def get_context_data(self, **kwargs):
        # staff find their second factor and recovery codes from here (accounts/views_two_factor.py)
        return super().get_context_data(**kwargs, requires_two_factor=two_factor.requires_two_factor(self.request.user))


def lockout_response(request, original_response=None, credentials=None):
    """Axes calls this when an account is locked: JSON for the API, a page for people."""
    message = "登录失败次数过多，账户已被临时锁定，请 15 分钟后再试，或联系管理员解锁。"
    if request.path.startswith("/api/"):
        return JsonResponse({"errors": [{"field": "username", "message": message}]}, status=403)
    return render(request, "accounts/locked_out.html", {"message": message}, status=403)


@login_required
def dashboard(request):
    return redirect(home_url_name(request.user))


def _workspace(request, roles, template):
    if not (request.user.is_superuser or request.user.role in roles):
        raise PermissionDenied
    return render(request, template, {"org": request.user.organisation})


@login_required
def home_county(request):
    return _workspace(request, {User.Role.COUNTY_INDUSTRY, User.Role.COUNTY_FINANCE}, "dashboards/county.html")


@login_required
def home_city(request):
    return _workspace(request, {User.Role.CITY_OFFICER}, "dashboards/city.html")


@login_required
def home_expert(request):
    return _workspace(request, {User.Role.EXPERT}, "dashboards/expert.html")


@login_required
def home_admin(request):
    return _workspace(request, {User.Role.ADMIN}, "dashboards/admin.html")
