"""Probes, logs and metrics for the operators (issue 11 §16): /healthz, /readyz, JSON logs with the request id,
/metrics for Prometheus and who may read it."""

import json
import logging

import pytest

from shenbao.log import JsonFormatter, RequestId

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_readyz_checks_database_cache_and_storage(client, settings):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "storage": "ok"}}
    assert list((settings.MEDIA_ROOT / "health").iterdir()) == []  # the probe file is deleted again


def test_readyz_is_503_and_names_what_failed_without_its_secrets(client, settings, tmp_path, caplog):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the storage folder should be")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": blocked}},
    }
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://:s3cret-password@127.0.0.1:1/0",
        }
    }
    with caplog.at_level(logging.WARNING, logger="shenbao.health"):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "checks": {"database": "ok", "cache": "error", "storage": "error"}}
    assert b"s3cret" not in response.content and str(tmp_path).encode() not in response.content
    assert "readiness check storage failed" in caplog.text


def test_probes_need_no_login(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200


def test_metrics_for_a_scraper_on_this_machine(client):
    client.get("/healthz")
    response = client.get("/metrics")  # the test client comes from 127.0.0.1
    assert response.status_code == 200
    assert b"django_http_requests_total_by_method_total" in response.content
    assert b"django_http_responses_total_by_status_total" in response.content


def test_metrics_are_not_public(client, settings):
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.7").status_code == 403
    # a proxy on this machine makes every visitor 127.0.0.1: a forwarded request is a visitor, not a scraper
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 403
    settings.METRICS_ALLOWED = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics").status_code == 403


def test_metrics_with_the_token_from_anywhere(client, settings):
    settings.METRICS_TOKEN = "scrape-token-0123456789"
    far = {"REMOTE_ADDR": "203.0.113.7", "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-token-0123456789", **far).status_code == 200
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong", **far).status_code == 403
    assert client.get("/metrics", **far).status_code == 403


@pytest.fixture
def json_log_lines():
    """What the console handler writes with LOG_FORMAT=json, for the loggers a request writes to."""
    lines = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(json.loads(self.format(record)))

    handler = Collect()
    handler.addFilter(RequestId())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield lines
    logger.removeHandler(handler)


def test_a_request_logs_json_lines_with_its_request_id(client, json_log_lines):
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="trace-abc-123")
    assert response.status_code == 404
    assert response["X-Request-ID"] == "trace-abc-123"
    (line,) = json_log_lines
    assert line["request_id"] == "trace-abc-123"
    assert line["level"] == "WARNING" and line["logger"] == "django.request" and line["status_code"] == 404
    assert "/no-such-page/" in line["message"] and line["time"].endswith("+00:00")


def test_outside_a_request_the_id_is_a_dash_and_a_traceback_is_one_field():
    formatter, record = JsonFormatter(), None
    try:
        raise ValueError("纸质材料")
    except ValueError:
        import sys

        record = logging.LogRecord("shenbao", logging.ERROR, __file__, 1, "失败 %s", ("x",), sys.exc_info())
    RequestId().filter(record)
    line = json.loads(formatter.format(record))
    assert line["request_id"] == "-" and line["message"] == "失败 x"
    assert "ValueError: 纸质材料" in line["exception"]
    assert "\n" not in formatter.format(record)


def test_log_format_is_text_by_default_and_checked(settings):
    assert settings.LOG_FORMAT == "text"
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "text"
    assert "request_id" in settings.LOGGING["handlers"]["console"]["filters"]
