"""公众评事 open to the affected residents: a round may be limited to the grids of its community the
matter affects; an answer records the respondent's grid, and one from outside is refused."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.choices import AreaLevel
from core.models import AuditEvent
from governance import services
from governance.choices import Stage
from tests.factories import make_area
from tests.factories.governance import Walker, refresh

pytestmark = pytest.mark.django_db
CLOSES = datetime.timedelta(days=7)


@pytest.fixture
def grids(world):
    second = make_area("340302001001002", AreaLevel.GRID, world.community_a, "第2网格")
    elsewhere = make_area("340303001001001", AreaLevel.GRID, world.community_b, "胜利第1网格")
    return world.grid_a, second, elsewhere


def _ready(world):
    walker = Walker(world.community_a)
    matter = walker.to(Stage.IMPLEMENTING)
    walker.finish_tasks(matter)
    return walker, refresh(matter)


def _open(walker, matter, grids=None):
    return services.open_evaluation(actor=walker.worker, matter=matter, closes_at=timezone.now() + CLOSES,
                                    min_responses=1, grids=grids)


def test_a_round_limited_to_a_grid_takes_answers_from_that_grid_only(world, grids):
    walker, matter = _ready(world)
    first, second, _elsewhere = grids
    rnd = _open(walker, matter, [first])
    assert list(rnd.grids.all()) == [first]
    assert AuditEvent.objects.get(action="governance.evaluation.open", target_id=str(rnd.pk)).changes["grids"] == [
        None, [first.code]]
    response = services.record_evaluation(actor=walker.worker, round=rnd, respondent="甲", score=4, grid=first)
    assert response.grid == first
    with pytest.raises(ValidationError) as outside:
        services.record_evaluation(actor=walker.worker, round=rnd, respondent="乙", score=1, grid=second)
    assert "第2网格" in outside.value.message_dict["grid"][0]
    with pytest.raises(ValidationError) as missing:
        services.record_evaluation(actor=walker.worker, round=rnd, respondent="丙", score=1)
    assert "grid" in missing.value.message_dict
    assert rnd.responses.count() == 1


def test_by_default_the_whole_community_evaluates(world, grids):
    walker, matter = _ready(world)
    first, second, elsewhere = grids
    rnd = _open(walker, matter)
    assert not rnd.grids.exists()
    services.record_evaluation(actor=walker.worker, round=rnd, respondent="甲", score=4)
    services.record_evaluation(actor=walker.worker, round=rnd, respondent="乙", score=4, grid=second)
    with pytest.raises(ValidationError) as foreign:
        services.record_evaluation(actor=walker.worker, round=rnd, respondent="丙", score=4, grid=elsewhere)
    assert "grid" in foreign.value.message_dict
    assert rnd.responses.count() == 2


def test_a_round_cannot_name_a_grid_of_another_community(world, grids):
    walker, matter = _ready(world)
    with pytest.raises(ValidationError) as refused:
        _open(walker, matter, [grids[0], grids[2]])
    assert "胜利第1网格" in refused.value.message_dict["grids"][0]
    assert refresh(matter).stage == Stage.IMPLEMENTING


def test_the_api_opens_a_limited_round_and_refuses_an_outside_answer_with_400(world, grids, api):
    walker, matter = _ready(world)
    client = api(walker.worker)
    opened = client.post(reverse("api:governance-matter-open-evaluation", args=[matter.pk]), {
        "closes_at": (timezone.now() + CLOSES).isoformat(), "grids": [grids[0].code]}, format="json")
    assert opened.status_code == 200, opened.content
    assert opened.json()["grids"] == [grids[0].code]
    url = reverse("api:governance-evaluationround-respond", args=[opened.json()["id"]])
    ok = client.post(url, {"respondent": "甲", "score": 5, "grid": grids[0].code}, format="json")
    assert ok.status_code == 200, ok.content
    refused = client.post(url, {"respondent": "乙", "score": 5, "grid": grids[1].code}, format="json")
    assert refused.status_code == 400
    assert "grid" in refused.json()["error"]["fields"]
    missing = client.post(url, {"respondent": "丙", "score": 5}, format="json")
    assert missing.status_code == 400 and "grid" in missing.json()["error"]["fields"]
    unknown = client.post(url, {"respondent": "丁", "score": 5, "grid": "999"}, format="json")
    assert unknown.status_code == 400


def test_the_api_refuses_a_foreign_grid_when_opening(world, grids, api):
    walker, matter = _ready(world)
    response = api(walker.worker).post(reverse("api:governance-matter-open-evaluation", args=[matter.pk]), {
        "closes_at": (timezone.now() + CLOSES).isoformat(), "grids": [grids[2].code]}, format="json")
    assert response.status_code == 400
    assert "grids" in response.json()["error"]["fields"]


def test_the_staff_page_offers_the_communitys_grids_and_shows_the_refusal(world, grids, web):
    walker, matter = _ready(world)
    client = web(walker.worker)
    page = client.get(matter.get_absolute_url()).content.decode()
    assert "第1网格" in page and "胜利第1网格" not in page
    client.post(reverse("governance:matter-action", args=[matter.pk, "evaluate"]), {
        "evaluate-closes_at": (timezone.localtime() + CLOSES).strftime("%Y-%m-%dT%H:%M"),
        "evaluate-threshold": "3.5", "evaluate-min_responses": "1", "evaluate-grids": [grids[0].pk]})
    rnd = matter.evaluation_rounds.get()
    assert list(rnd.grids.all()) == [grids[0]]
    response = client.post(reverse("governance:matter-action", args=[matter.pk, "respond"]), {
        "respond-respondent": "乙", "respond-score": "3", "respond-grid": grids[1].pk}, follow=True)
    assert "第2网格不在本轮评议范围内" in response.content.decode()
    assert not rnd.responses.exists()
    client.post(reverse("governance:matter-action", args=[matter.pk, "respond"]), {
        "respond-respondent": "甲", "respond-score": "3", "respond-grid": grids[0].pk})
    assert rnd.responses.get().grid == grids[0]
