"""The dashboards at /reports/: scope per role, the figures, tables beside charts, constant queries."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Organisation
from applications.models import Application
from reports import dashboards
from reports.models import ApplicationFigures
from tests.reviews.helpers import recommended, submitted


def clones(template: Application, n: int, *, region="321002"):
    """n submitted copies of `template` (bulk, other enterprises of `region`) with their figures."""
    orgs = Organisation.objects.bulk_create(
        [Organisation(name=f"克隆{i:05d}有限公司", kind="enterprise", region_id=region) for i in range(n)]
    )
    start = timezone.now() - dt.timedelta(days=30)
    apps = Application.objects.bulk_create(
        [
            Application(
                call=template.call,
                category=template.category,
                enterprise=org,
                region_id=region,
                status=Application.Status.SUBMITTED if i % 2 else Application.Status.COUNTY_REVIEW,
                form_version=template.form_version,
                receipt_no=f"CLONE-{region}-{template.pk}-{i:05d}",
                submitted_at=start + dt.timedelta(hours=i),
                review_round=1,
            )
            for i, org in enumerate(orgs)
        ]
    )
    ApplicationFigures.objects.bulk_create(
        [ApplicationFigures(application=a, snapshot_version=1, investment_yuan=Decimal("100.10")) for a in apps]
    )
    return apps


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.mark.django_db
def test_the_page_keeps_the_summary_for_a_minute_per_scope(client, cast, settings):
    mine = submitted(cast)
    client.force_login(cast.city_officer)
    assert "已提交申报书 1 份" in client.get("/reports/").content.decode()
    clones(mine, 2)
    assert "已提交申报书 1 份" in client.get("/reports/").content.decode()  # kept
    settings.REPORTS_DASHBOARD_CACHE_SECONDS = 0
    assert "已提交申报书 3 份" in client.get("/reports/").content.decode()
    client.force_login(cast.hanjiang_industry)  # another scope never reads the city's
    settings.REPORTS_DASHBOARD_CACHE_SECONDS = 60
    assert "已提交申报书 1 份" in client.get("/reports/").content.decode()


def _queries(user):
    with CaptureQueriesContext(connection) as ctx:
        data = dashboards.dashboard(user)
    return len(ctx.captured_queries), data


@pytest.mark.django_db
def test_the_city_sees_every_unit_and_the_money_totals(client, cast):
    mine = recommended(cast)
    clones(mine, 3)
    data = dashboards.dashboard(cast.city_officer)
    assert data["total"] == 4
    assert {r["label"]: r["value"] for r in data["by_unit"]} == {"邗江区": 1, "广陵区": 3}
    mine_figures = ApplicationFigures.objects.get(application=mine).investment_yuan
    by_unit = {r["label"]: Decimal(r["investment"]) for r in data["money"]["by_unit"]}
    assert by_unit == {"邗江区": mine_figures, "广陵区": Decimal("300.30")}
    states = {r["key"]: r["value"] for r in data["by_state"]}
    assert states == {"recommended": 1, "submitted": 1, "county_review": 2}
    assert sum(sum(s["values"]) for s in data["over_time"]["series"]) == 4
    # submitted → county_review → recommended: time was spent in the first two states
    assert {r["key"] for r in data["stages"]} >= {"submitted"}


@pytest.mark.django_db
def test_a_county_reviewer_sees_only_its_unit(client, cast):
    mine = submitted(cast)
    clones(mine, 3)
    data = dashboards.dashboard(cast.hanjiang_finance)
    assert data["total"] == 1 and [r["label"] for r in data["by_unit"]] == ["邗江区"]
    client.force_login(cast.guangling_industry)
    page = client.get("/reports/").content.decode()
    assert "广陵区" in page and "邗江区" not in page


@pytest.mark.django_db
def test_the_page_embeds_the_data_and_a_table_per_chart(client, cast):
    submitted(cast)
    client.force_login(cast.city_officer)
    response = client.get("/reports/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<script id="report-data" type="application/json">' in html
    assert html.count('aria-hidden="true"></div>') == html.count("<caption>") == 7
    assert "vendor/echarts.min.js" in html and "reports/charts.js" in html
    assert "<script>" not in html  # no inline script: the CSP's script-src is 'self'
    start = html.index('type="application/json">') + len('type="application/json">')
    assert json.loads(html[start : html.index("</script>", start)])["total"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["enterprise_a", "expert"])
def test_enterprises_and_experts_may_not_see_the_dashboards(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get("/reports/").status_code == 403


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_applications(cast):
    template = submitted(cast)
    clones(template, 10, region="321002")
    few, data = _queries(cast.city_officer)
    assert data["total"] == 11
    clones(template, 1000, region="321012")
    many, data = _queries(cast.city_officer)
    assert data["total"] == 1011
    assert few == many <= 6
