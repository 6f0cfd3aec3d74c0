"""Demo organisations and users. Loaded only by `manage.py load_demo`, never in production."""

import base64

from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Organisation, Region, User
from accounts.regions import ensure_regions
from accounts.two_factor import requires_two_factor

DEMO_PASSWORD = "Shenbao-demo-2018"
# Every demo staff account's second factor (accounts/two_factor.py) has this published secret: add it once to an
# authenticator app (base32, time-based, 30 s, 6 digits) and it shows the code for all of them. The demo loader
# refuses production, so the secret exists only in demo databases.
DEMO_TOTP_SECRET = "SHENBAODEMOTOTPA"
DEMO_TOTP_KEY = base64.b32decode(DEMO_TOTP_SECRET).hex()

DEMO_ENTERPRISES = {
    "demo_enterprise": ("扬州邗江数智机械有限公司", "321003"),
    "demo_enterprise2": ("扬州广陵云联信息科技有限公司", "321002"),
    "demo_newcomer": ("扬州新芽科技有限公司", None),
}

# username -> (display name, role, organisation kind, region code)
DEMO_STAFF = {
    "hanjiang_industry": ("邗江区工信局审核员", User.Role.COUNTY_INDUSTRY, Organisation.Kind.COUNTY_INDUSTRY, "321003"),
    "hanjiang_finance": ("邗江区财政局审核员", User.Role.COUNTY_FINANCE, Organisation.Kind.COUNTY_FINANCE, "321003"),
    "guangling_industry": (
        "广陵区工信局审核员",
        User.Role.COUNTY_INDUSTRY,
        Organisation.Kind.COUNTY_INDUSTRY,
        "321002",
    ),
    "guangling_finance": ("广陵区财政局审核员", User.Role.COUNTY_FINANCE, Organisation.Kind.COUNTY_FINANCE, "321002"),
    "city_officer": ("市工信局管理员", User.Role.CITY_OFFICER, Organisation.Kind.CITY_INDUSTRY, "321000"),
    "city_finance": ("市财政局管理员", User.Role.CITY_OFFICER, Organisation.Kind.CITY_FINANCE, "321000"),
}


def _user(username, *, display_name, role, organisation, superuser=False):
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "display_name": display_name,
            "role": role,
            "organisation": organisation,
            "is_staff": superuser,
            "is_superuser": superuser,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    demo_device(user)
    return user


def demo_device(user):
    """A staff account gets the demo's confirmed TOTP device (once); an enterprise none."""
    if requires_two_factor(user) and not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(
            user=user, name="演示身份验证器", key=DEMO_TOTP_KEY, step=30, digits=6, confirmed=True
        )


def load():
    ensure_regions(Region, Organisation)
    users = {}
    for username, (name, region_code) in DEMO_ENTERPRISES.items():
        org, _ = Organisation.objects.get_or_create(
            name=name, kind=Organisation.Kind.ENTERPRISE, defaults={"region_id": region_code}
        )
        users[username] = _user(username, display_name=f"{name}经办人", role=User.Role.ENTERPRISE, organisation=org)
    for username, (display_name, role, kind, region_code) in DEMO_STAFF.items():
        org = Organisation.objects.get(kind=kind, region_id=region_code)
        users[username] = _user(username, display_name=display_name, role=role, organisation=org)
    pool = Organisation.objects.get(kind=Organisation.Kind.EXPERT_POOL)
    for i in range(1, 6):
        users[f"expert{i}"] = _user(f"expert{i}", display_name=f"评审专家{i}", role=User.Role.EXPERT, organisation=pool)
    system = Organisation.objects.get(kind=Organisation.Kind.SYSTEM)
    users["admin"] = _user(
        "admin", display_name="系统管理员", role=User.Role.ADMIN, organisation=system, superuser=True
    )
    assert Region.objects.filter(code="321003").exists()
    return users
