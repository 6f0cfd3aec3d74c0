"""Each role sees its own list of applications, and only enterprises are offered 填报; withdrawal asks first.

The list page (/applications/) and the dashboards are headed for the reader's role (applications.listing);
the start button and the start view never lead anybody into another organisation's application; the withdraw
page confirms (GET) and a POST withdraws only with confirm=yes.
"""

import pytest
from django.urls import reverse

from applications import services
from applications.models import Application
from tests.applications.core_helpers import complete, draft, make_call

pytestmark = pytest.mark.django_db

HEADINGS = {
    "enterprise_a": "我的申报",
    "hanjiang_industry": "本县区已提交的申报书",
    "hanjiang_finance": "本县区已提交的申报书",
    "city_officer": "全市已提交的申报书",
    "admin": "全部申报书（系统管理员，只读）",
    "expert": "申报书列表",
}


@pytest.fixture
def world(cast):
    """An open call; enterprise A (邗江) has a submitted application, enterprise B (广陵) a draft."""
    call = make_call()
    submitted = services.application_submit(
        application=complete(cast.enterprise_a, call), actor=cast.enterprise_a, declaration=True
    )
    other_draft = draft(cast.enterprise_b, call, "new_product")
    return {"cast": cast, "call": call, "submitted": submitted, "draft": other_draft}


def _heading(html):
    start = html.index('<h1 id="list-heading">') + len('<h1 id="list-heading">')
    return html[start : html.index("</h1>", start)]


@pytest.mark.parametrize("who", list(HEADINGS))
def test_the_list_is_headed_for_the_role_and_only_enterprises_may_start(client, world, who):
    client.force_login(getattr(world["cast"], who))
    html = client.get(reverse("applications:list")).content.decode()
    assert _heading(html) == HEADINGS[who]
    if who == "enterprise_a":
        # its own application only, and a 填报 button for the category it has not started
        assert 'data-start="new_product"' in html and "开始申报" in html
        assert f'data-application="{world["submitted"].pk}"' in html
        assert f'data-application="{world["draft"].pk}"' not in html
    else:
        assert "data-start=" not in html and "填报“" not in html and "开始申报" not in html
        assert "我的申报" not in html
        assert "继续填写" not in html and 'data-action="continue"' not in html


def test_staff_rows_offer_view_and_pdf_never_continue(client, world):
    cast, submitted, other = world["cast"], world["submitted"], world["draft"]
    for who, sees_submitted, sees_draft in [
        ("hanjiang_industry", True, False),  # its own unit, submitted only
        ("guangling_industry", False, False),  # enterprise B's draft is not submitted
        ("city_officer", True, False),
        ("admin", True, True),  # reads every application, drafts included, and changes none
        ("expert", False, False),
    ]:
        client.force_login(getattr(cast, who))
        html = client.get(reverse("applications:list")).content.decode()
        assert (f'data-application="{submitted.pk}"' in html) is sees_submitted, who
        assert (f'data-application="{other.pk}"' in html) is sees_draft, who
        if sees_submitted:
            assert reverse("applications:pdf", args=[submitted.pk]) in html, who
            assert submitted.enterprise.name in html, who  # staff see whose it is
        assert 'data-action="continue"' not in html, who
    client.force_login(cast.guangling_industry)
    assert "本县区还没有已提交的申报书。" in client.get(reverse("applications:list")).content.decode()


def test_the_enterprise_continues_its_draft_and_gets_the_pdf_of_its_submission(client, world):
    cast = world["cast"]
    client.force_login(cast.enterprise_b)
    html = client.get(reverse("applications:list")).content.decode()
    assert 'data-action="continue"' in html and "继续填写" in html
    client.force_login(cast.enterprise_a)
    html = client.get(reverse("applications:list")).content.decode()
    assert 'data-action="continue"' not in html
    assert reverse("applications:pdf", args=[world["submitted"].pk]) in html


@pytest.mark.parametrize("who", ["admin", "city_officer", "hanjiang_industry", "expert"])
def test_only_enterprises_may_start_and_nobody_lands_in_another_ones_draft(client, world, who):
    """The administrator (who may read enterprise B's draft) posting 填报 for that very category is refused,
    neither sent into B's draft nor given a new application."""
    call, other = world["call"], world["draft"]
    before = set(Application.objects.values_list("pk", flat=True))
    client.force_login(getattr(world["cast"], who))
    response = client.post(reverse("applications:start", args=[call.pk, other.category.code]))
    assert response.status_code == 403 and "只有企业用户可以填报申报书。" in response.content.decode()
    assert reverse("applications:detail", args=[other.pk]) not in response.get("Location", "")
    assert set(Application.objects.values_list("pk", flat=True)) == before


def test_the_start_view_looks_only_at_the_own_organisations_application(client, world):
    cast, call, other = world["cast"], world["call"], world["draft"]
    client.force_login(cast.enterprise_a)  # B has a new_product draft; A has none of that category
    response = client.post(reverse("applications:start", args=[call.pk, "new_product"]))
    created = Application.objects.get(enterprise=cast.enterprise_a.organisation, category__code="new_product")
    assert created.pk != other.pk and response.url == reverse("applications:detail", args=[created.pk])


@pytest.mark.parametrize(
    ("who", "heading"),
    [
        ("hanjiang_industry", "本县区已提交的申报书"),
        ("city_officer", "全市已提交的申报书"),
        ("admin", "全部申报书（系统管理员，只读）"),
    ],
)
def test_staff_dashboards_lead_to_the_list_under_their_heading(client, world, who, heading):
    client.force_login(getattr(world["cast"], who))
    response = client.get(reverse("accounts:dashboard"), follow=True)
    html = response.content.decode()
    assert response.status_code == 200 and heading in html
    assert reverse("applications:list") in html and "填报“" not in html and "我的申报" not in html


def test_the_application_page_links_to_the_list_by_its_name_for_the_reader(client, world):
    cast, submitted = world["cast"], world["submitted"]
    url = reverse("applications:detail", args=[submitted.pk])
    client.force_login(cast.city_officer)
    html = client.get(url).content.decode()
    assert "全市已提交的申报书" in html and "我的申报" not in html
    client.force_login(cast.enterprise_a)
    assert "我的申报" in client.get(url).content.decode()


# ------------------------------------------------------------------------------------------- withdrawal


def test_the_withdraw_button_asks_in_a_dialog(client, world):
    client.force_login(world["cast"].enterprise_a)
    html = client.get(reverse("applications:detail", args=[world["submitted"].pk])).content.decode()
    assert 'id="withdraw-form"' in html and 'data-confirm="撤回后可修改并在截止时间前重新提交' in html
    assert "js/confirm.js" in html


def test_withdraw_get_shows_the_confirmation_page(client, world):
    application = world["submitted"]
    client.force_login(world["cast"].enterprise_a)
    response = client.get(reverse("applications:withdraw", args=[application.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "撤回后可修改并在截止时间前重新提交；截止后将无法再提交。确定撤回吗？" in html
    assert 'name="confirm" value="yes"' in html and application.receipt_no in html
    assert f'href="{reverse("applications:detail", args=[application.pk])}"' in html and "取消" in html
    application.refresh_from_db()
    assert application.status == "submitted"


def test_withdraw_post_without_confirm_goes_to_the_confirmation_page(client, world):
    application = world["submitted"]
    url = reverse("applications:withdraw", args=[application.pk])
    client.force_login(world["cast"].enterprise_a)
    response = client.post(url)
    assert response.status_code == 302 and response.url == url
    application.refresh_from_db()
    assert application.status == "submitted"


def test_withdraw_post_with_confirm_withdraws(client, world):
    application = world["submitted"]
    client.force_login(world["cast"].enterprise_a)
    response = client.post(reverse("applications:withdraw", args=[application.pk]), {"confirm": "yes"})
    assert response.status_code == 302 and response.url == reverse("applications:detail", args=[application.pk])
    application.refresh_from_db()
    assert application.status == "withdrawn"
    # nothing left to withdraw: the page says so instead of asking
    response = client.get(reverse("applications:withdraw", args=[application.pk]), follow=True)
    assert "不能撤回" in response.content.decode()


def test_staff_may_not_open_the_withdraw_page(client, world):
    application = world["submitted"]
    url = reverse("applications:withdraw", args=[application.pk])
    for who, status in [("hanjiang_industry", 403), ("city_officer", 403), ("admin", 403), ("guangling_industry", 404)]:
        client.force_login(getattr(world["cast"], who))
        for response in (client.get(url), client.post(url), client.post(url, {"confirm": "yes"})):
            assert response.status_code == status, who
            assert status == 404 or "您不能撤回这份申报书。" in response.content.decode(), who
    application.refresh_from_db()
    assert application.status == "submitted"


def test_the_api_withdraws_without_confirmation(client, world, api_token):
    application = world["submitted"]
    headers = api_token(world["cast"].enterprise_a)
    response = client.post(
        f"/api/v1/applications/{application.pk}/withdraw", {}, content_type="application/json", **headers
    )
    assert response.status_code == 200, response.content
    application.refresh_from_db()
    assert application.status == "withdrawn"
