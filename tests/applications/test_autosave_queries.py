"""The deadline rush's commonest request (docs/performance.md, "Deadline rush"): an autosave through the API of a
draft never submitted reads and writes a fixed, small number of queries, however much the form holds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.services import api_token_issue
from tests.applications.core_helpers import complete, make_call

# token, application (with its call, category, enterprise, region and form version), the update, the profile and
# its declarations, the files, the missing items. The first save of a form version in a process also reads its
# definition once (cached per version: applications/forms/lookup.py).
AUTOSAVE_QUERIES = 7


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
