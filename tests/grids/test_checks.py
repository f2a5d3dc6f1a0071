"""The grids' supervision checks: each raises a finding for the record that breaks its rule now, and
closes it when the rule holds again (running twice changes nothing)."""

import datetime

import pytest

from core import supervision
from core.models import Finding
from core.workdays import add_working_days
from grids import services
from tests.factories import grids as f

pytestmark = pytest.mark.django_db


def findings(rule):
    return Finding.objects.filter(rule=rule, status="open")


def test_a_window_request_past_its_target_date_is_raised_until_the_resident_is_told(world):
    req = f.window_request(world.community_a)  # with the back office, target within the item's limit
    on_time = f.window_request(world.community_a, on_the_spot=True)
    supervision.run_all(today=req.target_date, only=["grids.window_overdue"])
    assert not findings("grids.window_overdue").exists()
    late = req.target_date + datetime.timedelta(days=1)
    supervision.run_all(today=late, only=["grids.window_overdue"])
    supervision.run_all(today=late, only=["grids.window_overdue"])
    assert list(findings("grids.window_overdue").values_list("target_id", flat=True)) == [str(req.pk)]
    assert str(on_time.pk) not in findings("grids.window_overdue").values_list("target_id", flat=True)
    services.complete_window_request(actor=None, window_request=req, result="已办结")
    services.notify_resident(actor=None, window_request=req, channel="phone")
    supervision.run_all(today=late, only=["grids.window_overdue"])
    assert not findings("grids.window_overdue").exists()


def test_an_admission_request_undecided_after_15_working_days_is_raised_until_decided(world):
    applied = datetime.date(2020, 3, 2)
    req = services.apply_for_admission(actor=None, area=world.district_a, department="区城管局", title="门前三包检查",
                                       legal_basis="《蚌埠市市容管理条例》", starts_on=add_working_days(applied, 40),
                                       applied_on=applied)
    assert req.decide_by == add_working_days(applied, 15)
    supervision.run_all(today=req.decide_by, only=["grids.admission_undecided"])
    assert not findings("grids.admission_undecided").exists()
    supervision.run_all(today=req.decide_by + datetime.timedelta(days=1), only=["grids.admission_undecided"])
    finding = findings("grids.admission_undecided").get()
    assert finding.target_id == str(req.pk) and "门前三包检查" in finding.title
    services.decide_admission(actor=None, admission=req, admit=False, note="属部门职责，不予准入")
    supervision.run_all(today=req.decide_by + datetime.timedelta(days=2), only=["grids.admission_undecided"])
    assert not findings("grids.admission_undecided").exists()


def test_an_incident_past_its_time_limit_is_raised_with_its_community(world):
    incident = f.incident(world.grid_a)
    supervision.run_all(today=incident.due_on, only=["grids.incident_overdue"])
    assert not findings("grids.incident_overdue").exists()
    supervision.run_all(today=incident.due_on + datetime.timedelta(days=1), only=["grids.incident_overdue"])
    finding = findings("grids.incident_overdue").get()
    assert (finding.target_id, finding.area) == (str(incident.pk), world.community_a)
