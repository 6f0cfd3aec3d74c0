"""Issue 11 §8: the lockout is no weapon. A name is locked only from the address that failed it, one address
spraying many names is throttled, one name failed from many addresses slows down (429 + Retry-After, never a
lock), a successful API login forgets the failures as the page login does, and an administrator unlocks."""

import pytest
from django.core.management import call_command

LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token"
WRONG = "wrong-password-1"
ATTACKER = "203.0.113.9"
DESK = "10.20.30.40"

pytestmark = pytest.mark.django_db


def page_login(client, username, password, address):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def api_login(client, username, password, address):
    return client.post(
        TOKEN, {"username": username, "password": password}, content_type="application/json", REMOTE_ADDR=address
    )


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, moved by hand instead of sleeping."""
    from accounts import throttle

    now = [1_000_000.0]
    monkeypatch.setattr(throttle, "_clock", lambda: now[0])

    def advance(seconds):
        now[0] += seconds

    return advance


def test_failures_from_elsewhere_do_not_lock_the_reviewer_out_at_their_desk(client, cast, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page_login(client, "hj_ind", WRONG, ATTACKER)
    # The attacker's address is locked for this name, even with the right password …
    assert page_login(client, "hj_ind", cast.password, ATTACKER).status_code == 403
    assert api_login(client, "hj_ind", cast.password, ATTACKER).status_code == 403
    # … the reviewer at their own desk is not.
    at_desk = page_login(client, "hj_ind", cast.password, DESK)
    assert at_desk.status_code == 302, at_desk.content.decode()[:300]


def test_colleagues_behind_one_nat_address_are_not_locked_by_one_persons_typos(client, cast, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page_login(client, "ent_a", WRONG, DESK)
    assert page_login(client, "ent_a", cast.password, DESK).status_code == 403
    assert page_login(client, "ent_b", cast.password, DESK).status_code == 302


def test_one_address_spraying_many_names_is_throttled(client, cast, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = limit = 10  # the default (30) works alike, only slower to reach
    answers = [api_login(client, f"guess{i:03d}", "Passwort-2018", ATTACKER) for i in range(150)]
    codes = [a.status_code for a in answers]
    assert codes[:limit] == [401] * limit
    assert set(codes[limit:]) == {429}
    refused = answers[limit]
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["errors"][0]["message"].startswith("登录尝试过于频繁")
    # The page login from that address waits too, even for a real account and its right password …
    page = page_login(client, "ent_a", cast.password, ATTACKER)
    assert page.status_code == 429 and "登录尝试过于频繁" in page.content.decode()
    # … and nobody else does.
    assert api_login(client, "ent_a", cast.password, DESK).status_code == 200


def test_one_name_failed_from_many_addresses_slows_down_progressively_but_is_never_locked(
    client, cast, settings, clock
):
    free = settings.LOGIN_SLOWDOWN_AFTER
    for i in range(free):  # two failures per address: no address reaches the lock
        assert api_login(client, "ent_a", WRONG, f"198.51.100.{i // 2}").status_code == 401
    waits = []
    for i in range(6):
        refused = api_login(client, "ent_a", WRONG, f"192.0.2.{i}")
        assert refused.status_code == 429
        waits.append(int(refused["Retry-After"]))
        clock(waits[-1])
        assert api_login(client, "ent_a", WRONG, f"192.0.2.{i}").status_code == 401
    assert waits == [1, 2, 4, 8, 16, 32]
    for _ in range(3):  # never longer than the ceiling
        clock(settings.LOGIN_SLOWDOWN_MAX_SECONDS)
        assert api_login(client, "ent_a", WRONG, "192.0.2.99").status_code == 401
    assert int(api_login(client, "ent_a", cast.password, DESK)["Retry-After"]) == settings.LOGIN_SLOWDOWN_MAX_SECONDS
    # A refused attempt was no failure of its own; after the wait the owner is heard, and the count is forgotten.
    clock(settings.LOGIN_SLOWDOWN_MAX_SECONDS)
    assert api_login(client, "ent_a", cast.password, DESK).status_code == 200
    assert api_login(client, "ent_a", WRONG, DESK).status_code == 401
    assert api_login(client, "ent_a", WRONG, DESK).status_code == 401


def test_a_successful_api_login_forgets_the_failures_as_the_page_login_does(client, cast, settings):
    for _ in range(2):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            assert api_login(client, "ent_a", WRONG, DESK).status_code == 401
        assert api_login(client, "ent_a", cast.password, DESK).status_code == 200
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert page_login(client, "ent_a", WRONG, DESK).status_code == 200
    assert page_login(client, "ent_a", cast.password, DESK).status_code == 302


def test_an_administrator_unlocks_a_name_and_an_address(client, cast, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8  # above the desk's five
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page_login(client, "ent_a", WRONG, DESK)
    for i in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        api_login(client, f"guess{i:03d}", WRONG, ATTACKER)
    assert page_login(client, "ent_a", cast.password, DESK).status_code == 403
    assert api_login(client, "ent_b", cast.password, ATTACKER).status_code == 429

    call_command("login_unlock", "ent_a")
    assert page_login(client, "ent_a", cast.password, DESK).status_code == 302
    call_command("login_unlock", address=ATTACKER)
    assert api_login(client, "ent_b", cast.password, ATTACKER).status_code == 200


def test_axes_own_command_unlocks_the_name_too(client, cast, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page_login(client, "ent_a", WRONG, DESK)
    call_command("axes_reset_username", "ent_a")
    assert page_login(client, "ent_a", cast.password, DESK).status_code == 302
