"""The second factor of staff logins: TOTP devices (RFC 6238, 30 s, 6 digits) and recovery codes.

County, city, expert and administrator accounts (`accounts.rules.is_staff_account`) type a code from an
authenticator app after their password, on the login page and at `POST /api/v1/auth/token` alike; enterprises
are not asked. A session opened with a password is *subject to the second factor* (the session flag
`REQUIRED_SESSION_KEY`, set when a password-checked user logs in) and stays half-open until django-otp marks it
verified (`django_otp.login`); `accounts.middleware.TwoFactorMiddleware` refuses everything else meanwhile.
Writes here are audited; reads have no side effects except the device's own throttling and replay counters.
"""

from __future__ import annotations

import io
import re
from base64 import b32encode
from datetime import timedelta

import django_otp
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.rules import is_staff_account
from audit.services import audit_record

# Set in the session when a staff account logs in with its password: from then on the session needs a verified
# device (django-otp keeps which one under django_otp.DEVICE_ID_SESSION_KEY).
REQUIRED_SESSION_KEY = "two_factor_required"
RECOVERY_CODE_COUNT = 10
DEVICE_NAME = "身份验证器"
RECOVERY_DEVICE_NAME = "恢复码"
TOTP_CODE = re.compile(r"^\d{6}$")


def requires_two_factor(user) -> bool:
    return bool(is_staff_account(user))


def session_requires_two_factor(request: HttpRequest) -> bool:
    """Whether this request's session was opened with a password by an account that needs the second factor
    and has not been verified yet."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not request.session.get(REQUIRED_SESSION_KEY):
        return False
    if not requires_two_factor(user):
        return False
    return not (hasattr(user, "is_verified") and user.is_verified())


@receiver(user_logged_in, dispatch_uid="accounts.two_factor.mark_session")
def _mark_session(sender, request, user, **kwargs):
    # Any login whose password was checked (our login page, the admin's, any view that calls authenticate())
    # leaves the session waiting for the second factor. Client.force_login in tests checks no password and is
    # not marked; docs/architecture.md "Decisions" explains why that is safe.
    session = getattr(request, "session", None)
    if session is None or session.get(SESSION_KEY) != str(user.pk):
        return  # a login without a session (the API's token endpoint)
    if getattr(user, "password_checked", False) and requires_two_factor(user):
        session[REQUIRED_SESSION_KEY] = True


# Reads -----------------------------------------------------------------------------------------------------


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def normalise_code(code: str | None) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def verify_code(user: User, code: str | None):
    """The device that accepts `code` (six digits from the app, or a recovery code, which is then used up),
    else None. A wrong code counts against the device's throttle (each failure doubles the wait)."""
    code = normalise_code(code)
    if not code:
        return None
    model = TOTPDevice if TOTP_CODE.match(code) else StaticDevice
    with transaction.atomic():
        for device in model.objects.filter(user=user, confirmed=True).select_for_update():
            if device.verify_token(code):
                return device
    return None


def throttled_seconds(user: User, code: str | None) -> int:
    """Seconds until the device that would check `code` accepts another try (0: it would try now)."""
    model = TOTPDevice if TOTP_CODE.match(normalise_code(code)) else StaticDevice
    return wait_seconds(model.objects.filter(user=user, confirmed=True))


def wait_seconds(devices) -> int:
    now = timezone.now()
    waits = [0]
    for device in devices:
        allowed, info = device.verify_is_allowed()
        if not allowed and info and info.get("locked_until"):
            waits.append(max(1, int((info["locked_until"] - now).total_seconds()) + 1))
    return max(waits)


def enrolment_device(user: User) -> TOTPDevice:
    """The not yet confirmed device the user is enrolling (created on the first visit, kept across reloads)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False, step=30, digits=6)
    return device


def secret_base32(device: TOTPDevice) -> str:
    return b32encode(device.bin_key).decode("ascii").rstrip("=")


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// URL as an inline SVG QR code (scanned by the authenticator app)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue().decode("utf-8").split("?>", 1)[-1]


# Writes ----------------------------------------------------------------------------------------------------


def complete_login(request: HttpRequest, device) -> None:
    """Mark the session verified by `device` (a new session key: the session gained a privilege)."""
    request.session.cycle_key()
    django_otp.login(request, device)
    audit_record(
        action="auth.otp_verified",
        actor=request.user,
        obj=request.user,
        summary=_("%(user)s 通过两步验证") % {"user": request.user.username},
        data={"device": device.persistent_id, "recovery_code": isinstance(device, StaticDevice)},
        request=request,
    )


def record_failure(request: HttpRequest, user: User) -> None:
    audit_record(
        action="auth.otp_failed",
        actor=user,
        obj=user,
        summary=_("%(user)s 两步验证码错误") % {"user": user.username},
        request=request,
    )


@transaction.atomic
def enrolment_confirm(*, user: User, device: TOTPDevice, code: str | None, request: HttpRequest | None = None):
    """Confirm the enrolling device with a code from the app; returns the new recovery codes (shown once), or
    None when the code is wrong. Earlier recovery codes are replaced."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    code = normalise_code(code)
    if not TOTP_CODE.match(code) or not device.verify_token(code):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    audit_record(
        action="auth.otp_enrolled",
        actor=user,
        obj=user,
        summary=_("%(user)s 绑定两步验证") % {"user": user.username},
        data={"device": device.persistent_id},
        request=request,
    )
    return device, codes


@transaction.atomic
def recovery_codes_renew(*, user: User, request: HttpRequest | None = None) -> list[str]:
    codes = _new_recovery_codes(user)
    audit_record(
        action="auth.otp_recovery_renewed",
        actor=user,
        obj=user,
        summary=_("%(user)s 重新生成恢复码") % {"user": user.username},
        request=request,
    )
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


@transaction.atomic
def two_factor_reset(*, user: User, actor: User, request: HttpRequest | None = None) -> int:
    """An administrator removes every device and recovery code of `user` (a lost phone): the next login enrols
    again, and a session the user has open now loses its verification. Returns how many devices went."""
    totp = TOTPDevice.objects.filter(user=user).delete()[1].get(TOTPDevice._meta.label, 0)
    static = StaticDevice.objects.filter(user=user).delete()[1].get(StaticDevice._meta.label, 0)
    audit_record(
        action="auth.otp_reset",
        actor=actor,
        obj=user,
        summary=_("%(actor)s 重置 %(user)s 的两步验证") % {"actor": actor.username, "user": user.username},
        data={"devices": totp + static},
        request=request,
    )
    return totp + static


# Idle staff sessions ---------------------------------------------------------------------------------------

IDLE_TIMEOUT = timedelta(minutes=30)
IDLE_WARNING = timedelta(minutes=2)  # the page warns this long before the session ends
LAST_ACTIVITY_SESSION_KEY = "last_activity"
# Activity is written to the session at most this often (not a session write on every request), so a session
# may end up to this much before 30 minutes after the last request; the page counts the shorter time.
ACTIVITY_RESOLUTION_SECONDS = 30
