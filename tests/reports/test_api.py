"""The indicators API: definitions, scoped values with descendants, runs; bad input is a 400 with the reason."""

import pytest
from django.urls import reverse

from core.models import AuditEvent
from reports import services
from reports.choices import RunStatus, RunTrigger
from reports.models import ReportRun
from tests.factories.reports import indicator_value, known_territory
from tests.scoped import API

VALUES = "/api/v1/indicators/values/"


class TestIndicatorValueAPI(API.ReadOnly):
    basename = "reports-value"
    list_filter_params = {"indicator": "territory.grids"}

    def make_object(self, world):
        return indicator_value(world.street_a)


@pytest.fixture
def computed(world):
    known_territory(world)
    services.run_now(actor=None, period="2020", trigger=RunTrigger.COMMAND)
    return world


def rows(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.mark.django_db
class TestValues:
    def test_definitions_list_every_registered_indicator_with_unit_and_target(self, world, api):
        data = api(world.officer_a).get("/api/v1/indicators/").json()
        by_code = {d["code"]: d for d in data}
        assert by_code["territory.grids"]["unit"] == "count"
        assert by_code["territory.grids"]["lowest_level"] == "community"
        assert by_code["territory.grids_per_urban_community"]["has_denominator"] is True
        assert api(world.officer_a).get("/api/v1/indicators/territory.grids/").json()["code"] == "territory.grids"
        assert api(world.officer_a).get("/api/v1/indicators/no.such/").status_code == 404

    def test_definitions_need_a_role(self, world, api):
        assert api(world.outsider).get("/api/v1/indicators/").status_code == 403
        assert api().get("/api/v1/indicators/").status_code == 401

    def test_values_of_one_area_and_of_its_descendants(self, computed, api):
        client = api(computed.officer_a)
        own = rows(client.get(VALUES, {"indicator": "territory.grids", "area": "340302000000", "period": "2020"}))
        assert [(r["area"], r["value"]) for r in own] == [("340302000000", "2.0000")]
        below = rows(client.get(VALUES, {"indicator": "territory.grids", "area": "340302000000", "period": "2020",
                                         "descendants": "1"}))
        assert {r["area"] for r in below} == {"340302000000", "340302001000", "340302001001"}

    def test_district_officer_gets_404_for_the_other_district(self, computed, api):
        response = api(computed.officer_a).get(VALUES, {"area": "340303000000"})
        assert response.status_code == 404
        everything = rows(api(computed.officer_a).get(VALUES, {"page_size": 1000}))
        assert everything and all(r["area"].startswith("340302") for r in everything)
        other = IndicatorValueOf(computed, "340303000000")
        assert api(computed.officer_a).get(f"{VALUES}{other.pk}/").status_code == 404

    def test_city_values_are_not_visible_to_a_district_officer(self, computed, api):
        assert api(computed.officer_a).get(VALUES, {"area": "340300000000"}).status_code == 404

    @pytest.mark.parametrize("params, field, reason", [
        ({"indicator": "volunteers.nope"}, "indicator", "Unknown indicator: volunteers.nope"),
        ({"area": "349999000000"}, "area", "Unknown area: 349999000000"),
        ({"period": "2020Q5"}, "period", "Unknown period"),
    ])
    def test_unknown_indicator_area_or_period_is_a_400_with_the_reason(self, computed, api, params, field, reason):
        response = api(computed.officer_a).get(VALUES, params)
        assert response.status_code == 400
        error = response.json()["error"]
        assert reason in error["fields"][field][0]
        assert reason in error["message"]

    def test_a_value_without_a_denominator_says_why(self, computed, api):
        from tests.factories import make_area

        make_area("340302002000", "township", computed.district_a, "空街道")
        services.run_now(actor=None, period="2020", trigger=RunTrigger.COMMAND)
        row = rows(api(computed.officer_a).get(VALUES, {"indicator": "territory.grids_per_urban_community",
                                                        "area": "340302002000", "period": "2020"}))[0]
        assert row["value"] is None
        assert row["note"] == "no urban community recorded in 340302002"


def IndicatorValueOf(world, code):
    from reports.models import IndicatorValue

    return IndicatorValue.objects.filter(area__code=code).first()


@pytest.mark.django_db
class TestRuns:
    def test_city_admin_starts_a_run_and_follows_it(self, world, api, django_capture_on_commit_callbacks):
        client = api(world.city_admin)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/api/v1/indicators/runs/", {"period": "2020"}, format="json")
        assert response.status_code == 202, response.content
        run_id = response.json()["id"]
        detail = client.get(f"/api/v1/indicators/runs/{run_id}/").json()
        assert detail["status"] == RunStatus.DONE
        assert detail["values_written"] > 0
        assert AuditEvent.objects.filter(actor=world.city_admin, action="reports.run.request").exists()

    def test_a_district_officer_cannot_start_or_see_runs(self, world, api):
        client = api(world.officer_a)
        assert client.post("/api/v1/indicators/runs/", {"period": "2020"}, format="json").status_code == 403
        run = services.run_now(actor=None, period="2020", trigger=RunTrigger.COMMAND)
        assert client.get(f"/api/v1/indicators/runs/{run.pk}/").status_code == 403
        assert not ReportRun.objects.filter(trigger=RunTrigger.API).exists()

    def test_an_unknown_period_is_a_400(self, world, api):
        response = api(world.city_admin).post("/api/v1/indicators/runs/", {"period": "last year"}, format="json")
        assert response.status_code == 400
        assert "Unknown period" in response.json()["error"]["message"]
        assert not ReportRun.objects.exists()

    def test_the_auditor_sees_runs(self, world, api):
        run = services.run_now(actor=None, period="2020", trigger=RunTrigger.COMMAND)
        assert api(world.auditor).get(reverse("api:reports-run-detail", args=[run.pk])).status_code == 200
