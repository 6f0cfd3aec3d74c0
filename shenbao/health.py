"""Probes and metrics for the operators (docs/deployment.md): `/healthz` (the process answers), `/readyz`
(database, cache and file storage work) and `/metrics` (Prometheus, django-prometheus's registry; not public).

None of them needs a login, and none of them says more than "ok" or the name of what failed: a connection
string, a host name or an exception's text could carry a secret, so those go to the log only."""

import hmac
import ipaddress
import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpResponseForbidden, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request):
    """Liveness: the process serves requests. No database, no cache — a slow database must not get every worker
    restarted; /readyz is for that."""
    return JsonResponse({"status": "ok"})


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone()[0] != 1:
            raise RuntimeError("SELECT 1 returned something else")


def _cache():
    key, value = f"readyz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, 10)
    try:
        if cache.get(key) != value:
            raise RuntimeError("the cache did not return what was set")
    finally:
        cache.delete(key)


def _storage():
    # A tiny probe under health/ in the default storage (local var/media or the S3 bucket), saved and deleted.
    name = default_storage.save(f"health/probe-{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        if not default_storage.exists(name):
            raise RuntimeError("the probe file is not there after saving it")
    finally:
        default_storage.delete(name)


CHECKS = {"database": _database, "cache": _cache, "storage": _storage}


@never_cache
@require_GET
def readyz(request):
    """Readiness: 200 when the database, the cache and the file storage all work, else 503; each check's result."""
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - any failure means not ready; the reason goes to the log only
            logger.warning("readiness check %s failed: %s: %s", name, type(exc).__name__, exc)
            results[name] = "error"
        else:
            results[name] = "ok"
    ready = all(result == "ok" for result in results.values())
    return JsonResponse({"status": "ok" if ready else "error", "checks": results}, status=200 if ready else 503)


def _proxied(request) -> bool:
    return any(h in request.META for h in ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP"))


def metrics_allowed(request) -> bool:
    """A scraper from an address in METRICS_ALLOWED (default this machine) that did not come through a proxy
    (a proxy on this machine would make every visitor 127.0.0.1), or one presenting METRICS_TOKEN as a bearer."""
    token = settings.METRICS_TOKEN
    if token:
        sent = request.headers.get("Authorization", "")
        if hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            return True
    if _proxied(request):
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(allowed, strict=False) for allowed in settings.METRICS_ALLOWED)


@never_cache
@require_GET
def metrics(request):
    if not metrics_allowed(request):
        return HttpResponseForbidden("metrics are not public", content_type="text/plain; charset=utf-8")
    from django_prometheus.exports import ExportToDjangoView

    return ExportToDjangoView(request)
