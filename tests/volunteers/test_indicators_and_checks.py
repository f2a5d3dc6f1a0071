import datetime

import pytest
from django.utils import timezone

from core.models import Finding
from core.supervision import run_all
from reports.registry import autodiscover
from tests.factories import volunteers as vf
from volunteers import services
from volunteers.models import CorrectionRequest, ServiceHourRecord

pytestmark = pytest.mark.django_db


def test_indicators_are_registered_with_their_targets():
    registry = autodiscover()
    assert registry["volunteers.registered_share"].target.value == 25.3
    assert registry["volunteers.with_hours_share"].target.value == 51
    assert registry["volunteers.social_workers_per_mille"].target.value == 3.07


def test_each_indicator_measure_groups_by_area_in_one_query(world):
    from reports.periods import Period  # noqa: F401  (the engine's own period type)

    vf.volunteer(world.community_a)
    registry = autodiscover()

    class P:
        year, end = 2099, datetime.date(2099, 12, 31)

    for code, indicator in registry.items():
        if not code.startswith("volunteers."):
            continue
        qs = indicator.numerator.queryset(P)
        rows = list(qs.values(indicator.numerator.area_path).annotate(v=indicator.numerator.aggregate))
        assert isinstance(rows, list)
    registered = registry["volunteers.registered"].numerator
    rows = list(registered.queryset(P).values("area").annotate(v=registered.aggregate))
    assert rows == [{"area": world.community_a.pk, "v": 1}]


def test_late_corrections_and_old_unapproved_hours_raise_findings_and_close_when_fixed(world):
    manager = vf.manager_user(world.community_a)
    team = vf.team(world.community_a, manager=manager)
    vol = vf.volunteer(world.community_a, user=vf.volunteer_user())
    record = services.record_hours(actor=vf.recorder(team), volunteer=vol, team=team, hours=2,
                                   service_date=datetime.date(2024, 1, 1))
    old = timezone.now() - datetime.timedelta(days=40)
    ServiceHourRecord.objects.filter(pk=record.pk).update(recorded_at=old)
    correction = services.request_correction(actor=vol.user, record=record, requested_hours=3, reason="少记了")
    CorrectionRequest.objects.filter(pk=correction.pk).update(created_at=old)
    summary = run_all(only=["volunteers.correction_unanswered", "volunteers.hours_unapproved"])
    assert summary["volunteers.correction_unanswered"]["raised"] == 1
    assert summary["volunteers.hours_unapproved"]["raised"] == 1
    assert Finding.objects.filter(rule="volunteers.hours_unapproved", area=world.community_a, status="open").exists()
    services.answer_correction(actor=manager, correction=correction, accept=False, answer="经核实无误")
    services.approve_record(actor=manager, record=record)
    again = run_all(only=["volunteers.correction_unanswered", "volunteers.hours_unapproved"])
    assert again["volunteers.correction_unanswered"]["resolved"] == 1
    assert again["volunteers.hours_unapproved"]["resolved"] == 1
