"""A submitted application's frozen verdict is read in the reader's language, and never a different verdict."""

import json

import pytest
from django.utils import translation

from applications import selectors, services
from applications.models import Snapshot
from tests.applications.core_helpers import complete, make_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(cast, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    application = complete(cast.enterprise_a, make_call())
    return services.application_submit(application=application, actor=cast.enterprise_a, declaration=True)


def verdict(user, application, language):
    with translation.override(language):
        return selectors.application_reading(user, application=application)["eligibility"]


def test_the_frozen_verdict_is_worded_in_english_with_the_same_checks(cast, submitted):
    stored = json.loads(Snapshot.objects.filter(application=submitted).latest("version").canonical_json)["eligibility"]
    chinese, english = verdict(cast.enterprise_a, submitted, "zh-hans"), verdict(cast.enterprise_a, submitted, "en")
    assert chinese == stored
    assert [(c["code"], c["passed"]) for c in english["checks"]] == [(c["code"], c["passed"]) for c in stored["checks"]]
    assert english["eligible"] == stored["eligible"]
    assert "Hanjiang District" in " ".join(c["message"] for c in english["checks"])


def test_a_verdict_the_engine_would_not_say_again_keeps_its_stored_words(cast, submitted):
    snapshot = Snapshot.objects.filter(application=submitted).latest("version")
    content = json.loads(snapshot.canonical_json)
    content["eligibility"]["checks"][0]["message"] = "（提交时的措辞）"  # e.g. a rule worded differently then
    Snapshot.objects.filter(pk=snapshot.pk).update(canonical_json=json.dumps(content, ensure_ascii=False))
    english = verdict(cast.enterprise_a, submitted, "en")
    assert english["checks"][0]["message"] == "（提交时的措辞）"
