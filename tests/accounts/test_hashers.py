"""The production password hasher (accounts/hashers.py): Argon2id at OWASP's cost; hashes made at Django's default
cost still log in and are upgraded then."""

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher as DjangoArgon2PasswordHasher
from django.contrib.auth.hashers import identify_hasher

from accounts.models import User
from tests.factories import PASSWORD


@pytest.fixture
def production_hashers(settings):
    from shenbao import settings as production

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS  # the tests' fast hasher off


def params(encoded):
    return identify_hasher(encoded).decode(encoded)["params"]


def test_new_passwords_are_argon2id_at_owasp_cost(cast, production_hashers):
    user = cast.enterprise_a
    user.set_password("Ein-Passwort-2019")
    user.save()
    encoded = User.objects.get(pk=user.pk).password
    assert encoded.startswith("argon2$argon2id$")
    p = params(encoded)
    assert (p.memory_cost, p.time_cost, p.parallelism) == (19 * 1024, 2, 1)


def test_a_hash_of_djangos_default_cost_logs_in_and_is_upgraded(client, cast, production_hashers):
    user = cast.enterprise_a
    old = DjangoArgon2PasswordHasher().encode(PASSWORD, DjangoArgon2PasswordHasher().salt())
    assert params(old).memory_cost == 102400
    User.objects.filter(pk=user.pk).update(password=old)

    response = client.post(
        "/api/v1/auth/token", {"username": user.username, "password": PASSWORD}, content_type="application/json"
    )

    assert response.status_code == 200, response.content
    upgraded = User.objects.get(pk=user.pk).password
    assert upgraded != old
    assert params(upgraded).memory_cost == 19 * 1024
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)


def test_a_wrong_password_is_refused_and_leaves_the_hash(client, cast, production_hashers):
    user = cast.enterprise_a
    before = User.objects.get(pk=user.pk).password
    response = client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": "wrong-password-1"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert User.objects.get(pk=user.pk).password == before
