from decimal import Decimal

import pytest

from core.errors import DomainError
from enterprises.models import EnterpriseProfile
from enterprises.selectors import enterprise_facts, profile_for, profile_snapshot
from enterprises.services import contact_for_region, enterprise_register, profile_save, taken_message
from tests.factories import ALL_DECLARATIONS, PROFILE_DATA

VALID = "91321003MA1MDM1A2R"
DATA = PROFILE_DATA
ALL = ALL_DECLARATIONS


@pytest.fixture
def profile(cast):
    return profile_save(
        organisation=cast.enterprise_a.organisation, data=DATA, declarations=ALL, actor=cast.enterprise_a, uscc=VALID
    )


def test_snapshot_is_json_safe_and_complete(profile, cast):
    snap = profile_snapshot(cast.enterprise_a.organisation)
    assert snap["uscc"] == VALID
    assert snap["registered_region"] == {"code": "321003", "name": "邗江区"}
    assert snap["industry"]["code"] == "industry" and snap["industry"]["label"].startswith("工业")
    assert snap["revenue_yuan"] == "26000000.00" and snap["assets_yuan"] == "1234.50"
    assert snap["established_on"] == "2012-03-01"
    decl = snap["declarations"]["sound_management"]
    assert decl["accepted"] and decl["by"] == "ent_a" and decl["at"] and "财务核算" in decl["text"]
    import json

    json.dumps(snap)
    assert profile_snapshot(cast.enterprise_b.organisation) == {}


def test_facts_from_profile(profile):
    facts = enterprise_facts(profile_for(profile.organisation))
    assert facts.uscc == VALID and facts.illegal_record is False and facts.sound_management is True
    assert facts.revenue_yuan == Decimal("26000000.00")


def test_not_declared_no_illegal_record_counts_as_record(cast, profile):
    profile_save(
        organisation=profile.organisation, data={}, declarations={"good_credit": True}, actor=cast.enterprise_a
    )
    facts = enterprise_facts(profile_for(profile.organisation))
    assert facts.illegal_record is True and facts.sound_management is False and facts.good_credit is True


def test_saved_version_is_not_changed_by_later_edits(profile, cast):
    first = profile.versions.get(version=1).data
    profile_save(organisation=profile.organisation, data={"employees": 120}, declarations=ALL, actor=cast.enterprise_a)
    assert profile.versions.get(version=1).data == first
    assert profile.versions.get(version=2).data["employees"] == 120


def test_duplicate_credit_code_is_refused_with_contact(profile, cast):
    with pytest.raises(DomainError) as exc:
        profile_save(
            organisation=cast.enterprise_b.organisation, data=DATA, declarations={}, actor=cast.enterprise_b, uscc=VALID
        )
    assert exc.value.errors[0]["field"] == "uscc"
    # Whom to contact (the bureau of the unit in the code, 321003), never who holds the code.
    assert "已经注册" in exc.value.message and "邗江区工信局" in exc.value.message
    assert "扬州测试机械有限公司" not in exc.value.message
    with pytest.raises(DomainError):
        enterprise_register(
            uscc=VALID.lower(), password="Qiye-mima-2018!", data=DATA | {"mobile": "13800000002"}, declarations={}
        )
    assert EnterpriseProfile.objects.count() == 1


def test_invalid_profile_values_are_listed(cast):
    with pytest.raises(DomainError) as exc:
        profile_save(
            organisation=cast.enterprise_b.organisation,
            data=DATA | {"mobile": "123", "registered_region": "abc"},
            declarations={},
            actor=cast.enterprise_b,
            uscc="91321002MA1GL0Y2XW",
        )
    assert {e["field"] for e in exc.value.errors} == {"mobile", "registered_region"}


def test_outside_region_is_recorded(cast):
    p = profile_save(
        organisation=cast.enterprise_b.organisation,
        data=DATA | {"registered_region": "320102"},
        declarations={},
        actor=cast.enterprise_b,
        uscc="91321002MA1GL0Y2XW",
    )
    assert p.registered_region == "320102"
    p.organisation.refresh_from_db()
    assert p.organisation.region_id is None


def test_weak_password_is_refused(db):
    with pytest.raises(DomainError) as exc:
        enterprise_register(uscc=VALID, password="123", data=DATA, declarations={})
    assert exc.value.errors[0]["field"] == "password1"


def test_permissions(profile, cast):
    assert cast.enterprise_a.has_perm("enterprises.change_enterpriseprofile", profile)
    assert not cast.enterprise_b.has_perm("enterprises.view_enterpriseprofile", profile)
    assert cast.hanjiang_industry.has_perm("enterprises.view_enterpriseprofile", profile)
    assert not cast.guangling_industry.has_perm("enterprises.view_enterpriseprofile", profile)
    assert cast.city_officer.has_perm("enterprises.view_enterpriseprofile", profile)
    assert not cast.hanjiang_industry.has_perm("enterprises.change_enterpriseprofile", profile)


def test_duplicate_message_names_the_bureau_of_the_code_or_the_city(cast):
    assert "江都区工信局" in taken_message("91321012MA1JD0U11J")
    # Issued outside Yangzhou, or by a unit that no longer exists (321011 维扬区): the city's bureau.
    assert "扬州市工业和信息化局" in taken_message("91110000600037341L")
    assert contact_for_region("321011") == contact_for_region(None) == "扬州市工业和信息化局"
    assert contact_for_region("yz-etdz") == "扬州经济技术开发区经发局"


def test_duplicate_registration_does_not_name_the_holder(profile):
    with pytest.raises(DomainError) as exc:
        enterprise_register(
            uscc=VALID, password="Qiye-mima-2018!", data=DATA | {"name": "另一家公司", "mobile": "13800000002"},
            declarations={},
        )  # fmt: skip
    assert exc.value.errors[0]["field"] == "uscc"
    assert profile.name not in exc.value.message and VALID in exc.value.message
