"""Rescue stations and their staff (救助管理站): the station is an organisation at a county (or the city), its
staff hold the rescue_staff role at the station's area, and they see and act on only the cases their own
station handed over, whatever the children's home areas (least privilege for minors' data): any other case,
and every child record, is a 404 for them. The home village's child director accepts with the receipt.

The persona matrices (tests/scoped.py) run the rescue routes again with station A's staff in scope and
station B's staff out of scope; the child is from district B, so a grant read as "cases of children living
in my area" would fail them."""

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from child_care import services
from child_care.models import RescueCase, RescueStation
from core.choices import Role
from core.exceptions import OutOfScope
from core.models import AuditEvent
from core.recorded import create_recorded
from tests.child_care.conftest import ChildCarePersonas, ProtectedExport
from tests.factories import staff
from tests.factories.child_care import named_child
from tests.scoped import API, Pages

_names = itertools.cycle(f"{a}{b}{c}" for a in "韩冯邓曹彭曾肖田董袁" for b in "青山绿水白云红日" for c in "甲乙丙丁戊己庚辛壬癸")


def _id(person):
    return str(person.id_number.reveal_unchecked())


def _station(name, area):
    return create_recorded(RescueStation, {"name": name, "area": area}, actor=None,
                           action="child_care.rescuestation.create")


@pytest.fixture
def stations(world):
    class Stations:
        a = _station("龙子湖区救助管理站", world.district_a)
        b = _station("蚌山区救助管理站", world.district_b)
        city = _station("蚌埠市救助管理站", world.city)
        staff_a = staff("station_a", Role.RESCUE_STAFF, world.district_a)
        staff_b = staff("station_b", Role.RESCUE_STAFF, world.district_b)
        staff_city = staff("station_city", Role.RESCUE_STAFF, world.city)

    world.station_a, world.station_b = Stations.staff_a, Stations.staff_b
    world.stations = Stations
    return Stations


def handed_over(world, station, home=None, by=None):
    """A child of ``home`` (B's village by default: far from station A) handed over by ``station``."""
    kid = named_child(home or world.village_b, next(_names), datetime.date(2011, 1, 1))
    return services.hand_over_rescue(actor=by, id_number=_id(kid), rescue_station=station,
                                     found_on=datetime.date(2024, 5, 1), found_place="蚌埠火车站")


class StationPersonas(ChildCarePersonas):
    """Station A's staff in scope, station B's staff out of scope, a user with no role refused."""

    in_scope_persona = "station_a"
    out_of_scope_persona = "station_b"

    @pytest.fixture(autouse=True)
    def _stations(self, world, stations):
        pass

    def make_object(self, world):
        return handed_over(world, world.stations.a)

    def row_text(self, obj):
        return obj.person.name


class TestStationRescuePages(StationPersonas, Pages.List, Pages.Detail, ProtectedExport, Pages.Export):
    list_url_name = "child_care:rescue-list"
    detail_url_name = "child_care:rescue-detail"


class TestStationRescueAPI(StationPersonas, API.List, API.Detail, API.Create):
    basename = "child_care-rescue"

    def create_payload(self, world):
        kid = named_child(world.village_b, next(_names), datetime.date(2011, 1, 1))
        return {"id_number": _id(kid), "rescue_station": world.stations.a.pk, "found_on": "2024-05-01"}


class _StationFollowUp(StationPersonas):
    def make_object(self, world):
        case = handed_over(world, world.stations.a)
        services.accept_rescue(actor=None, case=case)
        return case.follow_ups.first()


class TestStationFollowUpPage(_StationFollowUp, Pages.Action):
    action_url_name = "child_care:follow-up-record"

    def action_payload(self, world, obj):
        return {"done_on": datetime.date.today().isoformat(), "findings": "救助站电话回访：已返校"}


class TestStationFollowUpAPI(_StationFollowUp, API.List, API.Detail, API.Transition):
    basename = "child_care-followup"
    transition = "record"

    def transition_payload(self, world, obj):
        return {"done_on": datetime.date.today().isoformat(), "findings": "已返校"}


@pytest.mark.django_db
class TestTheStationSeesOnlyItsOwnCases:
    def test_a_staffer_sees_the_case_the_station_handed_over_and_404_for_everything_else(self, world, cc, stations,
                                                                                          web):
        mine = handed_over(world, stations.a, by=stations.staff_a)
        theirs = handed_over(world, stations.b)
        # A child of the staffer's own district, handed over on a director's paper slip: not the station's case.
        kid_a = named_child(world.community_a, "郑小北", datetime.date(2012, 2, 2))
        slip = services.hand_over_rescue(actor=cc.director_a, id_number=_id(kid_a), station="龙子湖区救助管理站",
                                         found_on=datetime.date(2024, 5, 1))
        client = web(stations.staff_a)
        listed = client.get(reverse("child_care:rescue-list")).content.decode()
        assert mine.person.name in listed
        assert theirs.person.name not in listed and "郑小北" not in listed
        page = client.get(reverse("child_care:rescue-detail", args=[mine.pk]))
        assert page.status_code == 200 and mine.person.name in page.content.decode()
        assert mine.person.get_absolute_url() not in page.content.decode()  # no link to a record they may not open
        assert reverse("child_care:rescue-accept", args=[mine.pk]) not in page.content.decode()
        # The station's read is a read of the child's data: in the audit log like anyone's.
        assert AuditEvent.objects.filter(actor=stations.staff_a, action="core.read",
                                         target_type="child_care.rescuecase", target_id=str(mine.pk)).exists()
        assert client.get(reverse("child_care:rescue-detail", args=[theirs.pk])).status_code == 404
        assert client.get(reverse("child_care:rescue-detail", args=[slip.pk])).status_code == 404
        # Child records: neither the child the station handed over nor any child of the district.
        assert client.get(mine.person.get_absolute_url()).status_code in (403, 404)
        assert client.get(kid_a.get_absolute_url()).status_code in (403, 404)
        assert client.get(reverse("child_care:person-list")).status_code == 403
        # The director of A's community still finds the slip, and only the slip's child of the three is theirs.
        director = web(cc.director_a).get(reverse("child_care:rescue-list")).content.decode()
        assert "郑小北" in director and mine.person.name not in director

    def test_the_staffer_s_home_page_leads_to_the_station_s_cases(self, world, stations, web):
        page = web(stations.staff_a).get("/")
        assert page.status_code == 200 and reverse("child_care:rescue-list") in page.content.decode()
        assert reverse("child_care:person-list") not in page.content.decode()

    def test_the_city_station_does_not_see_the_district_stations_cases(self, world, stations):
        county_case = handed_over(world, stations.a)
        city_case = handed_over(world, stations.city)
        seen = set(RescueCase.objects.restrict(stations.staff_city).values_list("pk", flat=True))
        assert seen == {city_case.pk}
        assert county_case.pk in set(RescueCase.objects.restrict(stations.staff_a).values_list("pk", flat=True))

    def test_a_director_who_also_works_at_the_station_keeps_the_village_scope(self, world, cc, stations):
        from tests.factories import grant

        grant(cc.director_a, Role.RESCUE_STAFF, world.district_a)
        from core.scope import forget_scope

        forget_scope(cc.director_a)
        village_case = handed_over(world, stations.b, home=world.community_a)
        station_case = handed_over(world, stations.a)
        other = handed_over(world, stations.b)
        seen = set(RescueCase.objects.restrict(cc.director_a).values_list("pk", flat=True))
        assert seen == {village_case.pk, station_case.pk}
        assert other.pk not in seen


@pytest.mark.django_db
class TestHandoverAndAcceptance:
    def test_the_station_hands_over_the_director_accepts_and_the_station_follows_up(self, world, cc, stations, web):
        kid = named_child(world.community_a, "冯小雨", datetime.date(2012, 6, 1))
        staffer = web(stations.staff_a)
        form = staffer.get(reverse("child_care:rescue-create")).content.decode()
        assert "龙子湖区救助管理站" in form and "蚌山区救助管理站" not in form  # only their own station
        response = staffer.post(reverse("child_care:rescue-create"), {
            "rescue_station": stations.a.pk, "id_number": _id(kid), "found_on": "2024-05-01",
            "found_place": "蚌埠火车站"})
        assert response.status_code == 302, response.content[:500]
        case = RescueCase.objects.get(person=kid)
        assert case.rescue_station == stations.a and case.station == "龙子湖区救助管理站"
        assert case.handed_over_by == stations.staff_a and case.area == world.community_a
        # Only the home village's director accepts: the station may not.
        assert staffer.post(reverse("child_care:rescue-accept", args=[case.pk]), {}).status_code in (403, 404)
        with pytest.raises(OutOfScope):
            services.accept_rescue(actor=stations.staff_a, case=case)
        case.refresh_from_db()
        assert case.status == "handed_over"
        accepted = web(cc.director_a).post(reverse("child_care:rescue-accept", args=[case.pk]), {"receipt": "JS-7"})
        assert accepted.status_code == 302
        case.refresh_from_db()
        assert case.status == "accepted" and case.receipt == "JS-7" and case.accepted_by == cc.director_a
        follow_up = case.follow_ups.order_by("due_on").first()
        done = staffer.post(reverse("child_care:follow-up-record", args=[follow_up.pk]),
                            {"done_on": datetime.date.today().isoformat(), "findings": "电话回访：已返校"})
        assert done.status_code == 302
        follow_up.refresh_from_db()
        assert follow_up.findings == "电话回访：已返校" and follow_up.recorded_by == stations.staff_a
        # Station B's staff cannot record the next one: the case does not exist for them.
        nxt = case.follow_ups.filter(done_on__isnull=True).first()
        assert web(stations.staff_b).post(reverse("child_care:follow-up-record", args=[nxt.pk]), {
            "done_on": datetime.date.today().isoformat(), "findings": "x"}).status_code == 404

    def test_a_staffer_cannot_hand_over_for_another_station_and_the_refusal_keeps_the_input(self, world, stations,
                                                                                             web):
        kid = named_child(world.village_b, "曹小川", datetime.date(2012, 6, 1))
        with pytest.raises(ValidationError) as refused:
            services.hand_over_rescue(actor=stations.staff_a, id_number=_id(kid), rescue_station=stations.b,
                                      found_on=datetime.date(2024, 5, 1))
        assert "rescue_station" in refused.value.message_dict
        response = web(stations.staff_a).post(reverse("child_care:rescue-create"), {
            "rescue_station": stations.b.pk, "id_number": _id(kid), "found_on": "2024-05-01",
            "found_place": "淮河大桥下"})
        assert response.status_code == 400 and "淮河大桥下" in response.content.decode()
        assert not RescueCase.objects.filter(person=kid).exists()

    def test_an_unknown_child_or_a_bad_id_is_refused(self, world, stations):
        from tests.factories import id_number

        with pytest.raises(ValidationError) as unknown:
            services.hand_over_rescue(actor=stations.staff_a, id_number=id_number("340302", datetime.date(2012, 1, 1)),
                                      rescue_station=stations.a, found_on=datetime.date(2024, 5, 1))
        assert "id_number" in unknown.value.message_dict
        with pytest.raises(ValidationError):
            services.hand_over_rescue(actor=stations.staff_a, id_number="340302201201011234",
                                      rescue_station=stations.a, found_on=datetime.date(2024, 5, 1))
        assert not RescueCase.objects.exists()

    def test_without_a_station_the_staffer_is_refused_as_for_any_unknown_child(self, world, stations):
        kid = named_child(world.community_a, "彭小海", datetime.date(2012, 6, 1))
        with pytest.raises(ValidationError):
            services.hand_over_rescue(actor=stations.staff_a, id_number=_id(kid), station="龙子湖区救助管理站",
                                      found_on=datetime.date(2024, 5, 1))
        assert not RescueCase.objects.exists()


@pytest.mark.django_db
def test_a_station_lies_at_the_city_or_a_county_and_its_creation_is_audited(world):
    with pytest.raises(ValidationError) as refused:
        _station("东风街道救助点", world.street_a)
    assert "area" in refused.value.message_dict
    station = _station("龙子湖区救助管理站", world.district_a)
    assert AuditEvent.objects.filter(action="child_care.rescuestation.create", target_id=str(station.pk)).exists()
