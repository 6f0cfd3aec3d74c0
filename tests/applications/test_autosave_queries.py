"""The deadline rush's commonest request (docs/performance.md, "Deadline rush"): an autosave through the API of a
draft never submitted reads and writes a fixed, small number of queries, however much the form holds; with
`Prefer: return=minimal` (RFC 7240) it answers only what the next save needs, in 3 queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.services import api_token_issue
from applications.models import Application
from tests.applications.core_helpers import complete, make_call

# token, application (with its call, category, enterprise, region and form version), the update, the profile and
# its declarations, the files, the missing items. The first save of a form version in a process also reads its
# definition once (cached per version: applications/forms/lookup.py).
AUTOSAVE_QUERIES = 7
MINIMAL_AUTOSAVE_QUERIES = 3  # token, application, the update


@pytest.mark.django_db
def test_an_autosave_reads_a_fixed_number_of_queries(client, cast):
    application = complete(cast.enterprise_a, make_call())
    key = api_token_issue(user=cast.enterprise_a)[0]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    version = application.version
    counts = []
    for text in ("第一稿", "第二稿，长一些" * 50):
        with CaptureQueriesContext(connection) as queries:
            response = client.patch(
                f"/api/v1/applications/{application.pk}",
                {"version": version, "data": {"summary": text}},
                content_type="application/json",
                **auth,
            )
        assert response.status_code == 200, response.content
        version = response.json()["version"]
        counts.append(len(queries))
        sql = " ".join(q["sql"] for q in queries.captured_queries)
        assert "django_session" not in sql and "applications_snapshot" not in sql
    assert counts[0] <= AUTOSAVE_QUERIES + 1 and counts[1] == AUTOSAVE_QUERIES, counts


@pytest.mark.django_db
def test_a_minimal_autosave_answers_the_version_in_three_queries(client, cast):
    application = complete(cast.enterprise_a, make_call())
    key = api_token_issue(user=cast.enterprise_a)[0]
    url = f"/api/v1/applications/{application.pk}"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}", "HTTP_PREFER": "handling=lenient, return=minimal"}
    client.patch(
        url, {"version": application.version, "data": {"summary": "预热"}}, content_type="application/json", **auth
    )
    version = application.version + 1
    with CaptureQueriesContext(connection) as queries:
        response = client.patch(
            url, {"version": version, "data": {"summary": "第二稿"}}, content_type="application/json", **auth
        )
    assert response.status_code == 200, response.content
    assert response["Preference-Applied"] == "return=minimal"
    body = response.json()
    assert body["version"] == version + 1 and body["saved"] is True and body["errors"] == []
    assert body["status"] == Application.Status.DRAFT and body["id"] == application.pk and body["saved_at"]
    assert "data" not in body and "eligibility" not in body and "materials" not in body
    assert len(queries) == MINIMAL_AUTOSAVE_QUERIES, [q["sql"][:80] for q in queries.captured_queries]
    application.refresh_from_db()
    assert application.data["summary"] == "第二稿" and application.version == version + 1

    # still the full answer without the preference, and a draft with mistakes is saved and says what is wrong
    full = client.patch(
        url, {"version": version + 1, "data": {"summary": "第三稿"}}, content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_PREFER="return=representation",
    )  # fmt: skip
    assert full.status_code == 200 and "Preference-Applied" not in full
    assert full.json()["data"]["summary"] == "第三稿" and "eligibility" in full.json()
    wrong = client.patch(
        url, {"version": version + 2, "data": {"investments": [{"amount_yuan": "十万"}]}},
        content_type="application/json", **auth,
    )  # fmt: skip
    assert wrong.status_code == 422 and wrong["Preference-Applied"] == "return=minimal"
    assert wrong.json()["saved"] is True and wrong.json()["version"] == version + 3
    assert any(e["field"].startswith("investments.0") for e in wrong.json()["errors"])
    # the short answer checks as much as the long one: another enterprise's draft does not exist for it
    other = api_token_issue(user=cast.enterprise_b)[0]
    foreign = client.patch(
        url, {"version": version + 3, "data": {"summary": "别人的"}}, content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {other}", HTTP_PREFER="return=minimal",
    )  # fmt: skip
    assert foreign.status_code == 404 and "Preference-Applied" not in foreign
    stale = client.patch(
        url, {"version": version, "data": {"summary": "旧稿"}}, content_type="application/json", **auth
    )
    assert stale.status_code == 409 and "已被同单位其他人修改" in stale.json()["errors"][0]["message"]
    application.refresh_from_db()
    assert application.data["investments"][0]["amount_yuan"] == "十万" and application.version == version + 3


@pytest.mark.parametrize(
    "header, minimal",
    [
        ("return=minimal", True),
        ("Return = Minimal", True),
        ('respond-async, return="minimal"; x=1', True),
        ("return=representation", False),
        ("return=minimalist", False),
        ("", False),
        (None, False),
    ],
)
def test_the_prefer_header_is_read_as_rfc_7240_says(header, minimal):
    from core.prefer import prefers_minimal

    assert prefers_minimal(header) is minimal
