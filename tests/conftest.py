"""The shared cast of users, reused by every permission test of every app."""

import os
import re
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from hypothesis import settings as hypothesis_settings

from accounts.models import Organisation, Region, User
from accounts.regions import ensure_regions
from accounts.two_factor import requires_two_factor
from tests.factories import PASSWORD, OrganisationFactory, UserFactory, bureau
from tests.otp import otp_code

# No per-example deadline: speed is measured by the benchmarks (bench/), not asserted in tests, and the shared
# 2-core machines make Hypothesis's default 200 ms deadline fail a correct property under load.
hypothesis_settings.register_profile("shenbao", deadline=None)
hypothesis_settings.load_profile("shenbao")


def pytest_collection_modifyitems(items):
    """Every transactional test restores the migrated rows (regions, bureaus) it would otherwise flush away.

    A flush without serialized rollback re-runs post_migrate, and a later serialized test then fails on
    duplicate content types; giving all of them serialized_rollback keeps the tests independent of order.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
            item.add_marker(pytest.mark.django_db(**{**marker.kwargs, "serialized_rollback": True}), append=False)


@pytest.fixture
def cast(db):
    """Two enterprises in two counties, both counties' reviewers, the city, an expert, an admin, anonymous."""
    ensure_regions(Region, Organisation)  # a transactional test may have flushed the migrated rows
    ent_a = OrganisationFactory(name="甲企业（邗江）有限公司", region_id="321003")
    ent_b = OrganisationFactory(name="乙企业（广陵）有限公司", region_id="321002")
    K = Organisation.Kind
    return SimpleNamespace(
        password=PASSWORD,
        enterprise_a=UserFactory(username="ent_a", organisation=ent_a, role=User.Role.ENTERPRISE),
        enterprise_b=UserFactory(username="ent_b", organisation=ent_b, role=User.Role.ENTERPRISE),
        hanjiang_industry=UserFactory(
            username="hj_ind", role=User.Role.COUNTY_INDUSTRY, organisation=bureau(K.COUNTY_INDUSTRY, "321003")
        ),
        hanjiang_finance=UserFactory(
            username="hj_fin", role=User.Role.COUNTY_FINANCE, organisation=bureau(K.COUNTY_FINANCE, "321003")
        ),
        guangling_industry=UserFactory(
            username="gl_ind", role=User.Role.COUNTY_INDUSTRY, organisation=bureau(K.COUNTY_INDUSTRY, "321002")
        ),
        guangling_finance=UserFactory(
            username="gl_fin", role=User.Role.COUNTY_FINANCE, organisation=bureau(K.COUNTY_FINANCE, "321002")
        ),
        city_officer=UserFactory(
            username="city", role=User.Role.CITY_OFFICER, organisation=bureau(K.CITY_INDUSTRY, "321000")
        ),
        expert=UserFactory(
            username="exp", role=User.Role.EXPERT, organisation=Organisation.objects.get(kind=K.EXPERT_POOL)
        ),
        admin=UserFactory(
            username="root",
            role=User.Role.ADMIN,
            is_superuser=True,
            is_staff=True,
            organisation=Organisation.objects.get(kind=K.SYSTEM),
        ),
        anonymous=AnonymousUser(),
    )


@pytest.fixture
def api_token(client):
    """Log a user in through the API and return the bearer header for them."""

    def issue(user, password=PASSWORD):
        body = {"username": user.username, "password": password}
        if requires_two_factor(user):  # staff send their second factor too (accounts/two_factor.py)
            body["otp"] = otp_code(user)
        response = client.post("/api/v1/auth/token", body, content_type="application/json")
        assert response.status_code == 200, response.content
        return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}

    return issue


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path_factory):
    """Uploads and generated files of a test go to a temporary folder, never into var/media."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": settings.MEDIA_ROOT},
        },
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 takes ~0.1 s a hash by design, a second for every cast; tests hash with MD5 and still verify
    what production stored. tests/accounts/test_login.py checks the production hasher itself."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]


@pytest.fixture(autouse=True)
def _fresh_county_units():
    # The memo of county-level units outlives a test's rollback: a Region a test added must not leak.
    from accounts.selectors import clear_county_units

    clear_county_units()
    yield
    clear_county_units()


_SERIALIZED: dict[str, str] = {}  # alias -> the migrated rows as Django serialised them at the test database's creation
_TEST_NAMES: dict[str, str] = {}  # alias -> the test database's name


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """pytest-django's, then the migrated rows Django serialised are remembered: once Playwright's sync API has
    started, `django.db.connections` (context-local) hands out new connection objects, which lack them — and
    without them neither `serialized_rollback` nor the restore below puts anything back."""
    from django.db import connections

    for connection in connections.all():
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents:
            _SERIALIZED[connection.alias] = contents
            _TEST_NAMES[connection.alias] = connection.settings_dict["NAME"]


def _attach_serialized():
    from django.db import connections

    for alias, contents in _SERIALIZED.items():
        connection = connections[alias]
        if not getattr(connection, "_test_serialized_contents", None):
            connection._test_serialized_contents = contents


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    _attach_serialized()
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush, put the migrated rows (regions, bureaus, content types) back.

    pytest-django runs transactional tests after the others, so their flush harms nobody; under pytest-xdist a
    worker gets whole files in turn, and the next file's ordinary tests would find the regions gone. After any
    other test the regions are checked too (one small query): should anything else have emptied them, they are
    restored and the test is named in a warning, rather than failing whichever test comes next."""
    _attach_serialized()  # the first browser test made new connection objects (see django_db_setup)
    yield
    if nextitem is None:
        return  # the last test: the session's fixtures are gone with it, the test databases destroyed
    marker = item.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction"))
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    restored = False
    with item.config.stash[blocking_manager_key].unblock():
        for connection in connections.all(initialized_only=True):
            contents = getattr(connection, "_test_serialized_contents", None)
            if not contents or connection.settings_dict["NAME"] != _TEST_NAMES.get(connection.alias):
                continue  # never anything but a test database
            if not transactional and _migrated_rows_present(connection):
                continue
            if not transactional:
                item.warn(pytest.PytestWarning(f"the migrated rows of {connection.alias} were gone after this test"))
            # Flushed once more first: whatever reached the database after the test's own flush (content types
            # re-made by its post_migrate, a request the live server was still answering) would clash.
            call_command(
                "flush",
                verbosity=0,
                interactive=False,
                database=connection.alias,
                reset_sequences=False,
                allow_cascade=True,
                inhibit_post_migrate=True,
            )
            connection.creation.deserialize_db_from_string(contents)
            restored = True
    if restored:
        ContentType.objects.clear_cache()  # it kept the ids post_migrate gave; the restored rows have the migrated ones


def _migrated_rows_present(connection) -> bool:
    if connection.connection is None:
        return True  # not connected since: nothing was done through it
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM accounts_region LIMIT 1")
        return cursor.fetchone() is not None


@pytest.fixture(scope="session", autouse=True)
def _own_redis_database_per_worker():
    """Under pytest-xdist every worker clears the cache around each test (below); on Redis that is FLUSHDB, so
    two workers sharing one database would wipe each other's rate-limit counters mid-test. Worker gwN uses
    database N+1 of the same server instead."""
    from django.conf import settings
    from django.test import override_settings

    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    default = settings.CACHES["default"]
    if not worker or not default["BACKEND"].endswith("RedisCache"):
        yield
        return
    location = re.sub(r"(/\d+)?/?$", f"/{int(worker.removeprefix('gw')) + 1}", default["LOCATION"], count=1)
    with override_settings(CACHES={**settings.CACHES, "default": {**default, "LOCATION": location}}):
        yield


_DB_FIXTURES = ("db", "transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback")


@pytest.fixture(autouse=True)
def _clear_cache(request):
    # Rate limits and lockouts live in the cache/database; every test starts clean.
    from django.conf import settings
    from django.core.cache import cache

    if settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):  # the embedded default: a table
        used = [name for name in _DB_FIXTURES if name in request.fixturenames]
        if used:
            request.getfixturevalue(used[0])  # the database before the cache table is cleared
        elif (marker := request.node.get_closest_marker("django_db")) is None or marker.kwargs.get("databases") == []:
            # No database in this test, so no cache table either: a memory cache of its own.
            request.getfixturevalue("settings").CACHES = {
                "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
            }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    # A request in English (language cookie) leaves English active in this thread after the response; the next
    # test must start in the default language, as a fresh request would.
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
