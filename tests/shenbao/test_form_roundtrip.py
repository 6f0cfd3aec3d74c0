"""Every page form with a date shows what it stored in a form the browser accepts, and saving it unchanged
works: the value of `<input type="date">` must be ISO (2019-05-14), never the locale's 2019/05/14."""

import re
from html.parser import HTMLParser

import pytest

from programmes.models import Notice
from tests.applications.core_helpers import make_call, make_profile
from tests.factories import NoticeFactory

pytestmark = pytest.mark.django_db

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")


class FormValues(HTMLParser):
    """What a browser would send back from the page's POST form, untouched; and the date inputs seen."""

    def __init__(self):
        super().__init__()
        self.data, self.dates, self._textarea, self._select = {}, {}, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in {"submit", "file", "button"}:
            if a.get("type") in {"checkbox", "radio"}:
                if "checked" in a:
                    self.data[name] = a.get("value", "on")
            else:
                self.data[name] = a.get("value", "")
            if a.get("type") in {"date", "datetime-local"}:
                self.dates[name] = (a.get("type"), a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value", "")

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            if self._textarea:
                self.data[self._textarea] = self.data[self._textarea].removeprefix("\n")
            self._textarea = None
        elif tag == "select":
            self._select = None


def round_trip(client, url):
    page = client.get(url)
    assert page.status_code == 200
    form = FormValues()
    form.feed(page.content.decode())
    assert form.dates, "the page has no date input"
    for name, (kind, value) in form.dates.items():
        pattern = ISO_DATE if kind == "date" else ISO_DATETIME
        assert value and pattern.match(value), (name, value)
    return form, client.post(url, form.data)


def test_notice_edit_keeps_its_publish_date(client, cast):
    notice = NoticeFactory(title="关于开展2018年度申报的通知")
    client.force_login(cast.city_officer)
    form, response = round_trip(client, f"/notices/{notice.pk}/edit/")
    assert form.dates["publish_date"] == ("date", "2019-05-14")
    assert response.status_code == 302, response.content.decode()[:1500]
    notice.refresh_from_db()
    assert Notice.objects.get(pk=notice.pk).publish_date.isoformat() == "2019-05-14"


def test_call_settings_keep_their_dates(client, cast):
    call = make_call()
    client.force_login(cast.city_officer)
    before = (call.opens_at.replace(second=0, microsecond=0), call.investment_period_start)
    _form, response = round_trip(client, f"/calls/{call.pk}/edit/")
    assert response.status_code == 302, response.content.decode()[:1500]
    call.refresh_from_db()
    assert (call.opens_at, call.investment_period_start) == before


def test_enterprise_profile_keeps_its_founding_date(client, cast):
    profile = make_profile(cast.enterprise_a)
    client.force_login(cast.enterprise_a)
    form, response = round_trip(client, "/enterprise/profile/")
    assert form.dates["established_on"] == ("date", profile.established_on.isoformat())
    assert response.status_code == 302, response.content.decode()[:1500]
