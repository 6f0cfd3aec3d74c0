"""Issue 11 §9: X-Forwarded-For is believed only from TRUSTED_PROXIES, by the one function (core.clientip) that
the lockout, every rate limit and the audit log use; the counters live in a cache every worker shares."""

import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from ninja import Router

from audit.models import Event

ELIGIBILITY = "/api/v1/eligibility/check"
LOGIN = "/accounts/login/"
PROXY = "10.0.0.2"


def client_ip(request):
    from core.clientip import client_ip

    return client_ip(request)


def request(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return SimpleNamespace(META=meta)


def test_the_header_is_ignored_unless_the_request_came_from_a_trusted_proxy(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request("203.0.113.5", "1.2.3.4")) == "203.0.113.5"
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(request("203.0.113.5", "1.2.3.4")) == "203.0.113.5"  # not from our proxy
    assert client_ip(request(PROXY)) == PROXY  # our proxy, no header: the proxy itself


def test_the_right_most_hop_that_is_not_our_proxy_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "192.168.1.1/32"]
    # The client wrote "6.6.6.6"; our proxies saw 203.0.113.5 and then 10.0.0.3.
    assert client_ip(request(PROXY, "6.6.6.6, 203.0.113.5, 10.0.0.3")) == "203.0.113.5"
    assert client_ip(request(PROXY, "203.0.113.5,192.168.1.1")) == "203.0.113.5"
    assert client_ip(request(PROXY, "2001:db8::1")) == "2001:db8::1"
    assert client_ip(request(PROXY, "::ffff:198.51.100.7")) == "198.51.100.7"
    assert client_ip(request(PROXY, "10.0.0.9, 10.0.0.3")) == "10.0.0.9"  # only proxies: the farthest
    assert client_ip(request(PROXY, "203.0.113.5, not-an-address")) == PROXY  # garbage: stop at what we trust
    assert client_ip(request("")) is None


@pytest.mark.django_db
def test_rotating_x_forwarded_for_does_not_bypass_the_eligibility_limit(client, settings):
    settings.ELIGIBILITY_RATE_LIMIT = "3/m"
    codes = [
        client.post(
            ELIGIBILITY,
            {},
            content_type="application/json",
            REMOTE_ADDR="203.0.113.5",
            HTTP_X_FORWARDED_FOR=f"1.2.3.{i}",
        ).status_code
        for i in range(4)
    ]
    assert codes == [422, 422, 422, 429]


@pytest.mark.django_db
def test_behind_a_trusted_proxy_each_client_has_its_own_budget(client, settings):
    settings.ELIGIBILITY_RATE_LIMIT = "2/m"
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]

    def check(client_address):
        return client.post(
            ELIGIBILITY, {}, content_type="application/json", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address
        ).status_code

    assert [check("198.51.100.1") for _ in range(3)] == [422, 422, 429]
    assert check("198.51.100.2") == 422
    assert check("6.6.6.6, 198.51.100.1") == 429  # a prefix the client wrote changes nothing


@pytest.mark.django_db
def test_the_lockout_and_the_audit_log_see_the_client_behind_the_proxy(client, cast, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN,
            {"username": "ent_a", "password": "wrong-password-1"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="6.6.6.6",
        )
    locked = client.post(
        LOGIN, {"username": "ent_a", "password": cast.password}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6"
    )
    assert locked.status_code == 403
    colleague = client.post(
        LOGIN, {"username": "ent_a", "password": cast.password}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1"
    )
    assert colleague.status_code == 302
    failures = Event.objects.filter(action="auth.login_failed")
    assert failures.filter(ip="6.6.6.6").count() > settings.AXES_FAILURE_LIMIT - 1
    assert not failures.exclude(ip="6.6.6.6").exists()
    assert Event.objects.filter(action="auth.login", ip="198.51.100.1").exists()


def test_every_rate_limit_of_the_api_reads_the_address_from_core_clientip():
    from core.throttling import AddressRateThrottle
    from shenbao import api as api_module

    throttles = [
        throttle
        for router in vars(api_module).values()
        if isinstance(router, Router)
        for view in router.path_operations.values()
        for operation in view.operations
        for throttle in operation.throttle_objects
    ]
    assert len(throttles) >= 3  # eligibility, objections, seal verification
    assert all(isinstance(t, AddressRateThrottle) for t in throttles), throttles
    assert django_settings.NINJA_NUM_PROXIES == 0


@pytest.mark.parametrize("redis_url, backend", [("", "DatabaseCache"), ("redis://127.0.0.1:6379/0", "RedisCache")])
def test_the_counters_live_in_a_cache_every_worker_shares(monkeypatch, redis_url, backend):
    monkeypatch.setenv("REDIS_URL", redis_url)
    values = runpy.run_path(str(Path(django_settings.BASE_DIR) / "shenbao" / "settings.py"))
    assert values["CACHES"]["default"]["BACKEND"].endswith(backend)


@pytest.mark.django_db
def test_migrate_creates_the_database_caches_table(settings):
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache

    from shenbao.apps import create_cache_table

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "shenbao_cache"}
    }
    create_cache_table(sender=None)  # what migrate's post_migrate runs (a no-op where the table exists)
    cache = caches["default"]
    assert isinstance(cache, DatabaseCache)
    cache.set("throttle-probe", 1, 60)
    assert cache.get("throttle-probe") == 1
