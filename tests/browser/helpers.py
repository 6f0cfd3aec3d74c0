"""Helpers for browser tests."""

import base64

from django_otp.oath import TOTP

from accounts.models import User
from tests.otp import otp_code


def login(page, username, password):
    """Log in through the page and wait until the dashboard has loaded. A staff account passes the second step
    too (accounts/two_factor.py): its code, or, without a device yet, the enrolment with the secret the page shows
    and the recovery codes after it."""
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state("networkidle")
    if "/accounts/login/code/" in page.url:
        page.fill("input[name=code]", otp_code(User.objects.get(username=username)))
        page.click("form.form button[type=submit]")
        page.wait_for_load_state("networkidle")
    elif "/accounts/login/enrol/" in page.url:
        secret = page.inner_text("[data-secret]").strip()
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        page.fill("input[name=code]", f"{TOTP(key).token():06d}")
        page.click("form.form button[type=submit]")
        page.wait_for_selector("[data-step=recovery-codes]")
        page.click("[data-step=recovery-codes] a.button")
        page.wait_for_load_state("networkidle")
