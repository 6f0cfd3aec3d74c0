"""The dashboards in Chromium: every chart renders (ECharts from static/vendor, no CSP violation, no error)."""

import pytest

from tests.browser.helpers import login
from tests.reviews.helpers import recommended

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_every_chart_renders_without_errors(page, cast):
    recommended(cast)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, cast.city_officer.username, cast.password)
    page.goto(page.base_url + "/reports/")
    page.wait_for_selector("[data-chart='by_unit'] svg")
    charts = page.locator("[data-chart]")
    assert charts.count() == 7
    for i in range(charts.count()):
        assert charts.nth(i).locator("svg").count() == 1
        assert charts.nth(i).get_attribute("aria-hidden") == "true"
    assert page.locator("table caption").count() == 7
    assert errors == []
