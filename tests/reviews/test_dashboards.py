"""The city's dashboard (/review/city/): counts by unit × state and category × state, the units that have not
forwarded a batch, the forwarded batches; city officers only; one query per table."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applications.models import Application
from reviews import dashboards
from reviews.models import Batch, BatchItem
from tests.applications.core_helpers import make_call
from tests.reviews.helpers import recommended
from tests.reviews.queue_helpers import bulk_applications

pytestmark = pytest.mark.django_db
S = Application.Status
HANJIANG, GUANGLING = "321003", "321002"


@pytest.fixture
def world(cast):
    call = make_call()
    bulk_applications(call, 4, region=HANJIANG)
    bulk_applications(call, 2, region=HANJIANG, status=S.FORWARDED, code="new_product")
    bulk_applications(call, 3, region=GUANGLING, status=S.COUNTY_REVIEW)
    bulk_applications(call, 5, region=GUANGLING, status=S.DRAFT)  # not submitted: not counted
    bulk_applications(make_call(), 7, region=GUANGLING)  # another call: not counted
    return call


def _row(table, key):
    return next(row for row in table if row["key"] == key)


def _count(overview, table, key, state):
    return _row(overview[table], key)["counts"][dashboards.STATES.index(state)]


def test_counts_by_unit_and_by_category_and_state(world):
    overview = dashboards.city_overview(world)
    assert _count(overview, "by_unit", HANJIANG, S.SUBMITTED) == 4
    assert _count(overview, "by_unit", HANJIANG, S.FORWARDED) == 2
    assert _row(overview["by_unit"], HANJIANG)["total"] == 6
    assert _count(overview, "by_unit", GUANGLING, S.COUNTY_REVIEW) == 3
    assert _row(overview["by_unit"], GUANGLING)["total"] == 3  # its drafts and the other call's rows left out
    assert _row(overview["by_unit"], "321012")["total"] == 0  # a unit without applications is listed with zeros
    assert overview["by_unit_totals"]["total"] == 9
    assert _row(overview["by_category"], "demonstration")["total"] == 7
    assert _count(overview, "by_category", "new_product", S.FORWARDED) == 2


def test_units_that_have_not_forwarded_and_the_forwarded_batches(cast, world):
    application = recommended(cast, call=world)
    forwarded = Batch.objects.create(
        call=world,
        region_id=HANJIANG,
        number="邗工信〔2019〕1号",
        created_by=cast.hanjiang_industry,
        state=Batch.State.FORWARDED,
        forwarded_at=timezone.now(),
    )
    BatchItem.objects.create(
        batch=forwarded, application=application, snapshot=application.snapshots.get(), round=1, position=1
    )
    Batch.objects.create(
        call=world, region_id=GUANGLING, number="广工信〔2019〕1号", created_by=cast.guangling_industry
    )
    overview = dashboards.city_overview(world)
    assert [b.number for b in overview["batches"]] == ["邗工信〔2019〕1号"] and overview["batches"][0].size == 1
    codes = [code for code, _name in overview["not_forwarded"]]
    assert HANJIANG not in codes and GUANGLING in codes  # assembled but not forwarded is not forwarded


def test_the_page_is_for_city_officers(client, cast, world):
    for who in ("hanjiang_industry", "guangling_finance", "enterprise_a", "expert"):
        client.force_login(getattr(cast, who))
        assert client.get("/review/city/").status_code == 403
    client.force_login(cast.city_officer)
    html = client.get("/review/city/").content.decode()
    assert 'id="by-unit"' in html and 'id="by-category"' in html and 'id="not-forwarded"' in html
    assert re.search(r'data-key="321003"><td>[^<]+</td>(<td class="num">\d+</td>)+<td class="num" data-total>6<', html)


def test_one_query_per_table_whatever_the_size(client, cast, world):
    client.force_login(cast.city_officer)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/review/city/", {"call": world.pk}).status_code == 200
        return len(ctx.captured_queries)

    queries()  # warm the memo of county-level units
    few = queries()
    bulk_applications(world, 500, region=HANJIANG)
    bulk_applications(world, 500, region=GUANGLING, status=S.RECOMMENDED)
    assert queries() == few <= 12


def test_staff_dashboards_link_to_the_pages_each_role_may_open(client, cast):
    client.force_login(cast.hanjiang_industry)
    county = client.get("/accounts/workspace/county/").content.decode()
    assert 'id="link-queue"' in county and 'id="link-outreach"' in county and 'id="link-city"' not in county
    assert "尚未开放：县级工信" not in county
    assert 'id="link-batches"' in county
    client.force_login(cast.city_officer)
    city = client.get("/accounts/workspace/city/").content.decode()
    assert 'id="link-queue"' in city and 'id="link-city"' in city and 'id="link-outreach"' not in city
    assert 'id="link-batches"' in city
    client.force_login(cast.admin)
    assert 'id="review-links"' not in client.get("/accounts/workspace/admin/").content.decode()
