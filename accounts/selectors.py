import time

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import Region, User

# Where each role lands after login. Apps that own a role's workspace point here to their own view.
ROLE_HOME = {
    User.Role.ENTERPRISE: "enterprises:dashboard",
    User.Role.COUNTY_INDUSTRY: "accounts:home_county",
    User.Role.COUNTY_FINANCE: "accounts:home_county",
    User.Role.CITY_OFFICER: "accounts:home_city",
    User.Role.EXPERT: "accounts:home_expert",
    User.Role.ADMIN: "accounts:home_admin",
}


def home_url_name(user):
    if user.is_superuser:
        return "accounts:home_admin"
    return ROLE_HOME.get(user.role, "portal:home")


# County-level units ---------------------------------------------------------------------------------------
# Read on every eligibility check (the API's hot path), so memoised in the process. A Region saved or deleted
# here clears the memo at once (and again on commit, so a reader inside the transaction can't keep the old
# rows); other processes re-read after UNITS_TTL_SECONDS at the latest. Regions change by data migration or
# in the admin, rarely.
UNITS_TTL_SECONDS = 300
_units: dict[str, str] | None = None
_units_expire = 0.0


def county_units() -> dict[str, str]:
    """{code: name} of Yangzhou's county-level units (counties and functional zones; the city is not one)."""
    global _units, _units_expire
    now = time.monotonic()
    if _units is None or now >= _units_expire:
        _units = {
            code: name
            for code, name in Region.objects.exclude(kind=Region.Kind.CITY)
            .order_by("sort_order", "code")
            .values_list("code", "name")
        }
        _units_expire = now + UNITS_TTL_SECONDS
    return _units


def clear_county_units(**_kwargs) -> None:
    global _units
    _units = None


@receiver([post_save, post_delete], sender=Region, dispatch_uid="accounts.county_units")
def _region_changed(**_kwargs):
    clear_county_units()
    transaction.on_commit(clear_county_units)
