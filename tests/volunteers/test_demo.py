import pytest
from django.db.models import F
from django.utils import timezone

from core import demo as core_demo
from volunteers import demo, imports, ledger
from volunteers.models import (
    ImportJob,
    ServiceHourRecord,
    Shift,
    SocialWorker,
    Team,
    TeamMembership,
    TrainingAttendance,
    Volunteer,
)

pytestmark = pytest.mark.django_db


def test_the_demo_at_a_small_scale_lands_on_the_source_ratios_and_intact_chains():
    core_demo.load(scale=0.002)
    demo.load(scale=0.002)
    team = Team.objects.get(memberships__user__username="team_manager")
    assert Volunteer.objects.count() == round(860_000 * 0.002)
    assert Volunteer.objects.filter(approved_hours__gt=0).count() == round(438_600 * 0.002)
    assert SocialWorker.objects.count() == round(11_758 * 0.002)
    assert TrainingAttendance.objects.values("volunteer").distinct().count() == round(1_520 * 0.002)
    # Only the demo street's team at work has hours awaiting approval: its recorder's and an import.
    pending = ServiceHourRecord.objects.filter(status="submitted")
    assert set(pending.values_list("team__name", flat=True).distinct()) == {team.name}
    assert ledger.verify_all_chains() == []
    assert Volunteer.objects.filter(star_level__gte=1).exists()

    # The team at work: manager and recorder are two people (recorder ≠ approver), an hours import
    # by the recorder awaits the manager, and a volunteer's own account has hours, a correction
    # asked and a certificate.
    staff = dict(TeamMembership.objects.filter(team=team, user__isnull=False).values_list("role", "user__username"))
    assert staff == {"manager": "team_manager", "recorder": "team_recorder"}
    job = ImportJob.objects.get(team=team)
    assert job.status == "done" and job.created_by.username == "team_recorder"
    assert imports.pending_of(job).count() == 6
    assert pending.filter(import_job__isnull=True, recorded_by__username="team_recorder").count() == 3
    assert not ServiceHourRecord.objects.filter(approved_by=F("recorded_by")).exists()
    own = Volunteer.objects.get(user__username="volunteer")
    assert own.memberships.filter(team=team, status="approved").exists()
    assert own.certificates.count() == 1 and own.correction_requests.filter(status="open").count() == 1
    assert Shift.objects.filter(activity__team=team, starts_at__gt=timezone.now()).exists()
