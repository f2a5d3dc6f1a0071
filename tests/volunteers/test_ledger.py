"""The hours ledger: only the organising team records, its manager approves, approved records are
final and chained, totals and stars follow, corrections are answered by reversal and re-entry."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from core.exceptions import NoPermission, TransitionRefused
from core.models import AuditEvent
from tests.factories import volunteers as vf
from volunteers import ledger, services
from volunteers.models import ServiceHourRecord, Volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world):
    manager = vf.manager_user(world.community_a, "team_manager")
    team = vf.team(world.community_a, manager=manager)
    vol_user = vf.volunteer_user("vol_self")
    vol = vf.volunteer(world.community_a, user=vol_user)
    shift = vf.served(vf.past_shift(team, hours=3), vol)
    return manager, team, vol, shift


def test_the_recorder_records_the_manager_approves_and_totals_follow(setup):
    manager, team, vol, shift = setup
    record = services.record_hours(actor=vf.recorder(team), volunteer=vol, team=team, shift=shift, hours="2.5")
    assert Volunteer.objects.get(pk=vol.pk).approved_hours == 0  # not before approval
    services.approve_record(actor=manager, record=record)
    vol.refresh_from_db()
    assert vol.approved_hours == Decimal("2.5")
    record.refresh_from_db()
    assert record.chain_seq == 1 and len(record.record_hash) == 64
    assert AuditEvent.objects.filter(action="volunteers.hours.approve", actor=manager, target_id=str(record.pk)).exists()


def test_hours_on_a_shift_that_has_not_happened_are_refused(setup, world):
    manager, team, vol, _shift = setup
    future = vf.past_shift(team)
    services.sign_up(actor=None, shift=future, volunteer=vol)
    with pytest.raises(ValidationError) as exc:
        services.record_hours(actor=vf.recorder(team), volunteer=vol, team=team, shift=future, hours=2)
    assert "not happened" in str(exc.value)


def test_hours_beyond_the_shift_length_are_refused_because_travel_does_not_count(setup):
    manager, team, vol, shift = setup
    with pytest.raises(ValidationError) as exc:
        services.record_hours(actor=vf.recorder(team), volunteer=vol, team=team, shift=shift, hours=4)
    assert "travel" in str(exc.value)


def test_a_volunteer_cannot_record_their_own_hours(setup):
    _manager, team, vol, shift = setup
    with pytest.raises(NoPermission):
        services.record_hours(actor=vol.user, volunteer=vol, team=team, shift=shift, hours=2)
    assert not ServiceHourRecord.objects.exists()


def test_staff_outside_the_team_cannot_record_hours(setup, world):
    _manager, team, vol, shift = setup
    with pytest.raises(NoPermission):
        services.record_hours(actor=world.officer_a, volunteer=vol, team=team, shift=shift, hours=2)


def test_a_recorder_cannot_approve_only_the_manager_can(setup, world):
    manager, team, vol, shift = setup
    recorder = vf.manager_user(world.community_a, "recorder")
    services.add_team_staff(actor=None, team=team, user=recorder, role="recorder")
    record = services.record_hours(actor=recorder, volunteer=vol, team=team, shift=shift, hours=2)
    with pytest.raises(NoPermission):
        services.approve_record(actor=recorder, record=record)


def test_future_dates_and_zero_hours_are_refused(setup):
    manager, team, vol, _shift = setup
    with pytest.raises(ValidationError):
        services.record_hours(actor=vf.recorder(team), volunteer=vol, team=team, hours=2,
                              service_date=timezone.localdate() + datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        services.record_hours(actor=vf.recorder(team), volunteer=vol, team=team, hours=0, service_date=timezone.localdate())


def test_an_approved_record_cannot_be_edited_only_reversed(setup):
    manager, team, vol, shift = setup
    record = services.approve_record(actor=manager, record=services.record_hours(
        actor=vf.recorder(team), volunteer=vol, team=team, shift=shift, hours=3))
    with pytest.raises(TransitionRefused):
        services.update_record(actor=manager, record=record, hours=1)
    loaded = ServiceHourRecord.objects.get(pk=record.pk)
    loaded.hours = Decimal(1)
    with pytest.raises(ValidationError):
        loaded.save()
    reversal = services.reverse_record(actor=manager, record=record, reason="记录错误")
    assert reversal.hours == Decimal(-3) and reversal.chain_seq == 2
    vol.refresh_from_db()
    assert vol.approved_hours == 0
    assert ledger.verify_team_chain(team) == []


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_the_database_refuses_to_update_an_approved_record(setup):
    manager, team, vol, shift = setup
    record = services.approve_record(actor=manager, record=services.record_hours(
        actor=vf.recorder(team), volunteer=vol, team=team, shift=shift, hours=3))
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic():
        ServiceHourRecord.objects.filter(pk=record.pk).update(hours=1)


def _tamper(record_id, hours):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # a DBA bypassing the trigger
            cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE volunteers_servicehourrecord SET hours = %s WHERE id = %s", [hours, record_id])
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


def test_a_tampered_chain_is_detected_by_the_verify_command(setup, capsys):
    manager, team, vol, shift = setup
    records = []
    for i in range(3):
        r = services.record_hours(actor=vf.recorder(team), volunteer=vol, team=team, hours=1,
                                  service_date=timezone.localdate() - datetime.timedelta(days=10 + i))
        records.append(services.approve_record(actor=manager, record=r))
    call_command("verify_hour_chains")
    assert "intact" in capsys.readouterr().out
    _tamper(records[1].pk, 8)
    problems = ledger.verify_team_chain(team)
    assert [p.record_id for p in problems] == [records[1].pk]
    with pytest.raises(SystemExit):
        call_command("verify_hour_chains")
    assert "content changed" in capsys.readouterr().out


def test_a_correction_request_is_answered_by_reversal_and_re_entry(setup):
    manager, team, vol, shift = setup
    record = services.approve_record(actor=manager, record=services.record_hours(
        actor=vf.recorder(team), volunteer=vol, team=team, shift=shift, hours=2))
    with pytest.raises(ValidationError):
        services.request_correction(actor=vol.user, record=record, requested_hours=3, reason=" ")
    correction = services.request_correction(actor=vol.user, record=record, requested_hours=3, reason="实际服务3小时")
    with pytest.raises(NoPermission):
        services.answer_correction(actor=vol.user, correction=correction, accept=True, answer="好")
    services.answer_correction(actor=manager, correction=correction, accept=True, answer="已核实")
    new = ServiceHourRecord.objects.get(source="correction")
    with pytest.raises(TransitionRefused):  # the manager entered the corrected hours: another one approves
        services.approve_record(actor=manager, record=new)
    second = vf.manager_user(team.area)
    services.add_team_staff(actor=None, team=team, user=second, role="manager")
    services.approve_record(actor=second, record=new)
    vol.refresh_from_db()
    assert vol.approved_hours == Decimal(3)
    assert ledger.verify_team_chain(team) == []


def test_stars_follow_the_thresholds_and_recompute_agrees(setup):
    manager, team, vol, _shift = setup
    for i in range(5):
        r = services.record_hours(actor=vf.recorder(team), volunteer=vol, team=team, hours=20,
                                  service_date=timezone.localdate() - datetime.timedelta(days=i + 2))
        services.approve_record(actor=manager, record=r)
    vol.refresh_from_db()
    assert (vol.approved_hours, vol.star_level) == (Decimal(100), 1)
    Volunteer.objects.filter(pk=vol.pk).update(approved_hours=0, star_level=0)
    assert ledger.recompute_totals() == 1
    vol.refresh_from_db()
    assert (vol.approved_hours, vol.star_level) == (Decimal(100), 1)
    assert ledger.recompute_totals() == 0


def test_a_certificate_covers_approved_hours_of_the_recording_team(setup):
    manager, team, vol, shift = setup
    with pytest.raises(TransitionRefused):
        services.issue_certificate(actor=vol.user, volunteer=vol, team=team)
    services.approve_record(actor=manager, record=services.record_hours(
        actor=vf.recorder(team), volunteer=vol, team=team, shift=shift, hours=3))
    cert = services.issue_certificate(actor=vol.user, volunteer=vol, team=team)
    assert cert.hours == Decimal(3) and cert.records == 1
    assert cert.chain_head == ServiceHourRecord.objects.get().record_hash
