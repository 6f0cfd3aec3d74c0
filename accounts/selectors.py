from accounts.models import User

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
