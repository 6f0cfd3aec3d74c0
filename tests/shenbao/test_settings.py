import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "SECRET_KEY", "SHENBAO_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_passes_check_deploy(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SHENBAO_ENV="production",
        SECRET_KEY="x" * 20 + "a-Very-long-production-secret-key-0123456789",
        ALLOWED_HOSTS="shenbao.example.gov.cn",
        SHENBAO_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key(tmp_path):
    result = run_manage("check", SHENBAO_ENV="production", SHENBAO_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_unknown_environment_is_refused(tmp_path):
    result = run_manage("check", SHENBAO_ENV="staging", SHENBAO_VAR_DIR=str(tmp_path))
    assert result.returncode != 0


def test_security_headers(client, db):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_media_url_serves_uploads(client, db, settings):
    assert not settings.MEDIA_URL or settings.MEDIA_URL == "/"
    assert client.get("/media/applications/1/x").status_code == 404


def test_times_are_stored_in_utc_and_shown_in_shanghai(settings):
    assert settings.USE_TZ is True
    assert settings.TIME_ZONE == "Asia/Shanghai"


def test_healthz(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_tasks_run_inline_by_default(settings):
    assert settings.CELERY_TASK_ALWAYS_EAGER is True


def test_favicon_is_served_and_linked(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response.url.endswith("favicon.ico")
    assert 'rel="icon"' in client.get("/").content.decode()
