import logging

from django.conf import settings
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

from shenbao.context_processors import site

logger = logging.getLogger(__name__)


# The error pages (handler403/404/500 in shenbao/urls.py, CSRF_FAILURE_VIEW): the site header, a way home and
# whom to ask. Only the 403 says why; a 404's exception text would list the URL patterns that were tried.


def page_not_found(request, exception):
    return render(request, "404.html", {"contact": settings.PROGRAMME_CONTACT}, status=404)


def permission_denied(request, exception):
    # Views raise PermissionDenied with the service's message for the person (core.errors), or with none.
    reason = str(exception) if exception is not None and exception.args else ""
    return render(request, "403.html", {"contact": settings.PROGRAMME_CONTACT, "reason": reason}, status=403)


def csrf_failure(request, reason=""):
    # `reason` is Django's technical text ("CSRF token missing."); the middleware has logged it already.
    message = _("页面已过期，表单未能提交。请返回上一页，刷新后重新提交。")
    return render(request, "403.html", {"contact": settings.PROGRAMME_CONTACT, "reason": message}, status=403)


def server_error(request):
    """Rendered without the request (no context processors, no session, no database): whatever failed may be
    the database itself."""
    try:
        body = loader.render_to_string("500.html", {**site(None), "contact": settings.PROGRAMME_CONTACT})
    except Exception:
        logger.exception("the 500 page could not be rendered")
        body = "<!doctype html><meta charset='utf-8'><title>500</title><h1>服务器出错 · Server error (500)</h1>"
    return HttpResponseServerError(body)
