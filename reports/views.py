from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext

from reports import dashboards


@login_required
def dashboard_page(request):
    if not dashboards.may_view(request.user):
        raise PermissionDenied(gettext("只有县区审核人员和市级管理员可以查看统计。"))
    return render(request, "reports/dashboard.html", {"data": dashboards.dashboard_cached(request.user)})
