"""Odd but well-formed requests to the governance API are refused with 400 and a message, never a 500."""

import datetime

import pytest
from django.urls import reverse

from governance import services
from governance.choices import DisputeType

DISPUTES = "api:governance-dispute-list"


@pytest.fixture
def dispute(world):
    return services.register_dispute(actor=None, area=world.community_a, parties="甲、乙",
                                     dispute_type=DisputeType.NEIGHBOUR, mediator="调解员",
                                     received_on=datetime.date(2020, 3, 1))


@pytest.mark.parametrize("year", ["-1", "0", "0.0", "10000", "99999999999999999999", "1e400", "2020.5", "NaN"])
def test_a_year_out_of_range_on_the_disputes_list_is_refused_with_a_message(api, world, dispute, year):
    response = api(world.officer_a).get(reverse(DISPUTES), {"year": year})
    assert response.status_code == 400
    assert "year" in response.json()["error"]["fields"]


@pytest.mark.parametrize("year", ["2020", "2020.0", " 2020"])
def test_a_year_in_range_filters_the_disputes_list(api, world, dispute, year):
    response = api(world.officer_a).get(reverse(DISPUTES), {"year": year})
    assert response.status_code == 200 and [d["id"] for d in response.json()["results"]] == [dispute.pk]
    assert api(world.officer_a).get(reverse(DISPUTES), {"year": "2021"}).json()["results"] == []


def test_the_schema_states_the_year_range(api, world):
    schema = api(world.officer_a).get("/api/schema/", {"format": "json"}).json()
    year = next(p for p in schema["paths"]["/api/v1/governance/disputes/"]["get"]["parameters"] if p["name"] == "year")
    assert year["schema"]["type"] == "integer"
    assert year["schema"]["minimum"] >= 1 and year["schema"]["maximum"] <= 9999


def test_a_dispute_is_registered_to_a_community_not_a_street_or_district(api, world):
    body = {"parties": "甲、乙", "dispute_type": "neighbour", "mediator": "调解员", "received_on": "2020-03-01"}
    for area in (world.district_a, world.street_a):
        response = api(world.officer_a).post(reverse(DISPUTES), {**body, "area": area.code}, format="json")
        assert response.status_code == 400 and "area" in response.json()["error"]["fields"]
    assert api(world.officer_a).post(reverse(DISPUTES), {**body, "area": world.community_a.code},
                                     format="json").status_code == 201


def test_a_dispute_is_not_resolved_before_it_was_received(api, world, dispute):
    client = api(world.officer_a)
    created = client.post(reverse(DISPUTES), {"area": world.community_a.code, "parties": "甲、乙", "mediator": "调解员",
                                              "dispute_type": "neighbour", "received_on": "2020-03-01",
                                              "outcome": "resolved", "resolved_on": "2020-02-28"}, format="json")
    assert created.status_code == 400 and "resolved_on" in created.json()["error"]["fields"]
    patched = client.patch(reverse("api:governance-dispute-detail", args=[dispute.pk]),
                           {"outcome": "resolved", "resolved_on": "0001-01-01"}, format="json")
    assert patched.status_code == 400 and "resolved_on" in patched.json()["error"]["fields"]


@pytest.mark.parametrize("path", ["/api/v1/governance/disputes/{id}/", "/api/v1/governance/community-settings/{id}/"])
def test_the_schema_says_the_area_cannot_be_changed_by_an_update(api, world, path):
    schema = api(world.officer_a).get("/api/schema/", {"format": "json"}).json()
    body = schema["paths"][path]["patch"]["requestBody"]["content"]["application/json"]["schema"]
    assert "area" not in schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[-1]]["properties"]
