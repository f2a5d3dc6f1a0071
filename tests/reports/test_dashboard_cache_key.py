"""An indicator restricted to narrower roles never leaks through the dashboard's shared cache."""

import pytest
from django.db.models import Count

from core.models import Area
from reports.choices import RunStatus, RunTrigger
from reports.models import ReportRun
from reports.registry import REGISTRY, Indicator, Measure, Unit
from tests.factories.reports import indicator_value

URL = "/reports/"
CODE = "test.children_in_care"
# Held by the city administrator, not by the auditor: both see indicator values city-wide.
PERMISSION = "core.reveal_personal_data"


@pytest.fixture
def restricted(world):
    REGISTRY[CODE] = Indicator(
        code=CODE, name="Children in care", unit=Unit.COUNT, permission=PERMISSION,
        numerator=Measure(lambda period: Area.objects.none(), area_path="id", aggregate=Count("id")),
    )
    ReportRun.objects.create(period="2020", trigger=RunTrigger.COMMAND, status=RunStatus.DONE)
    indicator_value(world.city, indicator="territory.grids", period="2020", value=7)
    indicator_value(world.city, indicator=CODE, period="2020", value=4321)
    indicator_value(world.district_a, indicator=CODE, period="2020", value=4320)
    yield world
    del REGISTRY[CODE]


@pytest.mark.django_db
class TestRestrictedIndicator:
    def test_two_users_of_the_same_area_and_period_see_different_fragments(self, restricted, web):
        params = {"area": restricted.city.code, "period": "2020"}
        allowed = web(restricted.city_admin).get(URL, params).content.decode()
        assert "Children in care" in allowed and "4,321" in allowed
        # The same area, period and run: the fragment the administrator filled is not the auditor's.
        denied = web(restricted.auditor).get(URL, params).content.decode()
        assert 'id="indicator-cards"' in denied and "Grids" in denied
        assert "Children in care" not in denied and "4,321" not in denied and "4,320" not in denied

    def test_in_the_other_order_the_holder_still_sees_it(self, restricted, web):
        params = {"area": restricted.city.code, "period": "2020"}
        assert "Children in care" not in web(restricted.auditor).get(URL, params).content.decode()
        assert "Children in care" in web(restricted.city_admin).get(URL, params).content.decode()

    def test_the_export_and_the_api_leave_it_out_too(self, restricted, web, api):
        params = {"area": restricted.city.code, "period": "2020", "export": "csv"}
        csv = b"".join(web(restricted.auditor).get(URL, params).streaming_content).decode()
        assert "Grids" in csv and CODE not in csv
        assert CODE in b"".join(web(restricted.city_admin).get(URL, params).streaming_content).decode()
        rows = api(restricted.auditor).get("/api/v1/indicators/values/", {"period": "2020"}).json()["results"]
        assert rows and CODE not in {r["indicator"] for r in rows}
        rows = api(restricted.city_admin).get("/api/v1/indicators/values/", {"period": "2020"}).json()["results"]
        assert CODE in {r["indicator"] for r in rows}
