"""Demo profiles: two eligible enterprises; demo_newcomer deliberately has none (it completes it in the UI)."""

import datetime as dt
from decimal import Decimal

from accounts.models import User
from enterprises.models import Declaration, EnterpriseProfile
from enterprises.services import profile_save
from enterprises.uscc import with_check_character

ALL_DECLARED = {kind: True for kind in Declaration.Kind.values}

# username -> (first 17 characters of the credit code, profile data)
DEMO_PROFILES = {
    "demo_enterprise": (
        "91321003MA1MDM1A2",
        {
            "name": "扬州邗江数智机械有限公司",
            "legal_representative": "王建国",
            "contact_person": "李晓梅",
            "mobile": "13905270001",
            "email": "shuzhi@example.com",
            "registered_region": "321003",
            "tax_region": "321003",
            "established_on": dt.date(2011, 6, 18),
            "independent_legal_person": True,
            "industry": "industry",
            "employees": 85,
            "revenue_yuan": Decimal("26000000.00"),
            "assets_yuan": Decimal("18500000.00"),
        },
    ),
    "demo_enterprise2": (
        "91321002MA1GL0Y2X",
        {
            "name": "扬州广陵云联信息科技有限公司",
            "legal_representative": "陈思远",
            "contact_person": "周婷",
            "mobile": "13905270002",
            "email": "yunlian@example.com",
            "registered_region": "321002",
            "tax_region": "321002",
            "established_on": dt.date(2014, 9, 2),
            "independent_legal_person": True,
            "industry": "software_it",
            "employees": 28,
            "revenue_yuan": Decimal("8000000.00"),
            "assets_yuan": Decimal("5200000.00"),
        },
    ),
}


def load():
    profiles = {}
    for username, (first17, data) in DEMO_PROFILES.items():
        user = User.objects.filter(username=username).select_related("organisation").first()
        if user is None or user.organisation is None:
            continue
        existing = EnterpriseProfile.objects.filter(organisation=user.organisation).first()
        if existing:
            profiles[username] = existing
            continue
        profiles[username] = profile_save(
            organisation=user.organisation,
            data=data,
            declarations=ALL_DECLARED,
            actor=user,
            uscc=with_check_character(first17),
        )
    return profiles
