"""The shipped deployment files (deploy/, docs/deployment.md): nginx accepts the site config (`nginx -t` on a
wrapper with a self-signed certificate made here), its limits and timeouts agree with the application's, it serves
nothing uploaded; the systemd units pass `systemd-analyze verify`; beat's schedule names real tasks.

nginx and openssl are Debian packages (nginx is in the Makefile's SYSTEM_PACKAGES): without them the nginx check
skips on a developer's machine and fails under CI (CI=true). systemd-analyze is optional.
"""

import os
import re
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from applications.materials.limits import MULTIPART_OVERHEAD_BYTES
from programmes.forms import MAX_ATTACHMENT_BYTES
from programmes.models import MaterialItem

ROOT = Path(__file__).resolve().parents[2]
NGINX_CONF = ROOT / "deploy" / "nginx" / "shenbao.conf"
UNITS = ROOT / "deploy" / "systemd"
APP_UNIT = UNITS / "shenbao@.service"
ALL_UNITS = [APP_UNIT, UNITS / "shenbao-celery.service", UNITS / "shenbao-celery-beat.service"]

# The placeholders of deploy/nginx/shenbao.conf, pointed into the test's folder.
TLS_DIR, STATIC_DIR, LOG_DIR = "/etc/shenbao/tls/", "/srv/shenbao/var/static/", "/var/log/nginx/"


def tool(name, *, required_in_ci=True):
    """The tool's path; a missing one skips (fails under CI when the tool is one CI must have)."""
    found = shutil.which(name) or next(
        (str(p) for p in (Path("/usr/sbin") / name, Path("/usr/bin") / name) if p.exists()), None
    )
    if found:
        return found
    if required_in_ci and os.environ.get("CI") == "true":
        pytest.fail(f"CI must have {name} (Makefile SYSTEM_PACKAGES) to check the deployment files")
    pytest.skip(f"{name} is not installed here (apt-get install {name}); CI checks this")


def uncommented(path):
    """The file's text without its comments (no `#` inside a value in these files)."""
    return "\n".join(line.split("#", 1)[0] for line in path.read_text().splitlines())


def directives(text, name):
    """The values of every `name …;` directive in an nginx or unit text (comments left out)."""
    values = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith(name + " "):
            values.append(line[len(name) :].strip().rstrip(";").strip())
    return values


def nginx_size(value):
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", value).groups()
    return int(number) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit.lower()]


def nginx_seconds(value):
    return int(re.fullmatch(r"(\d+)s?", value).group(1))


def gunicorn_option(name):
    match = re.search(rf"--{name}[ =](\S+)", uncommented(APP_UNIT))
    assert match, f"--{name} missing from {APP_UNIT.name}"
    return match.group(1)


# --- nginx ------------------------------------------------------------------------------------------------


def test_nginx_accepts_the_site_config(tmp_path):
    nginx = tool("nginx")
    openssl = tool("openssl")
    (tmp_path / "tls").mkdir()
    (tmp_path / "static").mkdir()
    (tmp_path / "log").mkdir()
    subprocess.run(
        [openssl, "req", "-x509", "-nodes", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-days", "1",
         "-subj", "/CN=shenbao.example.gov.cn", "-keyout", tmp_path / "tls" / "privkey.pem",
         "-out", tmp_path / "tls" / "fullchain.pem"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    site = NGINX_CONF.read_text()
    for placeholder, folder in ((TLS_DIR, "tls"), (STATIC_DIR, "static"), (LOG_DIR, "log")):
        assert placeholder in site
        site = site.replace(placeholder, f"{tmp_path / folder}/")
    (tmp_path / "shenbao.conf").write_text(site)
    # What Debian's /etc/nginx/nginx.conf provides around conf.d/*.conf, with every path in the test's folder.
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\n"
        f"error_log {tmp_path}/log/error.log;\n"
        "events { worker_connections 64; }\n"
        "http {\n"
        f"    client_body_temp_path {tmp_path}/body;\n"
        f"    proxy_temp_path {tmp_path}/proxy;\n"
        f"    fastcgi_temp_path {tmp_path}/fastcgi;\n"
        f"    uwsgi_temp_path {tmp_path}/uwsgi;\n"
        f"    scgi_temp_path {tmp_path}/scgi;\n"
        f"    access_log {tmp_path}/log/access.log;\n"
        f"    include {tmp_path}/shenbao.conf;\n"
        "}\n"
    )
    result = subprocess.run(
        [nginx, "-t", "-p", f"{tmp_path}/", "-c", f"{tmp_path}/nginx.conf", "-e", f"{tmp_path}/log/error.log"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
    # No warnings either (a duplicate server name, a directive in the wrong place), apart from newer nginx's
    # preference for `http2 on;` over Debian 12's `listen … http2`.
    warnings = [line for line in result.stderr.splitlines() if "[warn]" in line and "http2" not in line]
    assert warnings == []


def test_nginx_lets_the_largest_upload_through_and_no_more_than_a_little():
    site = NGINX_CONF.read_text()
    (limit,) = directives(site, "client_max_body_size")
    limit = nginx_size(limit)
    # The app's own refusal (413 with its message) must be the one people see, never nginx's bare page.
    largest_item = max(MaterialItem.DEFAULT_MAX_BYTES, MAX_ATTACHMENT_BYTES)
    assert limit >= largest_item + MULTIPART_OVERHEAD_BYTES
    assert limit >= settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert limit <= largest_item + 2 * 1024**2


def test_nginx_forwards_the_headers_the_app_reads():
    site = NGINX_CONF.read_text()
    headers = {value.split()[0]: value.split(None, 1)[1] for value in directives(site, "proxy_set_header")}
    assert headers["X-Forwarded-For"] == "$proxy_add_x_forwarded_for"  # core/clientip.py: right-most hop
    assert headers["X-Forwarded-Proto"] == "$scheme"
    assert settings.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https") or not settings.PRODUCTION
    assert headers["X-Request-ID"] == "$request_id"  # the app keeps the proxy's id (core.middleware)
    assert headers["Connection"] == '""' and directives(site, "proxy_http_version") == ["1.1"]  # keepalive
    assert "rid=$request_id" in site  # the access log carries the same id


def test_nginx_upstream_and_timeouts_agree_with_the_app_servers():
    site = uncommented(NGINX_CONF)
    upstream = re.search(r"upstream shenbao_app \{(.*?)\}", site, re.S).group(1)
    servers = [value.split()[0] for value in directives(upstream, "server")]
    assert servers == ["127.0.0.1:8001", "127.0.0.1:8002", "127.0.0.1:8003"]
    assert directives(upstream, "keepalive")
    # nginx drops an idle upstream connection before gunicorn does, so it never sends on one being closed.
    (idle,) = directives(upstream, "keepalive_timeout")
    assert nginx_seconds(idle) < int(gunicorn_option("keep-alive"))
    (read,) = directives(site, "proxy_read_timeout")
    assert nginx_seconds(read) == int(gunicorn_option("timeout"))
    assert "--bind 127.0.0.1:%i" in APP_UNIT.read_text()


def test_nginx_serves_static_files_and_nothing_uploaded():
    site = uncommented(NGINX_CONF)
    locations = re.findall(r"location\s+([^{]+?)\s*\{", site)
    assert "^~ /static/" in locations
    assert "= /healthz" in locations
    assert not [loc for loc in locations if "media" in loc or "applications" in loc]
    # The only files nginx reads itself are collectstatic's (STATIC_ROOT), never MEDIA_ROOT.
    assert directives(site, "alias") == [STATIC_DIR] and directives(site, "root") == []
    assert str(settings.STATIC_ROOT).endswith(STATIC_DIR.removeprefix("/srv/shenbao").rstrip("/"))
    assert settings.STATIC_URL == "/static/"
    assert "immutable" in site  # hashed names cached for long
    assert re.search(r"location = /metrics \{\s*return 404;", site)  # Prometheus never through the proxy
    assert re.search(r"listen 80;.*?return 301 https://\$host\$request_uri;", site, re.S)


# --- systemd ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("unit", ALL_UNITS, ids=lambda p: p.name)
def test_units_run_as_the_service_user_with_the_environment_file_and_hardening(unit):
    text = unit.read_text()
    for line in (
        "User=shenbao",
        "EnvironmentFile=/etc/shenbao/env",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "CapabilityBoundingSet=",
    ):
        assert line in text.splitlines(), (unit.name, line)


def test_app_unit_has_no_shared_control_socket_and_a_metrics_directory_per_instance():
    text = APP_UNIT.read_text()
    assert "--no-control-socket" in text
    assert "Environment=PROMETHEUS_MULTIPROC_DIR=/run/shenbao-%i" in text and "RuntimeDirectory=shenbao-%i" in text


def test_units_pass_systemd_analyze_verify(tmp_path):
    analyze = tool("systemd-analyze", required_in_ci=False)
    venv_bin = Path(sys.executable).parent  # gunicorn and celery as installed here, for the executable check
    names = []
    for unit in ALL_UNITS:
        name = unit.name.replace("@.", "@8001.")  # a template is verified as one of its instances
        (tmp_path / name).write_text(unit.read_text().replace("/srv/shenbao/.venv/bin/", f"{venv_bin}/"))
        names.append(str(tmp_path / name))
    result = subprocess.run([analyze, "verify", *names], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


# --- celery beat ------------------------------------------------------------------------------------------


def test_beat_schedule_names_registered_tasks():
    from shenbao.celery import app

    app.loader.import_default_modules()
    assert app.conf.beat_schedule
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks, entry


@pytest.mark.django_db
def test_the_nightly_task_clears_expired_sessions_only():
    from shenbao.tasks import clear_expired_sessions_task

    expired, live = SessionStore(), SessionStore()
    expired["x"], live["x"] = 1, 1
    expired.create()
    live.create()
    Session.objects.filter(session_key=expired.session_key).update(expire_date=timezone.now() - timedelta(days=1))
    clear_expired_sessions_task.delay()
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
