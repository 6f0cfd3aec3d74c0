"""The error pages a person meets: 403, 404, 500 and a failed CSRF check — the site's own pages, in the chosen
language, with a way home and whom to ask; never Django's debug pages."""

import logging

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.template import loader
from django.test import Client, RequestFactory
from django.urls import path, reverse
from django.utils import translation

from shenbao import urls as project_urls
from shenbao import views


def refuse(request):
    raise PermissionDenied("您不能修改这份申报书。")


def refuse_without_reason(request):
    raise PermissionDenied


def fail(request):
    raise RuntimeError("something broke")


# This module is the URLconf of its tests: the project's URLs, its error handlers, two views that fail.
urlpatterns = [
    *project_urls.urlpatterns,
    path("refuse/", refuse),
    path("refuse-bare/", refuse_without_reason),
    path("fail/", fail),
]
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500

pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]

SITE_HEADER = 'class="site-header"'


@pytest.fixture(autouse=True)
def no_debug(settings):
    settings.DEBUG = False


def assert_site_page(body, *, home_label="返回首页"):
    assert SITE_HEADER in body
    assert f'href="{reverse("portal:home")}"' in body and home_label in body
    assert "陈锦龙" in body and "87348176" in body


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_404_is_the_sites_page_in_chinese_without_the_url_patterns(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert [t.name for t in response.templates][0] == "404.html"
    body = response.content.decode()
    assert "页面不存在" in body and 'lang="zh-Hans"' in body
    assert_site_page(body)
    for debug_text in ("Using the URLconf", "The current path", "urlpatterns", "api/v1/", "admin/"):
        assert debug_text not in body


def test_404_of_an_object_a_view_does_not_find_is_the_same_page(client):
    response = client.get("/notices/999999/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


@pytest.mark.parametrize("how", ["cookie", "accept-language"])
def test_404_in_english_when_chosen(client, how):
    if how == "cookie":
        response = english(client).get("/no-such-page/")
    else:
        response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert response.status_code == 404 and 'lang="en"' in body
    assert_site_page(body, home_label="Back to home page")


def test_404_offers_a_logged_in_user_the_dashboard(client, cast):
    client.force_login(cast.enterprise_a)
    body = client.get("/no-such-page/").content.decode()
    assert f'href="{reverse("accounts:dashboard")}"' in body


def test_403_says_why_and_offers_login_to_an_anonymous_visitor(client):
    response = client.get("/refuse/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "无权访问" in body and "您不能修改这份申报书。" in body
    assert_site_page(body)
    assert f'href="{reverse("accounts:login")}?next=/refuse/"' in body


def test_403_without_a_reason_has_a_general_one(client, cast):
    client.force_login(cast.city_officer)
    response = client.get("/refuse-bare/")
    body = response.content.decode()
    assert response.status_code == 403 and "您没有权限打开这个页面。" in body
    assert "accounts/login" not in body  # logged in: no login link


def test_403_in_english(client):
    response = english(client).get("/refuse/")
    assert response.status_code == 403
    assert_site_page(response.content.decode(), home_label="Back to home page")


def test_403_is_logged_on_one_line_without_a_traceback(client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/refuse/")
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    (record,) = records
    assert record.exc_info is None and record.exc_text is None
    line = record.getMessage()
    assert "\n" not in line and "/refuse/" in line and "您不能修改这份申报书。" in line
    assert "Traceback" not in caplog.text


def test_a_404_is_logged_on_one_line_too(client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/no-such-page/")
    assert [r.getMessage() for r in caplog.records if r.name == "django.request"] == ["Not Found: /no-such-page/"]


def test_a_failed_csrf_check_is_the_sites_403_page(client):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "页面已过期" in body and "CSRF verification failed" not in body
    assert_site_page(body)


def test_500_is_the_sites_page(client):
    client.raise_request_exception = False
    response = client.get("/fail/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "系统出错" in body and "something broke" not in body and "Traceback" not in body
    assert_site_page(body)


def test_500_in_english(client):
    client.raise_request_exception = False
    response = english(client).get("/fail/")
    assert response.status_code == 500
    body = response.content.decode()
    assert 'lang="en"' in body
    assert_site_page(body, home_label="Back to home page")


@pytest.mark.django_db(databases=[])  # any query would fail the test
def test_500_page_needs_neither_request_nor_database(settings):
    settings.SHENBAO_ENV = "production"
    with translation.override("zh-hans"):
        response = views.server_error(RequestFactory().get("/"))
        # Django's own handler renders the template with no context at all: that must work too.
        bare = loader.render_to_string("500.html")
    assert response.status_code == 500
    body = response.content.decode()
    assert_site_page(body)
    assert "演示环境" not in body  # the site's context, not a guess
    assert SITE_HEADER in bare and "系统出错" in bare
