"""The county queue (/review/), the staff list (/applications/) and GET /api/v1/applications: what each role sees
(never another unit's rows), filters, search, sort, pagination, and a constant number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applications.models import Application, ApplicationFlag
from tests.applications.core_helpers import make_call
from tests.reviews.helpers import approve, submitted
from tests.reviews.queue_helpers import bulk_applications

pytestmark = pytest.mark.django_db
S = Application.Status
HANJIANG, GUANGLING = "321003", "321002"


@pytest.fixture
def call():
    return make_call()


@pytest.fixture
def two_units(call):
    """Three submitted applications in 邗江 and two in 广陵 (names tell them apart)."""
    hj = bulk_applications(call, 3, region=HANJIANG, name="邗江企业")
    gl = bulk_applications(call, 2, region=GUANGLING, name="广陵企业")
    return hj, gl


def _queue_ids(client, **params):
    response = client.get("/review/", params)
    assert response.status_code == 200
    return [int(i) for i in re.findall(r'data-application="(\d+)"', response.content.decode())]


def _api(client, **params):
    response = client.get("/api/v1/applications", params)
    assert response.status_code == 200, response.content
    return response.json()


# ------------------------------------------------------------------------------------------- who sees what


@pytest.mark.parametrize("who", ["hanjiang_industry", "hanjiang_finance"])
def test_a_hanjiang_reviewer_sees_only_hanjiang_rows(client, cast, two_units, who):
    hj, gl = two_units
    client.force_login(getattr(cast, who))
    assert sorted(_queue_ids(client)) == sorted(a.pk for a in hj)
    body = _api(client)
    assert body["count"] == 3 and sorted(r["id"] for r in body["results"]) == sorted(a.pk for a in hj)
    # Asking for another unit or searching its names finds nothing, it does not widen the view.
    assert _queue_ids(client, region=GUANGLING) == [] and _api(client, region=GUANGLING)["count"] == 0
    assert _api(client, q="广陵企业")["count"] == 0
    page = client.get("/applications/").content.decode()
    assert "邗江企业" in page and "广陵企业" not in page


@pytest.mark.parametrize("who", ["guangling_industry", "guangling_finance"])
def test_a_guangling_reviewer_never_sees_hanjiang_rows(client, cast, two_units, who):
    hj, gl = two_units
    client.force_login(getattr(cast, who))
    assert sorted(_queue_ids(client)) == sorted(a.pk for a in gl)
    assert sorted(r["id"] for r in _api(client)["results"]) == sorted(a.pk for a in gl)
    assert "邗江企业" not in client.get("/review/", {"q": "邗江"}).content.decode()


def test_the_city_sees_every_unit_and_filters_by_region(client, cast, two_units):
    hj, gl = two_units
    client.force_login(cast.city_officer)
    assert len(_queue_ids(client)) == 5
    assert sorted(_queue_ids(client, region=GUANGLING)) == sorted(a.pk for a in gl)
    assert _api(client, region=HANJIANG)["count"] == 3
    assert 'name="region"' in client.get("/review/").content.decode()  # the unit filter is offered to the city


def test_a_county_reviewer_is_not_offered_the_unit_filter(client, cast, two_units):
    client.force_login(cast.hanjiang_industry)
    assert 'name="region"' not in client.get("/review/").content.decode()


@pytest.mark.parametrize("who", ["enterprise_a", "expert", "admin"])
def test_the_queue_is_for_reviewers_and_the_city_only(client, cast, two_units, who):
    client.force_login(getattr(cast, who))
    assert client.get("/review/").status_code == 403


def test_an_enterprise_lists_only_its_own_through_the_api(client, cast, call, two_units):
    mine = submitted(cast, call=call)
    client.force_login(cast.enterprise_a)
    assert [r["id"] for r in _api(client)["results"]] == [mine.pk]
    client.force_login(cast.enterprise_b)
    assert _api(client)["count"] == 0


def test_drafts_are_not_in_the_queue(client, cast, call):
    bulk_applications(call, 2, region=HANJIANG, status=S.DRAFT)
    client.force_login(cast.hanjiang_industry)
    assert _queue_ids(client) == [] and _api(client)["count"] == 0


# ------------------------------------------------------------------------------------------- filters and search


def test_filter_by_status_one_or_several(client, cast, call):
    review = bulk_applications(call, 2, region=HANJIANG, status=S.COUNTY_REVIEW)
    recommended = bulk_applications(call, 1, region=HANJIANG, status=S.RECOMMENDED)
    bulk_applications(call, 3, region=HANJIANG)
    client.force_login(cast.hanjiang_industry)
    assert sorted(_queue_ids(client, status="county_review")) == sorted(a.pk for a in review)
    both = _api(client, status="county_review,recommended")
    assert sorted(r["id"] for r in both["results"]) == sorted(a.pk for a in review + recommended)
    assert {r["status"] for r in both["results"]} == {"county_review", "recommended"}


def test_filter_by_category(client, cast, call):
    bulk_applications(call, 2, region=HANJIANG, code="demonstration")
    new_product = bulk_applications(call, 1, region=HANJIANG, code="new_product")
    client.force_login(cast.hanjiang_finance)
    assert _queue_ids(client, category="new_product") == [new_product[0].pk]
    assert [r["category"]["code"] for r in _api(client, category="new_product")["results"]] == ["new_product"]


def test_filter_by_flag_and_the_flag_count(client, cast, call):
    rows = bulk_applications(call, 3, region=HANJIANG)
    now = timezone.now()
    ApplicationFlag.objects.bulk_create(
        [
            ApplicationFlag(application=rows[0], kind="duplicate_invoice", message="同一发票", computed_at=now),
            ApplicationFlag(application=rows[0], kind="total_mismatch", message="合计不符", computed_at=now),
            ApplicationFlag(application=rows[1], kind="outside_period", message="不在投入期", computed_at=now),
        ]
    )
    client.force_login(cast.hanjiang_industry)
    assert sorted(_queue_ids(client, flag="any")) == sorted([rows[0].pk, rows[1].pk])
    assert _queue_ids(client, flag="outside_period") == [rows[1].pk]
    assert _api(client, flag="duplicate_invoice")["count"] == 1
    html = client.get("/review/").content.decode()
    assert f'data-application="{rows[0].pk}"' in html and 'data-flags="2"' in html and 'data-flags="0"' in html


def test_filter_by_the_bureau_that_still_owes_an_opinion(client, cast, call):
    waiting = submitted(cast, call=call)
    approve(waiting, cast.hanjiang_industry, "industry")  # finance still owes its opinion
    untouched = bulk_applications(call, 1, region=HANJIANG)[0]  # both owe
    bulk_applications(call, 1, region=HANJIANG, status=S.RECOMMENDED)  # nobody owes anything
    client.force_login(cast.hanjiang_finance)
    assert sorted(_queue_ids(client, owes="finance")) == sorted([waiting.pk, untouched.pk])
    assert _queue_ids(client, owes="industry") == [untouched.pk]
    html = client.get("/review/").content.decode()
    assert 'data-owes="finance"' in html and 'data-owes="industry,finance"' in html and 'data-owes=""' in html


def test_search_by_name_credit_code_and_receipt_number(client, cast, call):
    mine = submitted(cast, call=call)
    others = bulk_applications(call, 3, region=HANJIANG, name="别家")
    uscc = mine.enterprise.profile.uscc
    client.force_login(cast.hanjiang_industry)
    assert _queue_ids(client, q="甲企业") == [mine.pk]
    assert _queue_ids(client, q=uscc) == [mine.pk]
    assert _queue_ids(client, q=uscc[-6:].lower()) == [mine.pk]  # any part, any case
    assert _queue_ids(client, q=others[1].receipt_no) == [others[1].pk]
    assert _api(client, q=mine.receipt_no)["results"][0]["id"] == mine.pk
    assert b'id="no-match"' in client.get("/review/", {"q": "没有这家"}).content


def test_bad_parameters_are_422_in_the_api_and_ignored_by_the_page(client, cast, two_units):
    client.force_login(cast.hanjiang_industry)
    for params, field in (({"status": "nope"}, "status"), ({"sort": "id"}, "sort"), ({"flag": "x"}, "flag")):
        response = client.get("/api/v1/applications", params)
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == field
    assert client.get("/api/v1/applications", {"page": "0"}).status_code == 422
    assert len(_queue_ids(client, status="nope", sort="id", page="x")) == 3


# ------------------------------------------------------------------------------------------- sort and pages


def test_sort_orders_and_ties_are_stable(client, cast, call):
    rows = bulk_applications(call, 5, region=HANJIANG)
    client.force_login(cast.hanjiang_industry)
    newest_first = [a.pk for a in rows]  # the builder submits them a minute apart, the first newest
    assert _queue_ids(client) == newest_first
    assert _queue_ids(client, sort="submitted_at") == newest_first[::-1]
    assert _queue_ids(client, sort="receipt_no") == [a.pk for a in sorted(rows, key=lambda a: a.receipt_no)]
    assert _queue_ids(client, sort="name") == [a.pk for a in sorted(rows, key=lambda a: a.enterprise.name)]
    # Every row ties on status: the primary key decides, the same way on every request and across pages.
    by_status = _queue_ids(client, sort="status")
    assert by_status == sorted(by_status)
    pages = [_api(client, sort="status", page_size=2, page=p)["results"] for p in (1, 2, 3)]
    assert [r["id"] for page in pages for r in page] == by_status


def test_pagination_counts_and_links_keep_the_filters(client, cast, call):
    bulk_applications(call, 45, region=HANJIANG)
    bulk_applications(call, 5, region=HANJIANG, code="new_product")
    client.force_login(cast.hanjiang_industry)
    first = _api(client, category="demonstration", page_size=20)
    assert (first["count"], first["page"], first["page_size"], len(first["results"])) == (45, 1, 20, 20)
    assert first["previous"] is None and "category=demonstration" in first["next"] and "page=2" in first["next"]
    last = client.get(first["next"].replace("page=2", "page=3")).json()
    assert len(last["results"]) == 5 and last["next"] is None and "page=2" in last["previous"]
    assert _api(client, page=99)["results"] == []  # past the end: empty, never the last page again
    assert _api(client, page_size=1000)["page_size"] == 100  # capped
    html = client.get("/review/", {"category": "demonstration", "q": "批量", "sort": "name"}).content.decode()
    assert "共 45 份" in html
    next_link = re.search(r'href="\?([^"]+)" rel="next"', html).group(1).replace("&amp;", "&")
    assert set(next_link.split("&")) == {"category=demonstration", "q=%E6%89%B9%E9%87%8F", "sort=name", "page=2"}
    assert len(_queue_ids(client, page=3, category="demonstration")) == 5
    assert len(_queue_ids(client, page=99)) == 10  # the page shows the last page for one past the end


def test_the_staff_list_is_paginated_with_filters(client, cast, call):
    bulk_applications(call, 25, region=HANJIANG)
    client.force_login(cast.city_officer)
    html = client.get("/applications/").content.decode()
    assert html.count("data-application=") == 20 and 'rel="next"' in html
    assert client.get("/applications/", {"page": 2}).content.decode().count("data-application=") == 5
    assert client.get("/applications/", {"region": GUANGLING}).content.decode().count("data-application=") == 0


def test_the_queue_links_each_row_to_the_review_page(client, cast, call):
    row = bulk_applications(call, 1, region=HANJIANG)[0]
    client.force_login(cast.hanjiang_industry)
    assert f'href="/review/applications/{row.pk}/"' in client.get("/review/").content.decode()


# ------------------------------------------------------------------------------------------- constant queries


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content[:500]
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("who", "url", "params"),
    [
        ("hanjiang_industry", "/review/", {}),
        ("hanjiang_industry", "/review/", {"owes": "finance", "flag": "any", "q": "企业", "sort": "name"}),
        ("city_officer", "/review/", {"region": HANJIANG}),
        ("city_officer", "/applications/", {}),
        ("city_officer", "/api/v1/applications", {"status": "submitted", "page_size": 100}),
        ("hanjiang_finance", "/api/v1/applications", {}),
    ],
)
def test_the_same_number_of_queries_at_10_and_1000_rows(client, cast, call, who, url, params):
    client.force_login(getattr(cast, who))
    bulk_applications(call, 10, region=HANJIANG)
    _queries(client, url, params)  # warm the per-process memos (the county-level units) first
    few = _queries(client, url, params)
    bulk_applications(call, 990, region=HANJIANG)
    many = _queries(client, url, params)
    assert few == many <= 12


# ------------------------------------------------------------------------------------------- the queue's API


def test_the_queue_api_adds_owes_and_the_flag_count(client, cast, call, two_units):
    hj, gl = two_units
    waiting = submitted(cast, call=call)
    approve(waiting, cast.hanjiang_industry, "industry")
    ApplicationFlag.objects.create(
        application=hj[0], kind="both_categories", message="两类", computed_at=timezone.now()
    )
    client.force_login(cast.hanjiang_finance)
    body = client.get("/api/v1/review/queue", {"owes": "finance", "page_size": 2}).json()
    assert body["count"] == 4 and len(body["results"]) == 2 and "owes=finance" in body["next"]
    assert {tuple(r["owes"]) for r in body["results"]} <= {("industry", "finance"), ("finance",)}
    industry = client.get("/api/v1/review/queue", {"owes": "industry"}).json()
    assert sorted(r["id"] for r in industry["results"]) == sorted(a.pk for a in hj)  # 甲's industry opinion given
    assert {r["id"]: r["flag_count"] for r in industry["results"]}[hj[0].pk] == 1
    assert client.get("/api/v1/review/queue", {"owes": "city"}).status_code == 422
    client.force_login(cast.guangling_industry)
    assert sorted(r["id"] for r in client.get("/api/v1/review/queue").json()["results"]) == sorted(a.pk for a in gl)
    for who in ("enterprise_a", "expert"):
        client.force_login(getattr(cast, who))
        assert client.get("/api/v1/review/queue").status_code == 403
