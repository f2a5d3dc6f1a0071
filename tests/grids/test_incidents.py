"""Incidents: filed and routed by the rules (never nowhere), handled within working days, every step
in the record, and the on-time counters."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.exceptions import TransitionRefused
from core.models import AuditEvent, Finding
from core.workdays import add_working_days
from grids import services
from grids.choices import ENDED_STATES, OnTime, State, UnitKind
from grids.models import Incident
from tests.factories import grids as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def street_unit(world):
    return services.save_handling_unit(actor=None, area=world.street_a, name="东风街道城管中队",
                                       kind=UnitKind.STREET)


def test_an_incident_is_routed_by_the_most_specific_rule_of_its_category(world, street_unit):
    district_unit = services.save_handling_unit(actor=None, area=world.district_a, name="区城管局",
                                                kind=UnitKind.DEPARTMENT)
    services.save_routing_rule(actor=None, category=f.category("garbage").parent, area=world.district_a,
                               unit=district_unit)
    services.save_routing_rule(actor=None, category=f.category("garbage"), area=world.street_a, unit=street_unit)
    incident = f.incident(world.grid_a)
    assert incident.state == State.ROUTED
    assert incident.unit == street_unit
    assert [e.to_state for e in incident.events.all()] == [State.FILED, State.ROUTED]
    other = f.incident(world.grid_a, code="littering")  # only the main category's rule fits
    assert other.unit == district_unit


def test_an_incident_no_rule_routes_goes_to_its_community_with_a_finding(world):
    incident = f.incident(world.grid_a)
    assert incident.state == State.ROUTED
    assert incident.unit.kind == UnitKind.COMMUNITY and incident.unit.area == world.community_a
    finding = Finding.objects.get(rule=services.UNROUTED_RULE, target_id=str(incident.pk))
    assert finding.area == world.community_a



def test_the_filing_audit_event_shows_the_routed_state_and_unit(world, street_unit):
    services.save_routing_rule(actor=None, category=f.category("garbage"), area=world.street_a, unit=street_unit)
    incident = f.incident(world.grid_a)
    event = AuditEvent.objects.get(action="grids.incident.file", target_id=str(incident.pk))
    assert event.changes["state"] == [None, State.ROUTED]
    assert event.changes["unit"] == [None, street_unit.pk]
    assert event.area == world.grid_a

def test_the_time_limit_is_counted_in_working_days(world):
    filed = timezone.make_aware(datetime.datetime(2020, 9, 30, 10, 0))  # before the National Day holiday
    incident = f.incident(world.grid_a, code="garbage", filed_at=filed)  # 3 working days
    assert incident.due_on == add_working_days(datetime.date(2020, 9, 30), 3)
    assert incident.due_on == datetime.date(2020, 10, 12)
    urgent = f.incident(world.grid_a, code="garbage", filed_at=filed, priority="urgent")
    assert urgent.due_on == datetime.date(2020, 10, 9)


def test_a_main_category_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.file_incident(actor=None, area=world.grid_a, source="resident",
                               category=f.category("environment"), description="x")
    assert "category" in exc.value.message_dict


def test_an_incident_is_filed_on_a_grid_only(world):
    with pytest.raises(ValidationError):
        f.incident(world.community_a)


def test_the_whole_track_and_the_counters(world):
    worker = world.worker_a
    incident = f.incident(world.grid_a, actor=worker)
    services.start_incident(actor=worker, incident=incident)
    with pytest.raises(ValidationError):
        services.resolve_incident(actor=worker, incident=incident, note=" ")
    services.resolve_incident(actor=worker, incident=incident, note="已清运")
    services.verify_incident(actor=worker, incident=incident, note="现场核实")
    closed = services.close_incident(actor=worker, incident=incident, satisfaction=5)
    assert closed.state == State.CLOSED and closed.closed_on == timezone.localdate()
    assert [e.to_state for e in closed.events.all()] == [State.FILED, State.ROUTED, State.IN_PROGRESS,
                                                       State.RESOLVED, State.VERIFIED, State.CLOSED]
    late = f.incident(world.grid_a, filed_at=timezone.now() - datetime.timedelta(days=40))
    services.mark_unable(actor=worker, incident=late, reason="产权不明，无法处置")
    pending = f.incident(world.grid_a)
    classes = dict(Incident.objects.with_on_time_class(timezone.localdate()).values_list("ref", "on_time_class"))
    assert classes[closed.ref] == OnTime.CLOSED_ON_TIME
    assert classes[late.ref] == OnTime.CLOSED_OVERDUE
    assert classes[pending.ref] == OnTime.PENDING_ON_TIME


def test_a_step_out_of_order_is_refused_with_the_reason(world):
    from django.utils import translation

    incident = f.incident(world.grid_a)
    with translation.override("en"), pytest.raises(TransitionRefused) as exc:
        services.close_incident(actor=world.worker_a, incident=incident)
    assert str(exc.value.reason) == "“Close” is not possible while the incident is “Routed”."
    incident.refresh_from_db()
    assert incident.state == State.ROUTED


def test_not_responsible_needs_a_reason_and_routes_again_elsewhere(world, street_unit):
    services.save_routing_rule(actor=None, category=f.category("garbage"), area=world.street_a, unit=street_unit)
    incident = f.incident(world.grid_a)
    with pytest.raises(ValidationError):
        services.not_responsible(actor=world.worker_a, incident=incident, reason="")
    again = services.not_responsible(actor=world.worker_a, incident=incident, reason="属物业管理区域")
    assert again.state == State.ROUTED and again.unit.kind == UnitKind.COMMUNITY
    assert again.events.last().note == "属物业管理区域"


def test_duplicate_points_at_another_incident_of_the_same_community(world):
    first = f.incident(world.grid_a)
    second = f.incident(world.grid_a)
    with pytest.raises(ValidationError):
        services.mark_duplicate(actor=world.worker_a, incident=second, of=second)
    dup = services.mark_duplicate(actor=world.worker_a, incident=second, of=first)
    assert dup.state == State.DUPLICATE and dup.duplicate_of == first and dup.state in ENDED_STATES


def test_a_closed_incident_is_reopened_on_complaint(world):
    incident = f.incident(world.grid_a)
    services.mark_unable(actor=world.worker_a, incident=incident, reason="无法联系当事人")
    with pytest.raises(ValidationError):
        services.reopen_incident(actor=world.worker_a, incident=incident, reason="")
    reopened = services.reopen_incident(actor=world.worker_a, incident=incident, reason="居民投诉未处理")
    assert reopened.state == State.IN_PROGRESS and reopened.reopened_count == 1 and reopened.closed_on is None


def test_the_other_districts_officer_cannot_touch_it(world):
    from core.exceptions import OutOfScope

    incident = f.incident(world.grid_a)
    with pytest.raises(OutOfScope):
        services.start_incident(actor=world.officer_b, incident=incident)
