"""System checks of the project's own settings (run by every manage.py command, e.g. `migrate`, and `check`)."""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def is_local_host(host: str) -> bool:
    """Whether a host name only ever reaches the machine it is typed on (loopback or the unspecified address)."""
    host = host.lower().rstrip(".")
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


@register(Tags.security)
def site_url_check(app_configs=None, **kwargs):
    """SITE_URL is printed on paper (the PDF's QR code and link): it must be an absolute http(s) address, and in
    production one that reaches this server from elsewhere."""
    site_url = settings.SITE_URL or ""
    production = settings.SHENBAO_ENV == "production"
    hint = "Set SITE_URL to the address people open this server at, e.g. SITE_URL=https://shenbao.example.gov.cn"
    if not site_url:
        if not production:
            return []
        return [
            Error(
                "SITE_URL is not set: the verification QR code and link printed in every PDF would lead nowhere.",
                hint=hint,
                id="shenbao.E001",
            )
        ]
    parts = urlsplit(site_url)
    try:
        host = parts.hostname
    except ValueError:
        host = None
    if parts.scheme not in {"http", "https"} or not host:
        return [
            Error(
                f"SITE_URL {site_url!r} is not an absolute http(s) address: the verification link printed in the "
                "PDF would not open.",
                hint=hint,
                id="shenbao.E002",
            )
        ]
    if production and is_local_host(host):
        return [
            Error(
                f"SITE_URL {site_url!r} is a loopback address: a county officer scanning the PDF's QR code would "
                "reach their own computer, not this server.",
                hint=hint,
                id="shenbao.E003",
            )
        ]
    return []


@register(Tags.security)
def seal_master_key_check(app_configs=None, **kwargs):
    """SEAL_MASTER_KEY encrypts the bureaus' seal private keys (docs/seals.md): in production a long random value
    of its own, not a short password and not the SECRET_KEY (which has other readers and is rotated)."""
    if settings.SHENBAO_ENV != "production":
        return []
    key = settings.SEAL_MASTER_KEY or ""
    hint = (
        "Set SEAL_MASTER_KEY to a long random value, e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'"
    )
    if len(key) < 32 or key == settings.SECRET_KEY:
        return [
            Error(
                "SEAL_MASTER_KEY is shorter than 32 characters or equal to SECRET_KEY: it alone protects the seal "
                "private keys at rest.",
                hint=hint,
                id="shenbao.E004",
            )
        ]
    return []


# applications.services.next_receipt_no numbers a submission with UPDATE … RETURNING (SQLite 3.35, 2021-03).
SQLITE_MINIMUM = (3, 35, 0)


@register(Tags.database)
def sqlite_version_check(app_configs=None, databases=None, **kwargs):
    """The embedded default's SQLite must know RETURNING, or every submission would fail at its receipt number."""
    from django.db import connections

    problems = []
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor != "sqlite":
            continue
        version = _sqlite_version(connection)
        if version < SQLITE_MINIMUM:
            spelled = ".".join(map(str, version))
            problems.append(
                Error(
                    f"SQLite {spelled} is too old: submissions need UPDATE … RETURNING (SQLite 3.35 or later).",
                    hint="Use a Python linked against SQLite 3.35+ (Debian 12 has 3.40), or PostgreSQL.",
                    id="shenbao.E005",
                )
            )
    return problems


def _sqlite_version(connection):
    return connection.Database.sqlite_version_info
