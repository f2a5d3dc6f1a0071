"""双随机一公开: a plan's draw is replayable by anyone from the published seed and pools."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.exceptions import TransitionRefused
from social_orgs import services
from tests.factories.social_orgs import organisation

pytestmark = pytest.mark.django_db
D = datetime.date
SEED = "2020-09-01 福彩3D 第2020240期 587"
ITEMS = ["年度报告", "信息公开", "内部治理", "财务管理", "业务活动"]


def _plan(world, n=60, inspectors=None):
    orgs = [organisation(world.district_a) for _ in range(n)]
    pool = inspectors or [{"name": name} for name in ["张明", "李华", "王芳", "赵强"]]
    return orgs, services.create_plan(actor=world.officer_a, area=world.district_a, year=2020, level="county",
                                      items=ITEMS, inspectors=pool)


def test_the_plan_freezes_the_pools_and_draws_at_least_the_minimum_ratio_with_two_inspectors_each(world):
    orgs, plan = _plan(world)
    assert plan.min_ratio_pct == 3 and plan.sample_size == 2  # ceil(60 × 3%)
    plan = services.draw_plan(actor=world.officer_a, plan=plan, seed=SEED)
    assert len(plan.draw) == 2
    assert all(len(set(row["inspectors"])) == 2 for row in plan.draw)
    assert {row["organisation"] for row in plan.draw} <= {o.pk for o in orgs}


def test_a_published_draw_replays_from_its_seed_and_pools_and_not_from_another_seed(world):
    _orgs, plan = _plan(world)
    plan = services.draw_plan(actor=world.officer_a, plan=plan, seed=SEED)
    assert services.replay_matches(plan, SEED)
    assert not services.replay_matches(plan, "2020-09-02 福彩3D 第2020241期 112")


def test_a_drawn_plan_cannot_be_redrawn_and_a_draw_needs_a_seed(world):
    _orgs, plan = _plan(world, n=10)
    with pytest.raises(ValidationError):
        services.draw_plan(actor=world.officer_a, plan=plan, seed=" ")
    services.draw_plan(actor=world.officer_a, plan=plan, seed=SEED)
    with pytest.raises(TransitionRefused, match="replay"):
        services.draw_plan(actor=world.officer_a, plan=plan, seed="another")


def test_an_inspector_with_a_conflict_is_never_assigned_to_that_organisation(world):
    orgs = [organisation(world.district_a) for _ in range(40)]
    every_code = [o.uscc for o in orgs]
    pool = [{"name": "张明", "conflicts": every_code}, {"name": "李华"}, {"name": "王芳"}]
    plan = services.create_plan(actor=world.officer_a, area=world.district_a, year=2020, level="county", items=ITEMS,
                                inspectors=pool)
    plan = services.draw_plan(actor=world.officer_a, plan=plan, seed=SEED)
    assert all("张明" not in row["inspectors"] for row in plan.draw)


def test_a_draw_is_refused_when_conflicts_leave_fewer_than_two_inspectors(world):
    orgs = [organisation(world.district_a) for _ in range(5)]
    pool = [{"name": "张明", "conflicts": [o.uscc for o in orgs]}, {"name": "李华"}]
    plan = services.create_plan(actor=world.officer_a, area=world.district_a, year=2020, level="county", items=ITEMS,
                                inspectors=pool)
    with pytest.raises(TransitionRefused, match="without a conflict"):
        services.draw_plan(actor=world.officer_a, plan=plan, seed=SEED)


def test_anyone_replays_the_published_draw_on_the_public_page(world, web):
    _orgs, plan = _plan(world, n=10)
    services.draw_plan(actor=world.officer_a, plan=plan, seed=SEED)
    url = reverse("social_orgs:public-draw", args=[plan.pk])
    page = web().get(url, {"seed": SEED}).content.decode()
    assert plan.pools_hash in page and "复核结果与公布的抽取结果完全一致" in page
    assert "该种子不是抽取时使用的种子" in web().get(url, {"seed": "1234"}).content.decode()


def test_the_other_districts_officer_can_neither_freeze_nor_draw_a_plan_here(world):
    from core.exceptions import OutOfScope

    _orgs, plan = _plan(world, n=5)
    with pytest.raises(OutOfScope):
        services.create_plan(actor=world.officer_b, area=world.district_a, year=2021, level="county", items=ITEMS,
                             inspectors=[{"name": "甲"}, {"name": "乙"}])
    with pytest.raises(OutOfScope):
        services.draw_plan(actor=world.officer_b, plan=plan, seed=SEED)


def test_the_draw_is_exactly_the_published_formula_recomputed_by_hand():
    """What a member of the public re-implements from the docstring gives the same selection and teams."""
    import hashlib

    from social_orgs import draws

    pool = [[i, f"CODE{i:04d}"] for i in range(1, 301)]
    inspectors = [{"name": f"检查员{i}", "conflicts": [f"CODE{i:04d}"]} for i in range(1, 6)]
    seed, h = "2020-09-01 福彩3D 123", draws.pools_hash(["年报"], pool, inspectors)
    digest = hashlib.sha256(f"{seed}|{h}".encode()).hexdigest()

    def rank(text):
        return hashlib.sha256(f"{digest}|{text}".encode()).hexdigest()

    chosen = sorted(pool, key=lambda row: rank(row[1]))[:9]
    expected = [{"organisation": i, "uscc": code, "inspectors": sorted(
        [p["name"] for p in inspectors if code not in p["conflicts"]], key=lambda n: rank(f"{code}|{n}"))[:2]}
        for i, code in chosen]
    assert draws.draw(seed=seed, pools_hash_=h, org_pool=pool, inspector_pool=inspectors, size=9, per_task=2) == expected
