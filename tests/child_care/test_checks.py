"""An overdue visit raises a finding in the child director's inbox; left open it moves to the supervisor
(township), then the county office (core's escalation of finding levels)."""

import datetime

import pytest

from child_care import services
from core import supervision
from core.models import Finding
from tests.factories.child_care import child

pytestmark = pytest.mark.django_db


def test_an_overdue_visit_escalates_from_director_to_supervisor_to_county(world, cc):
    kid = child(world.community_a)
    visit = services.schedule_visit(actor=None, person=kid, visitor=cc.director_a, due_on=datetime.date(2021, 3, 1))
    supervision.run_all(today=datetime.date(2021, 3, 2))
    finding = Finding.objects.get(rule="child_care.visit_overdue", target_id=str(visit.pk))
    assert kid.name not in finding.title  # the inbox shows a masked name
    assert Finding.objects.inbox(cc.director_a).filter(pk=finding.pk).exists()
    assert not Finding.objects.inbox(cc.supervisor_a).filter(pk=finding.pk).exists()

    supervision.run_all(today=finding.due_date + datetime.timedelta(days=1))
    assert Finding.objects.inbox(cc.supervisor_a).filter(pk=finding.pk).exists()
    finding.refresh_from_db()
    supervision.run_all(today=finding.due_date + datetime.timedelta(days=1))
    assert Finding.objects.inbox(world.officer_a).filter(pk=finding.pk).exists()


def test_recording_the_visit_closes_the_finding_on_the_next_run(world, cc):
    kid = child(world.community_a)
    visit = services.schedule_visit(actor=None, person=kid, visitor=cc.director_a,
                                    due_on=datetime.date.today() - datetime.timedelta(days=2))
    supervision.run_all(only=["child_care.visit_overdue"])
    services.record_visit(actor=cc.director_a, visit=visit, done_on=datetime.date.today(), life="生活正常")
    supervision.run_all(only=["child_care.visit_overdue"])
    assert not Finding.objects.filter(rule="child_care.visit_overdue", target_id=str(visit.pk), status="open").exists()
    assert kid.visits.filter(status="planned").get().due_on == datetime.date.today() + datetime.timedelta(days=180)
