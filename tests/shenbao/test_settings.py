import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from applications.pdf_cache import verify_url
from shenbao.checks import site_url_check
from shenbao.settings import local_secret_key

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "SHENBAO_ENV": "production",
    "SECRET_KEY": "x" * 20 + "a-Very-long-production-secret-key-0123456789",
    "ALLOWED_HOSTS": "shenbao.example.gov.cn",
    "SEAL_MASTER_KEY": "a-production-seal-master-key-0123456789-abcdefghijklmnop",
}


def run_manage(*args, **env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"DATABASE_URL", "SECRET_KEY", "SHENBAO_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE", "SITE_URL", "PORT", "DEBUG"}
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
        **PRODUCTION,
        SITE_URL="https://shenbao.example.gov.cn",
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


# SITE_URL: the address printed in the PDF ---------------------------------------------------------------------


def test_production_refuses_to_run_commands_without_site_url(tmp_path):
    result = run_manage("migrate", "--check", **PRODUCTION, SHENBAO_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "shenbao.E001" in result.stderr and "SITE_URL is not set" in result.stderr


@pytest.mark.parametrize(
    "site_url, production, errors",
    [
        ("https://shenbao.example.gov.cn", True, []),
        ("http://10.32.1.5:8000/", True, []),  # an intranet address reaches the server from the county offices
        ("", True, ["shenbao.E001"]),
        ("http://127.0.0.1:8000", True, ["shenbao.E003"]),
        ("http://localhost:8000", True, ["shenbao.E003"]),
        ("http://[::1]:8000", True, ["shenbao.E003"]),
        ("http://0.0.0.0:8000", True, ["shenbao.E003"]),
        ("shenbao.example.gov.cn", True, ["shenbao.E002"]),
        ("ftp://shenbao.example.gov.cn", True, ["shenbao.E002"]),
        ("http://127.0.0.1:8123", False, []),  # development serves on this machine
        ("", False, []),
        ("127.0.0.1:8123", False, ["shenbao.E002"]),  # without a scheme the printed link opens nothing
    ],
)
def test_site_url_check(settings, site_url, production, errors):
    settings.SHENBAO_ENV = "production" if production else "development"
    settings.SITE_URL = site_url
    assert [error.id for error in site_url_check()] == errors


def test_embedded_default_derives_site_url_from_port_and_serves_without_debug(tmp_path):
    script = (
        "from django.conf import settings; from applications.pdf_cache import verify_url; "
        "print(verify_url('d1')); print(settings.DEBUG); print(','.join(settings.ALLOWED_HOSTS))"
    )
    result = run_manage("shell", "-v", "0", "-c", script, PORT="8123", SHENBAO_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    link, debug, hosts = result.stdout.split()
    assert link == "http://127.0.0.1:8123/verify/d1"
    assert debug == "False"
    assert {"127.0.0.1", "localhost"} <= set(hosts.split(","))


def test_verify_link_follows_site_url(settings):
    settings.SITE_URL = "http://127.0.0.1:8123/"
    assert verify_url("ab12") == "http://127.0.0.1:8123/verify/ab12"


def test_makefile_serves_without_debug_on_port_with_its_own_site_url():
    """`make run` passes SITE_URL derived from PORT and no shared gunicorn control socket; `make dev` debugs."""
    result = subprocess.run(
        ["make", "-n", "--no-print-directory", "run", "dev", "PORT=8123"],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k not in {"SITE_URL", "PORT", "DEBUG", "MAKEFLAGS"}},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    commands = result.stdout.replace("\\\n", " ").splitlines()
    (gunicorn,) = [line for line in commands if "gunicorn shenbao.wsgi" in line]
    assert "SITE_URL='http://127.0.0.1:8123'" in gunicorn
    assert "--bind 127.0.0.1:8123" in gunicorn and "--no-control-socket" in gunicorn
    assert "DEBUG" not in gunicorn
    (runserver,) = [line for line in commands if "manage.py runserver" in line]
    assert re.search(r"\bDEBUG=1\b", runserver) and "SITE_URL='http://127.0.0.1:8123'" in runserver
    assert runserver.rstrip().endswith("runserver 127.0.0.1:8123")


# The secret key of the embedded default -----------------------------------------------------------------------


def test_local_secret_key_is_created_once_private_and_reused(tmp_path):
    path = tmp_path / "var" / "secret_key"
    key = local_secret_key(path)
    assert len(key) >= 50
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert local_secret_key(path) == key
    assert path.read_text().strip() == key
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # no temporary file left behind
    assert local_secret_key(tmp_path / "other" / "secret_key") != key


def test_an_empty_secret_key_file_is_refused(tmp_path):
    path = tmp_path / "secret_key"
    path.write_text("")
    with pytest.raises(ImproperlyConfigured, match="empty"):
        local_secret_key(path)


def test_embedded_default_reads_its_secret_key_from_var(tmp_path):
    script = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = run_manage("shell", "-v", "0", "-c", script, SHENBAO_VAR_DIR=str(tmp_path))
    second = run_manage("shell", "-v", "0", "-c", script, SHENBAO_VAR_DIR=str(tmp_path))
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert first.stdout.strip() == (tmp_path / "secret_key").read_text().strip()


# Static files without DEBUG -------------------------------------------------------------------------------------


def test_static_files_are_served_with_debug_off(client, settings):
    settings.DEBUG = False
    response = client.get("/static/css/shenbao.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert b"".join(response.streaming_content)


def test_an_sqlite_without_returning_is_refused_by_the_checks(monkeypatch):
    """Receipt numbers come from UPDATE … RETURNING: an SQLite before 3.35 would fail every submission."""
    from django.db import connection

    from shenbao import checks

    if connection.vendor != "sqlite":
        assert checks.sqlite_version_check(databases=["default"]) == []
        return
    assert checks.sqlite_version_check(databases=["default"]) == []
    monkeypatch.setattr(checks, "_sqlite_version", lambda _connection: (3, 34, 1))
    (error,) = checks.sqlite_version_check(databases=["default"])
    assert error.id == "shenbao.E005" and "3.34.1" in error.msg
