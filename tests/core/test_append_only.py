"""The audit log and the approved service hours cannot be emptied with TRUNCATE on PostgreSQL
(row triggers never see a TRUNCATE); what the row triggers allowed before, they still allow."""

import pytest
from django.db import DatabaseError, connection, transaction

from core import audit
from core.models import AuditEvent
from tests.factories import volunteers as vf
from volunteers import services
from volunteers.models import ServiceHourRecord

pytestmark = [pytest.mark.django_db, pytest.mark.skipif("connection.vendor != 'postgresql'")]


def _sql(statement):
    with transaction.atomic(), connection.cursor() as cursor:
        # The test's own inserts leave deferred foreign-key checks pending, and PostgreSQL refuses
        # TRUNCATE for that reason alone: run them now, so only the append-only rule can refuse.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(statement)


def _hours(world):
    """(an approved record, a pending record) of one team."""
    manager = vf.manager_user(world.community_a, "team_manager")
    team = vf.team(world.community_a, manager=manager)
    vol = vf.volunteer(world.community_a, user=vf.volunteer_user("vol_self"))
    first, second = (vf.served(vf.past_shift(team, hours=3, days_ago=d), vol) for d in (2, 1))
    approved = services.approve_record(actor=manager, record=services.record_hours(
        actor=vf.recorder(team), volunteer=vol, team=team, shift=first, hours=3))
    pending = services.record_hours(actor=vf.recorder(team), volunteer=vol, team=team, shift=second, hours=3)
    return approved, pending


def test_truncate_of_the_audit_log_is_refused(world):
    audit.record(actor=world.city_admin, action="test.event", target=world.community_a)
    with pytest.raises(DatabaseError, match="append-only"):
        _sql("TRUNCATE core_auditevent")
    assert AuditEvent.objects.filter(action="test.event").exists()


def test_the_audit_log_still_refuses_row_updates_and_deletes(world):
    audit.record(actor=world.city_admin, action="test.event", target=world.community_a)
    with pytest.raises(DatabaseError):
        _sql("UPDATE core_auditevent SET reason = 'tampered'")
    with pytest.raises(DatabaseError):
        _sql("DELETE FROM core_auditevent")


def test_truncate_of_the_hours_ledger_is_refused(world):
    approved, _pending = _hours(world)
    with pytest.raises(DatabaseError, match="final"):
        _sql("TRUNCATE volunteers_servicehourrecord CASCADE")
    assert ServiceHourRecord.objects.filter(pk=approved.pk).exists()


def test_approved_hours_stay_final_and_pending_ones_may_still_change(world):
    approved, pending = _hours(world)
    with pytest.raises(DatabaseError, match="final"):
        _sql(f"UPDATE volunteers_servicehourrecord SET hours = 1 WHERE id = {approved.pk}")
    _sql(f"UPDATE volunteers_servicehourrecord SET hours = 2 WHERE id = {pending.pk}")
    _sql(f"DELETE FROM volunteers_servicehourrecord WHERE id = {pending.pk}")
    assert list(ServiceHourRecord.objects.values_list("pk", flat=True)) == [approved.pk]
