"""The team's steps on records are kit pages: a refusal is shown beside the kept input in the user's
words (the field's label, not its name), out of scope it is 404 and nothing is written."""

import pytest
from django.urls import reverse

from core.models import AuditEvent
from tests.factories import volunteers as vf
from volunteers import services
from volunteers.choices import RecordStatus
from volunteers.models import ServiceHourRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def served(world):
    manager = vf.manager_user(world.community_a)
    team = vf.team(world.community_a, manager=manager)
    shift = vf.served(vf.past_shift(team, hours=2), vf.volunteer(world.community_a, name="赵六"))
    return manager, team, shift, shift.signups.get()


def test_hours_longer_than_the_shift_are_refused_beside_the_kept_input(world, web, served):
    manager, team, shift, signup = served
    client = web(vf.recorder(team))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    response = client.post(reverse("volunteers:shift-action", args=[shift.pk, signup.pk, "record"]),
                           {"hours": "5", "description": "陪伴老人"})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'value="5"' in page and 'value="陪伴老人"' in page  # the input is kept
    from django.utils import translation

    with translation.override("zh-hans"):
        label = translation.gettext("Hours")
    assert label != "Hours" and f'<div class="refusal-line">{label}: ' in page  # the label, in Chinese
    assert "hours:" not in page
    assert not ServiceHourRecord.objects.exists()


def test_a_rejection_without_a_reason_is_refused_beside_the_form(world, web, served):
    manager, team, shift, signup = served
    record = services.record_hours(actor=None, volunteer=signup.volunteer, team=team, shift=shift, hours=2)
    client = web(manager)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(reverse("volunteers:record-decide", args=[record.pk, "reject"]), {"reason": " "})
    assert response.status_code == 400 and "Reason: Say why the record is rejected." in response.content.decode()
    record.refresh_from_db()
    assert record.status == RecordStatus.SUBMITTED
    done = client.post(reverse("volunteers:record-decide", args=[record.pk, "reject"]),
                       {"reason": "服务时间与签到不符", "next": "https://evil.example/"})
    assert done.status_code == 302 and done["Location"] == team.get_absolute_url()  # no open redirect
    record.refresh_from_db()
    event = AuditEvent.objects.get(action="volunteers.hours.reject")
    assert record.status == RecordStatus.REJECTED and event.reason == "服务时间与签到不符"
    assert event.changes == {"status": [RecordStatus.SUBMITTED, RecordStatus.REJECTED]}


def test_an_unknown_step_and_another_districts_record_are_404(world, web, served):
    manager, team, shift, signup = served
    record = services.record_hours(actor=None, volunteer=signup.volunteer, team=team, shift=shift, hours=2)
    assert web(manager).post(reverse("volunteers:record-decide", args=[record.pk, "delete"])).status_code == 404
    other = vf.manager_user(world.district_b)
    assert web(other).post(reverse("volunteers:record-decide", args=[record.pk, "approve"])).status_code == 404
    assert web(other).post(reverse("volunteers:shift-action", args=[shift.pk, signup.pk, "check-in"])).status_code == 404


def test_a_volunteer_signs_up_only_for_shifts_of_their_own_teams(world, web):
    import datetime

    from django.utils import timezone

    other_team = vf.team(world.community_a)
    activity = services.create_activity(actor=None, team=other_team, title="社区清洁")
    starts = timezone.now() + datetime.timedelta(days=2)
    shift = services.create_shift(actor=None, activity=activity, place="广场", starts_at=starts,
                                  ends_at=starts + datetime.timedelta(hours=2), quota=5)
    volunteer = vf.volunteer(world.community_a, user=vf.volunteer_user())
    response = web(volunteer.user).post(reverse("volunteers:me-sign-up", args=[shift.pk]))
    assert response.status_code == 404 and not shift.signups.exists()
    event = AuditEvent.objects.get(action="volunteers.shift.create", target_id=str(shift.pk))
    assert shift.checkin_code not in str(event.changes)  # the check-in code stays out of the log
