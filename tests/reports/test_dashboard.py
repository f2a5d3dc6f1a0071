"""The indicator dashboard: scoped to the user's areas, cards that explain themselves, exports."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.models import AuditEvent
from reports import services
from reports.choices import RunStatus, RunTrigger
from reports.models import IndicatorValue, ReportRun
from tests.factories.reports import indicator_value, known_territory
from tests.scoped import Pages

URL = "/reports/"


class TestDashboardPage(Pages.List, Pages.Export):
    """The dashboard of district A shows its streets; officer B's (district B) does not."""

    list_url_name = "reports-dashboard"

    def make_object(self, world):
        self._district_value(world)
        return indicator_value(world.street_a, period="2020")

    @staticmethod
    def _district_value(world):
        ReportRun.objects.get_or_create(period="2020", trigger=RunTrigger.COMMAND, status=RunStatus.DONE)
        if not IndicatorValue.objects.filter(area=world.district_a, period="2020").exists():
            indicator_value(world.district_a, period="2020")

    def make_many(self, world, n):
        from tests.factories import make_area

        self._district_value(world)
        start = 100 + world.district_a.children.count()
        out = []
        for i in range(n):
            street = make_area(f"340302{start + i:03d}000", "township", world.district_a)
            out.append(indicator_value(street, period="2020"))
        return out

    def row_text(self, obj):
        return obj.area.code


@pytest.fixture
def computed(world):
    known_territory(world)
    services.run_now(actor=None, period="2020", trigger=RunTrigger.COMMAND)
    return world


@pytest.mark.django_db
class TestDashboard:
    def test_city_admin_sees_the_city_with_cards_and_its_districts(self, computed, web):
        body = web(computed.city_admin).get(URL, {"period": "2020"}).content.decode()
        assert "蚌埠市" in body and 'id="indicator-cards"' in body
        assert "Resident population" in body and "6,000" in body
        assert "340302000000" in body and "340303000000" in body  # the children table and chart data

    def test_each_value_explains_itself(self, computed, web):
        body = web(computed.city_admin).get(URL, {"area": "340300000000", "period": "2020"}).content.decode()
        assert "2 / 2" in body  # grids per urban community: 2 grids / 2 urban communities
        assert "computed" in body

    def test_district_officer_sees_their_district_and_gets_404_for_the_other(self, computed, web):
        client = web(computed.officer_a)
        mine = client.get(URL)
        assert mine.status_code == 200
        assert "龙子湖区" in mine.content.decode() and "340303000000" not in mine.content.decode()
        assert client.get(URL, {"area": "340302001001"}).status_code == 200
        assert client.get(URL, {"area": "340303000000"}).status_code == 404
        assert client.get(URL, {"area": "340303001001"}).status_code == 404
        assert client.get(URL, {"area": "340300000000"}).status_code == 404
        assert client.get(URL, {"area": "340303000000", "export": "xlsx"}).status_code == 404

    def test_breadcrumbs_show_only_areas_in_scope(self, computed, web):
        body = web(computed.officer_a).get(URL, {"area": "340302001001"}).content.decode()
        assert "龙子湖区" in body and "蚌埠市" not in body

    def test_an_unknown_period_falls_back_with_a_message(self, computed, web):
        body = web(computed.city_admin).get(URL, {"period": "2020Q9"}).content.decode()
        assert "Unknown period" in body

    def test_a_period_without_values_says_so(self, computed, web):
        body = web(computed.city_admin).get(URL, {"period": "2019"}).content.decode()
        assert "No indicator values for 2019 yet." in body

    def test_xlsx_export_has_the_area_and_its_children_and_is_audited(self, computed, web):
        response = web(computed.officer_a).get(URL, {"area": "340302000000", "period": "2020", "export": "xlsx"})
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        table = list(sheet.iter_rows(values_only=True))
        assert table[0][:3] == ("Division code", "Area", "Period")
        codes = {row[0] for row in table[1:]}
        assert codes == {"340302000000", "340302001000"}
        resident = next(r for r in table if r[0] == "340302000000" and r[3] == "territory.resident_population")
        assert resident[5] == 1000
        event = AuditEvent.objects.get(actor=computed.officer_a, action="core.export")
        assert event.changes["rows"][1] == len(table) - 1

    def test_csv_export_streams_the_same_table(self, computed, web):
        response = web(computed.city_admin).get(URL, {"export": "csv", "period": "2020"})
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        assert "territory.grids" in text and "340303000000" in text

    def test_city_admin_recomputes_from_the_dashboard(self, computed, web, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = web(computed.city_admin).post(reverse("reports-run"), {"period": "2020",
                                                                               "area": "340300000000"})
        assert response.status_code == 302 and "area=340300000000" in response["Location"]
        assert ReportRun.objects.filter(trigger=RunTrigger.DASHBOARD, status=RunStatus.DONE).exists()

    def test_a_district_officer_cannot_start_a_run(self, computed, web):
        assert "run-form" not in web(computed.officer_a).get(URL).content.decode()
        assert web(computed.officer_a).post(reverse("reports-run"), {"period": "2020"}).status_code == 403

    def test_the_dashboard_is_in_the_navigation(self, computed, web):
        assert 'href="/reports/"' in web(computed.worker_a).get("/").content.decode()

    def test_the_dashboard_reads_a_constant_number_of_queries(self, computed, web, django_assert_max_num_queries):
        client = web(computed.city_admin)
        client.get(URL)
        with django_assert_max_num_queries(12):
            client.get(URL, {"area": "340300000000", "period": "2020"})


@pytest.mark.django_db
def test_the_admin_lists_values_within_the_officers_district_only(computed, web):
    body = web(computed.officer_a).get(reverse("admin:reports_indicatorvalue_changelist"),
                                       {"q": "3403"}).content.decode()
    assert "340302" in body or "龙子湖区" in body
    assert "蚌山区" not in body
    other = IndicatorValue.objects.filter(area__code="340303000000").first()
    assert web(computed.officer_a).get(
        reverse("admin:reports_indicatorvalue_change", args=[other.pk])).status_code == 404


@pytest.mark.django_db
def test_a_new_run_shows_new_values_on_a_cached_dashboard(computed, web):
    from tests.factories import population

    client = web(computed.city_admin)
    assert "6,000" in client.get(URL, {"area": "340300000000", "period": "2020"}).content.decode()
    population(computed.district_a, 2020, resident=500, registered=500)
    assert "6,000" in client.get(URL, {"area": "340300000000", "period": "2020"}).content.decode()
    services.run_now(actor=None, period="2020", trigger=RunTrigger.COMMAND)
    assert "6,500" in client.get(URL, {"area": "340300000000", "period": "2020"}).content.decode()


@pytest.mark.django_db
def test_a_district_officer_picks_among_their_district_and_its_streets(computed, web):
    body = web(computed.officer_a).get(URL).content.decode()
    picker = body[body.index('id="id_area"'):body.index("</select>")]
    assert 'value="340302000000"' in picker and 'value="340302001000"' in picker
    assert "340303" not in picker


@pytest.mark.django_db
def test_cards_show_the_target_and_whether_it_is_met(computed, web, monkeypatch):
    from reports import registry
    from reports.periods import Period
    from tests.reports.test_aggregation import URBAN_SHARE

    monkeypatch.setitem(registry.REGISTRY, URBAN_SHARE.code, URBAN_SHARE)
    services.aggregate(period=Period.parse("2020"), indicators=[URBAN_SHARE])
    city = web(computed.city_admin).get(URL, {"area": "340300000000", "period": "2020"}).content.decode()
    card = city[city.index('data-code="test.urban_share"'):]
    card = card[:card.index("</div>\n    </div>")]
    assert "66.67%" in card and "&gt;= 50" in card and "not met" not in card and "met</span>" in card
    town = web(computed.city_admin).get(URL, {"area": "340303101000", "period": "2020"}).content.decode()
    assert "not met" in town[town.index('data-code="test.urban_share"'):]
