"""The admin site shows profiles and their history but cannot change a profile past its version history."""

import pytest

from enterprises.models import EnterpriseProfile, EnterpriseProfileVersion
from enterprises.services import profile_save
from tests.factories import PROFILE_DATA

DATA = PROFILE_DATA


@pytest.fixture
def profile(cast):
    return profile_save(
        organisation=cast.enterprise_a.organisation,
        data=DATA,
        declarations={"good_credit": True},
        actor=cast.enterprise_a,
        uscc="91321003MA1MDM1A2R",
    )


def admin_post_of(profile):
    """Everything the change form would send, with a changed name and number of employees."""
    data = {name: str(value) for name, value in DATA.items()}
    data |= {"name": "改名后的公司", "employees": "999", "uscc": profile.uscc, "organisation": profile.organisation_id}
    data |= {"independent_legal_person": "on", "established_on": "2012-03-01", "email": ""}
    data |= {
        "declarations-TOTAL_FORMS": "0",
        "declarations-INITIAL_FORMS": "0",
        "declarations-MIN_NUM_FORMS": "0",
        "declarations-MAX_NUM_FORMS": "1000",
    }
    return data


def test_admin_sees_the_profile_read_only(client, cast, profile):
    client.force_login(cast.admin)
    page = client.get(f"/admin/enterprises/enterpriseprofile/{profile.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "扬州测试机械有限公司" in html
    assert 'name="_save"' not in html and 'name="name"' not in html  # no save button, no input


def test_admin_change_page_cannot_save_a_change(client, cast, profile):
    client.force_login(cast.admin)
    response = client.post(f"/admin/enterprises/enterpriseprofile/{profile.pk}/change/", admin_post_of(profile))
    assert response.status_code == 403
    profile.refresh_from_db()
    assert (profile.name, profile.employees, profile.version) == ("扬州测试机械有限公司", 85, 1)
    assert EnterpriseProfileVersion.objects.filter(profile=profile).count() == 1


def test_admin_can_neither_add_nor_delete_profiles_or_versions(client, cast, profile):
    client.force_login(cast.admin)
    assert client.get("/admin/enterprises/enterpriseprofile/add/").status_code == 403
    assert client.post(f"/admin/enterprises/enterpriseprofile/{profile.pk}/delete/", {"post": "yes"}).status_code == 403
    version = profile.versions.get()
    assert (
        client.post(f"/admin/enterprises/enterpriseprofileversion/{version.pk}/change/", {"version": "7"}).status_code
        == 403
    )
    assert (
        client.post(f"/admin/enterprises/enterpriseprofileversion/{version.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert EnterpriseProfile.objects.filter(pk=profile.pk).exists() and profile.versions.get().version == 1
