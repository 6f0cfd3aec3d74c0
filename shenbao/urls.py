from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from shenbao import health
from shenbao.api import api

urlpatterns = [
    path("", include("programmes.urls")),
    path("accounts/", include("accounts.urls")),
    path("enterprise/", include("enterprises.urls")),
    path("applications/", include("applications.urls")),
    path("review/", include("reviews.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("publicity/", include("publicity.urls")),
    path("inbox/", include("notifications.urls")),
    path("reports/", include("reports.urls")),
    path("", include("applications.urls_public")),
    path("", include("reviews.seals.urls")),
    path("", include("publicity.urls_designations")),  # /results/ (public) and the city's designation page
    path("i18n/", include("django.conf.urls.i18n")),
    # The scripts' strings (static/js/*.js call gettext()), translated like the templates' (domain djangojs).
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    # Probes and metrics for the operators (shenbao/health.py, docs/deployment.md); /metrics is not public.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics, name="metrics"),
    # Browsers ask for /favicon.ico whatever the page links; answer instead of logging a 404 on every page.
    path("favicon.ico", lambda request: HttpResponsePermanentRedirect(static("favicon.ico"))),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler403 = "shenbao.views.permission_denied"
handler404 = "shenbao.views.page_not_found"
handler500 = "shenbao.views.server_error"
