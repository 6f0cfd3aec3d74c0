"""factory_boy factories, one place for all apps. Regions and bureaus come from the data migration."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import Organisation, User
from programmes.models import Call, Notice

PASSWORD = "Test-password-2018"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    kind = Organisation.Kind.ENTERPRISE
    region_id = "321003"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    role = User.Role.ENTERPRISE
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def bureau(kind, region_code):
    return Organisation.objects.get(kind=kind, region_id=region_code)


class NoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notice

    title = factory.Sequence(lambda n: f"测试通知{n}")
    publish_date = dt.date(2019, 5, 14)
    body = "第一段。\n第二段。"
    contact_person = "陈锦龙"
    contact_phone = "87348176"


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call
        skip_postgeneration_save = True

    year = 2018
    title = factory.Sequence(lambda n: f"测试批次{n}")
    code = factory.Sequence(lambda n: f"test{n}")
    receipt_prefix = factory.Sequence(lambda n: f"T{n}")
    notice = factory.SubFactory(NoticeFactory)
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    deadline = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))

    @factory.post_generation
    def categories(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            from programmes.demo import ensure_categories

            # The same two categories, seven-item checklists and form definitions (version 1) as the built-in 2018 call.
            ensure_categories(obj)


# A complete, eligible enterprise profile (enterprises.services.profile_save data) and its declarations.
PROFILE_DATA = {
    "name": "扬州测试机械有限公司",
    "legal_representative": "张三",
    "contact_person": "李四",
    "mobile": "13800000001",
    "email": "",
    "registered_region": "321003",
    "tax_region": "321003",
    "established_on": dt.date(2012, 3, 1),
    "independent_legal_person": True,
    "industry": "industry",
    "employees": 85,
    "revenue_yuan": Decimal("26000000"),
    "assets_yuan": Decimal("1234.5"),
}
ALL_DECLARATIONS = {"sound_management": True, "good_credit": True, "no_illegal_record": True}
