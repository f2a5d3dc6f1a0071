"""One within-area filter for every list: a code, a code prefix or an area name, within one's scope."""

import pytest
from django.urls import reverse

from tests.factories import volunteers as vf


@pytest.fixture
def teams(world):
    return {
        "community_a": vf.team(world.community_a, name="和平社区志愿队"),
        "street_a": vf.team(world.street_a, name="东风街道志愿队"),
        "district_a": vf.team(world.district_a, name="龙子湖区志愿队"),
        "community_b": vf.team(world.community_b, name="胜利社区志愿队"),
    }


def _names(client, area):
    response = client.get(reverse("api:volunteers-team-list"), {"area": area})
    assert response.status_code == 200, response.content
    return sorted(row["name"] for row in response.json()["results"])


@pytest.mark.django_db
def test_a_code_selects_the_area_and_everything_below_it(world, api, teams):
    assert _names(api(world.city_admin), world.street_a.code) == ["东风街道志愿队", "和平社区志愿队"]


@pytest.mark.django_db
def test_a_code_prefix_selects_every_area_whose_code_starts_with_it(world, api, teams):
    assert _names(api(world.city_admin), "340302001") == ["东风街道志愿队", "和平社区志愿队"]
    assert _names(api(world.city_admin), "340303") == ["胜利社区志愿队"]


@pytest.mark.django_db
def test_an_exact_area_name_selects_that_area(world, api, teams):
    assert _names(api(world.officer_a), "东风街道") == ["东风街道志愿队", "和平社区志愿队"]


@pytest.mark.django_db
def test_part_of_an_area_name_selects_the_areas_whose_name_contains_it(world, api, teams):
    assert _names(api(world.officer_a), "龙子湖") == ["东风街道志愿队", "和平社区志愿队", "龙子湖区志愿队"]


@pytest.mark.django_db
def test_the_name_of_an_area_outside_ones_scope_finds_nothing_without_an_error(world, api, teams):
    assert _names(api(world.officer_a), "胜利社区") == []
    assert _names(api(world.officer_a), world.community_b.code) == []


@pytest.mark.django_db
def test_the_same_filter_serves_governance_and_the_area_list(world, api):
    from tests.factories import governance as gf

    gf.raise_matter(world.community_a, title="修路")
    gf.raise_matter(world.community_b, title="修桥")
    matters = api(world.city_admin).get(reverse("api:governance-matter-list"), {"area": "和平"}).json()["results"]
    assert [m["title"] for m in matters] == ["修路"]
    areas = api(world.officer_a).get(reverse("api:area-list"), {"within": "东风街道"}).json()["results"]
    assert sorted(a["code"] for a in areas) == sorted([world.street_a.code, world.community_a.code,
                                                      world.grid_a.code])
