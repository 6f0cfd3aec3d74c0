"""The second factor in tests: a staff account's current TOTP code (accounts/two_factor.py).

`otp_code(user)` gives the account a confirmed device (the demo's published key) if it has none, forgets the
device's last used time step and throttle (a test logs in twice within one 30-second step) and returns the code
of now, as the authenticator app would show it."""

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.demo import DEMO_TOTP_KEY


def otp_device(user, key=DEMO_TOTP_KEY):
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", key=key, confirmed=True)
    return device


def code_for(device, at=None) -> str:
    """The code `device` accepts at unix time `at` (default now)."""
    generator = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    generator.time = time.time() if at is None else at
    return f"{generator.token():0{device.digits}d}"


def otp_code(user) -> str:
    device = otp_device(user)
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    device.refresh_from_db()
    return code_for(device)
