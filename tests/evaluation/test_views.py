"""The expert's pages: own assignments only, declaration and commitment first, anonymised reading, scoring."""

import pytest

from evaluation.models import Assignment, EvaluationSettings, Score
from tests.applications.core_helpers import make_call
from tests.evaluation.helpers import make_expert, pool_of, through_the_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(cast):
    from evaluation import services

    call = make_call()
    application = through_the_review(cast, call=call)
    mine = make_expert()
    mine.user = cast.expert
    mine.save()
    pool_of(2)
    EvaluationSettings.objects.create(call=call, anonymise=True)
    services.panel_draw(actor=cast.city_officer, call=call, category=application.category, size=3, seed=3)
    return {"application": application, "mine": Assignment.objects.get(expert=mine)}


def test_list_and_detail_are_the_experts_own(client, cast, setup):
    mine = setup["mine"]
    other = Assignment.objects.exclude(pk=mine.pk).first()
    client.force_login(cast.expert)
    page = client.get("/evaluation/").content.decode()
    assert f'data-assignment="{mine.pk}"' in page and f'data-assignment="{other.pk}"' not in page
    assert client.get(f"/evaluation/assignments/{other.pk}/").status_code == 404
    assert client.post(f"/evaluation/assignments/{other.pk}/declaration/", {"conflict": "no"}).status_code == 404
    client.force_login(cast.city_officer)
    assert client.get(f"/evaluation/assignments/{mine.pk}/").status_code == 404


def test_declare_then_read_anonymised_then_score(client, cast, setup):
    mine, application = setup["mine"], setup["application"]
    profile = application.enterprise.profile
    client.force_login(cast.expert)
    url = f"/evaluation/assignments/{mine.pk}/"
    before = client.get(url).content.decode()
    assert 'id="declaration"' in before and 'id="application"' not in before
    assert profile.name not in before
    refused = client.post(f"{url}declaration/", {"conflict": "no"})
    assert refused.status_code == 422 and "请勾选保密承诺" in refused.content.decode()
    response = client.post(f"{url}declaration/", {"conflict": "no", "commitment": "yes"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'id="application"' in page and 'id="anonymised"' in page
    for secret in (profile.name, profile.uscc, profile.legal_representative, profile.contact_person):
        assert secret not in page
    bad = client.post(f"{url}score/", {"score-application_depth": "36", "submit": "yes"})
    text = bad.content.decode()
    assert bad.status_code == 422 and "的得分应在 0 到 35 分之间" in text and "请填写评审意见" in text
    assert 'value="36"' in text  # what was typed stays
    good = {
        "score-application_depth": "30",
        "score-investment": "20.5",
        "score-results": "20",
        "score-replicability": "10",
        "comment": "应用较深入",
        "submit": "yes",
    }
    assert client.post(f"{url}score/", good).status_code == 302
    score = Score.objects.get(assignment=mine)
    assert str(score.total) == "80.50" and score.locked
    locked = client.get(url).content.decode()
    assert 'name="score-investment"' not in locked and "评分已提交并锁定" in locked


def test_conflict_from_the_page(client, cast, setup):
    mine = setup["mine"]
    client.force_login(cast.expert)
    refused = client.post(f"/evaluation/assignments/{mine.pk}/declaration/", {"conflict": "yes", "note": ""})
    assert refused.status_code == 422
    response = client.post(f"/evaluation/assignments/{mine.pk}/declaration/", {"conflict": "yes", "note": "曾任顾问"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.state == "conflict"


def test_the_city_page_draws_ranks_and_selects(client, cast):
    from evaluation.models import Panel

    call = make_call()
    from tests.evaluation.helpers import quick_application

    application = quick_application(call)
    pool_of(3)
    url = f"/evaluation/calls/{call.pk}/"
    client.force_login(cast.expert)
    assert client.get(url).status_code == 403
    client.force_login(cast.city_officer)
    page = client.get(url).content.decode()
    assert "抽取评审专家" in page
    client.post(f"{url}draw/", {"category": "demonstration", "size": "3", "seed": "42"})
    panel = Panel.objects.get(call=call)
    assert panel.seed == 42
    client.post(f"{url}quota/", {"category": "demonstration", "quota": "1"})
    response = client.post(
        f"{url}selection/",
        {"category": "demonstration", "application": application.pk, "include": "yes", "reason": "城市调整"},
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "随机种子 42" in page and f'data-application="{application.pk}"' in page and "城市调整" in page
