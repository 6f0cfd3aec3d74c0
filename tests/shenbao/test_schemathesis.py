"""Schemathesis against the live OpenAPI document: every operation, every check, and the stateful links.

The app runs in-process (WSGI, the real database of the test); callers are an enterprise with a draft
application and the city officer, each with a bearer token. Any finding fails the test.
"""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from accounts.services import api_token_issue
from tests.applications.core_helpers import complete, make_call

pytestmark = pytest.mark.django_db

# Few examples per operation: 78 operations × 2 callers must stay well under three minutes on two cores.
MAX_EXAMPLES = 5
# A fixed seed: CI sees the same inputs on every run, so a failure means the code changed, not the dice.
# SCHEMATHESIS_SEED=<n> explores other inputs locally.
SEED = int(os.environ.get("SCHEMATHESIS_SEED", "2018"))
# The stateful part: this many sequences of at most this many calls, per caller.
MAX_SCENARIOS = 10
STEPS_PER_SCENARIO = 6

# Schema-valid input that a domain rule refuses with 422: the rule reads the database or the content of a file,
# which no schema can say (a call that does not exist, a required expert field left empty, a file that is not a
# seal PDF). For these operations only, 422 counts as a correct answer to schema-valid data.
_CATEGORY = "the category code is looked up in the call (本批次没有该申报类别)"
DOMAIN_422 = {
    "POST /api/v1/applications": "the call and category are looked up (申报批次不存在 / 该批次没有类别)",
    "PATCH /api/v1/calls/{call_id}": "thresholds are checked against the category (programmes.services.call_update)",
    "POST /api/v1/seals/verify": "the file must be a sealed PDF or a batch manifest (its content)",
    "POST /api/v1/experts": "required texts may not be blank, codes must be known (evaluation.services)",
    "POST /api/v1/experts/import": "the xlsx file is read row by row",
    "PUT /api/v1/calls/{call_id}/rubric/{code}": _CATEGORY,
    "POST /api/v1/calls/{call_id}/panels": _CATEGORY,
    "POST /api/v1/calls/{call_id}/panels/{code}/extend": _CATEGORY,
    "GET /api/v1/calls/{call_id}/ranking": _CATEGORY,
    "GET /api/v1/calls/{call_id}/selection": _CATEGORY,
    "PUT /api/v1/calls/{call_id}/selection": _CATEGORY,
    "POST /api/v1/calls/{call_id}/selection/changes": _CATEGORY,
    "POST /api/v1/calls/{call_id}/publicity": _CATEGORY,
    "POST /api/v1/calls/{call_id}/designations": _CATEGORY,
    "GET /api/v1/calls/{call_id}/designations": _CATEGORY,
    "GET /api/v1/exports/{name}.xlsx": "the list's name and its filters (call, category) are looked up",
    "POST /api/v1/calls/{call_id}/copy": "the year must be free and the codes unused, the deadline after the opening",
    "POST /api/v1/eligibility/check": "the credit code's check digit (GB 32100) and the region codes (data)",
}
POSITIVE_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "checks": {"enabled": True},
        "phases": {
            "examples": {"enabled": True},
            "coverage": {"enabled": True},
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": True, "max-steps": STEPS_PER_SCENARIO},
        },
        # NUL and lone surrogates are refused in every string by design (422, core.jsonsafe / core.hostile);
        # the schema does not repeat that on every string, so they are not generated as "valid" text.
        "generation": {"max-examples": MAX_EXAMPLES, "database": "none", "allow-x00": False},
        "operations": [
            {
                "include-name": list(DOMAIN_422),
                "checks": {"positive_data_acceptance": {"expected-statuses": [*POSITIVE_STATUSES, "422"]}},
            }
        ],
    }
)

# The fixtures are built once per operation and shared by its examples (on purpose: the data are the world the
# examples act on); a database round trip per example makes Hypothesis's timing checks meaningless.
SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    """The WSGI app is called directly, not through Django's test client: like the client, keep each request's
    end from closing the database connection (on PostgreSQL that would end the test's transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(cast):
    call = make_call()
    application = complete(cast.enterprise_a, call)
    return {"call": call, "application": application}


# The caller of the running test: its token is set by the fixture (a new one per test, the database is rolled
# back between tests) and applied by schemathesis, so that its auth checks know how to leave it out or spoil it.
CALLER = {"token": None}


def bearer(user):
    CALLER["token"], _row = api_token_issue(user=user)
    yield
    CALLER["token"] = None


@pytest.fixture
def as_enterprise(cast, world):
    yield from bearer(cast.enterprise_a)


@pytest.fixture
def as_city(cast, world):
    yield from bearer(cast.city_officer)


# The document as the app serves it (no database needed to serve it).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application(), config=CONFIG)


@schema.auth(refresh_interval=None)  # no caching: each test has its own token
class BearerToken:
    def get(self, case, ctx):
        return CALLER["token"]

    def set(self, case, data, ctx):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@schema.parametrize()
@SETTINGS
def test_api_as_an_enterprise(case, as_enterprise):
    case.call_and_validate()


@schema.parametrize()
@SETTINGS
def test_api_as_the_city(case, as_city):
    case.call_and_validate()


# Stateful: sequences that follow the links schemathesis infers from the responses (a call's id into
# POST /applications, the new application's id into its GET, PATCH, submit …), every check on every step.
STATEFUL = settings(
    SETTINGS,
    max_examples=MAX_SCENARIOS,
    stateful_step_count=STEPS_PER_SCENARIO,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


def test_links_as_an_enterprise(as_enterprise):
    schema.as_state_machine().run(settings=STATEFUL)


def test_links_as_the_city(as_city):
    schema.as_state_machine().run(settings=STATEFUL)
