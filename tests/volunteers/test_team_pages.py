"""Teams and their daily job on pages: create and edit a team, appoint its manager and recorder
(page and API), list members with their hours, decide join requests; publish an activity, open a
shift, sign members up, check in by code or QR; the recorder records hours on a volunteer's behalf
and another manager approves them (never the person who recorded them)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.choices import Role
from core.models import AuditEvent
from tests.factories import grant
from tests.factories import volunteers as vf
from tests.scoped import API, Pages
from volunteers import services
from volunteers.choices import MemberRole, MembershipStatus, RecordStatus, SignUpStatus
from volunteers.models import Activity, ServiceHourRecord, Shift, SignUp, Team, TeamMembership

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(web):
    def make(user=None):
        client = web(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client
    return make


@pytest.fixture
def crew(world):
    """A team of community A with a manager, a recorder and two approved members."""
    manager = vf.manager_user(world.community_a, "manager_a")
    recorder = vf.manager_user(world.community_a, "recorder_a")
    team = vf.team(world.community_a, manager=manager, name="和平志愿服务队")
    services.add_team_staff(actor=None, team=team, user=recorder, role=MemberRole.RECORDER)
    members = [vf.volunteer(world.community_a, name=n) for n in ("王小明", "李红梅")]
    for m in members:
        services.join_team(actor=None, team=team, volunteer=m, invited=True)
    return type("Crew", (), {"team": team, "manager": manager, "recorder": recorder, "members": members})


def future(hours=24):
    return timezone.localtime() + datetime.timedelta(hours=hours)


# --- persona matrix --------------------------------------------------------------------------------------
class TestTeamStaffPage(Pages.Action):
    action_url_name = "volunteers:team-staff"

    def make_object(self, world):
        self.candidate = vf.manager_user(world.community_a)
        return vf.team(world.community_a)

    def action_payload(self, world, obj):
        return {"user": self.candidate.username, "role": "recorder"}


class TestTeamStaffAPI(API.Transition):
    basename = "volunteers-team"
    transition = "staff"
    transition_status = 201

    def make_object(self, world):
        self.candidate = vf.manager_user(world.community_a)
        return vf.team(world.community_a)

    def transition_payload(self, world, obj):
        return {"user": self.candidate.username, "role": "manager"}

    def test_in_scope_transition_leaves_an_audit_row(self, world, api):
        team = self.make_object(world)
        response = api(world.officer_a).post(self.transition_url(team), self.transition_payload(world, team),
                                             format="json")
        assert response.status_code == 201, response.content
        membership = TeamMembership.objects.get(team=team, user=self.candidate)  # the appointment is the record
        assert AuditEvent.objects.filter(actor=world.officer_a, action="volunteers.membership.staff",
                                         target_id=str(membership.pk)).exists()


class TestJoinDecisionPage(Pages.Action):
    action_url_name = "volunteers:join-decide"

    def make_object(self, world):
        self.manager = vf.manager_user(world.community_a)
        team = vf.team(world.community_a, manager=self.manager)
        return services.join_team(actor=None, team=team, volunteer=vf.volunteer(world.community_a))

    def action_persona(self, world):
        return self.manager

    def action_payload(self, world, obj):
        return {"decision": "approve"}


class TestShiftQrCode(Pages.Action):
    action_url_name = "volunteers:shift-qr"
    action_method = "get"
    in_scope_status = (200,)
    writes = False

    def make_object(self, world):
        return vf.past_shift(vf.team(world.community_a))


class TestTeamHoursPage(Pages.Action):
    action_url_name = "volunteers:team-hours"

    def make_object(self, world):
        self.manager = vf.manager_user(world.community_a)
        team = vf.team(world.community_a, manager=self.manager)
        self.member = vf.volunteer(world.community_a)
        services.join_team(actor=None, team=team, volunteer=self.member, invited=True)
        return team

    def action_persona(self, world):
        return self.manager

    def action_payload(self, world, obj):
        return {"volunteer": self.member.pk, "service_date": "2024-05-01", "hours": "2"}


# --- teams -----------------------------------------------------------------------------------------------
def test_the_officer_creates_and_edits_a_team_on_pages(world, web):
    client = web(world.officer_a)
    response = client.post(reverse("volunteers:team-create"), {"name": "东风助老队", "area": world.community_a.pk,
                                                                "join_mode": "approval"})
    team = Team.objects.get(name="东风助老队")
    assert response.status_code == 302 and response["Location"] == team.get_absolute_url()
    edited = client.post(reverse("volunteers:team-edit", args=[team.pk]),
                         {"name": "东风助老服务队", "area": world.community_a.pk, "join_mode": "open"})
    assert edited.status_code == 302
    team.refresh_from_db()
    assert team.name == "东风助老服务队" and team.join_mode == "open"
    assert AuditEvent.objects.filter(actor=world.officer_a, action="volunteers.team.update").exists()
    assert web(world.officer_b).post(reverse("volunteers:team-edit", args=[team.pk]),
                                     {"name": "x", "area": world.community_b.pk, "join_mode": "open"}).status_code == 404


def test_a_second_team_of_the_same_name_in_the_area_is_refused_in_words(world, web):
    vf.team(world.community_a, name="东风助老队")
    response = web(world.officer_a).post(reverse("volunteers:team-create"),
                                         {"name": "东风助老队", "area": world.community_a.pk, "join_mode": "approval"})
    assert response.status_code == 400 and 'value="东风助老队"' in response.content.decode()
    assert Team.objects.filter(name="东风助老队").count() == 1


def test_appointing_a_user_without_a_role_in_the_teams_area_is_refused_with_the_reason(world, web, api, crew):
    response = web(world.officer_a).post(reverse("volunteers:team-staff", args=[crew.team.pk]),
                                         {"user": world.officer_b.username, "role": "recorder"})
    assert response.status_code == 400
    assert "holds no role in 和平社区 that lets them do this" in response.content.decode()
    assert 'value="officer_b"' in response.content.decode()
    unknown = web(world.officer_a).post(reverse("volunteers:team-staff", args=[crew.team.pk]),
                                        {"user": "nobody-here", "role": "recorder"})
    assert unknown.status_code == 400 and "No such active user." in unknown.content.decode()
    bad_role = api(world.officer_a).post(reverse("api:volunteers-team-staff", args=[crew.team.pk]),
                                         {"user": "recorder_a", "role": "member"}, format="json")
    assert bad_role.status_code == 400 and "role" in bad_role.json()["error"]["fields"]


def test_the_api_appoints_a_recorder_who_then_records(world, api, crew):
    newcomer = vf.manager_user(world.community_a, "newcomer")
    response = api(world.officer_a).post(reverse("api:volunteers-team-staff", args=[crew.team.pk]),
                                         {"user": "newcomer", "role": "recorder"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["role"] == "recorder" and response.json()["user"] == "newcomer"
    assert services.team_roles(newcomer, crew.team) == {MemberRole.RECORDER}


def test_staff_are_removed_from_the_team_page(world, web, crew):
    membership = TeamMembership.objects.get(team=crew.team, user=crew.recorder)
    response = web(world.officer_a).post(reverse("volunteers:staff-remove", args=[membership.pk]),
                                         {"reason": "调岗"})
    assert response.status_code == 302 and not TeamMembership.objects.filter(pk=membership.pk).exists()


def test_the_team_page_lists_members_with_their_hours_at_this_team(world, web, crew):
    wang = crew.members[0]
    record = services.record_hours(actor=crew.recorder, volunteer=wang, team=crew.team, hours="2.5",
                                   service_date=datetime.date(2024, 4, 1))
    services.approve_record(actor=crew.manager, record=record)
    page = web(world.officer_a).get(crew.team.get_absolute_url()).content.decode()
    assert "王小明" in page and "2.5" in page


def test_the_manager_decides_join_requests_on_the_team_page(world, web, crew):
    newcomer = vf.volunteer(world.community_a, name="新成员")
    request = services.join_team(actor=None, team=crew.team, volunteer=newcomer)
    assert request.status == MembershipStatus.PENDING
    page = web(crew.manager).get(crew.team.get_absolute_url()).content.decode()
    assert reverse("volunteers:join-decide", args=[request.pk]) in page
    refused = web(world.officer_a).post(reverse("volunteers:join-decide", args=[request.pk]), {"decision": "approve"})
    assert refused.status_code == 403 and "Only the team&#x27;s manager decides." in refused.content.decode()
    assert web(crew.manager).post(reverse("volunteers:join-decide", args=[request.pk]),
                                  {"decision": "reject"}).status_code == 302
    request.refresh_from_db()
    assert request.status == MembershipStatus.REJECTED


# --- activities, shifts, sign-ups, check-in ----------------------------------------------------------------
def test_publish_an_activity_open_a_shift_and_sign_a_member_up(world, web, crew):
    client = web(crew.manager)
    response = client.post(reverse("volunteers:activity-create", args=[crew.team.pk]), {"title": "重阳节敬老"})
    activity = Activity.objects.get(title="重阳节敬老")
    assert response.status_code == 302 and response["Location"] == activity.get_absolute_url()
    start = future()
    wrong = client.post(reverse("volunteers:shift-create", args=[activity.pk]), {
        "place": "社区服务中心", "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"), "quota": 1})
    assert wrong.status_code == 400 and "A shift must end after it starts." in wrong.content.decode()
    opened = client.post(reverse("volunteers:shift-create", args=[activity.pk]), {
        "place": "社区服务中心", "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"), "quota": 1})
    shift = Shift.objects.get(activity=activity)
    assert opened.status_code == 302
    url = reverse("volunteers:shift-sign-up", args=[shift.pk])
    assert client.post(url, {"volunteer": crew.members[0].pk}).status_code == 302
    assert client.post(url, {"volunteer": crew.members[1].pk}).status_code == 302
    statuses = dict(SignUp.objects.filter(shift=shift).values_list("volunteer__name", "status"))
    assert statuses == {"王小明": SignUpStatus.SIGNED_UP, "李红梅": SignUpStatus.WAITLISTED}  # the quota, then the list
    stranger = vf.volunteer(world.community_a, name="非成员")
    assert client.post(url, {"volunteer": stranger.pk}).status_code == 400  # only the team's members


def test_the_qr_code_leads_the_volunteer_to_check_in_with_the_code(world, web, crew):
    wang = crew.members[0]
    wang.user = vf.volunteer_user("wangxm")
    wang.save()
    shift = vf.past_shift(crew.team)
    services.sign_up(actor=None, shift=shift, volunteer=wang)
    svg = web(crew.manager).get(reverse("volunteers:shift-qr", args=[shift.pk]))
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    assert reverse("volunteers:shift-qr", args=[shift.pk]) in web(crew.manager).get(shift.get_absolute_url()).content.decode()
    Shift.objects.filter(pk=shift.pk).update(starts_at=timezone.now() - datetime.timedelta(minutes=10))
    me = web(wang.user)
    page = me.get(reverse("volunteers:me-checkin-code", args=[shift.checkin_code.lower()]))
    assert page.status_code == 200 and f'value="{shift.checkin_code}"' in page.content.decode()
    me.post(reverse("volunteers:me-checkin"), {"code": shift.checkin_code})
    assert SignUp.objects.get(shift=shift, volunteer=wang).status == SignUpStatus.CHECKED_IN
    assert web().get(reverse("volunteers:me-checkin-code", args=["ABC123"])).status_code == 302  # sign in first


def test_my_service_lists_the_open_shifts_of_my_teams_to_sign_up(world, web, crew):
    wang = crew.members[0]
    wang.user = vf.volunteer_user("wangxm")
    wang.save()
    shift = vf.past_shift(crew.team)  # starts tomorrow
    page = web(wang.user).get(reverse("volunteers:me")).content.decode()
    assert reverse("volunteers:me-sign-up", args=[shift.pk]) in page
    web(wang.user).post(reverse("volunteers:me-sign-up", args=[shift.pk]))
    assert SignUp.objects.filter(shift=shift, volunteer=wang, status=SignUpStatus.SIGNED_UP).exists()


# --- hours: the recorder records, another manager approves ---------------------------------------------------
def test_the_recorder_records_hours_on_a_volunteers_behalf_and_the_manager_approves(world, web, crew):
    wang = crew.members[0]
    response = web(crew.recorder).post(reverse("volunteers:team-hours", args=[crew.team.pk]), {
        "volunteer": wang.pk, "service_date": "2024-05-01", "hours": "3", "description": "陪老人就医"})
    assert response.status_code == 302
    record = ServiceHourRecord.objects.get(volunteer=wang)
    assert record.recorded_by == crew.recorder and record.status == RecordStatus.SUBMITTED
    web(crew.manager).post(reverse("volunteers:record-decide", args=[record.pk, "approve"]))
    record.refresh_from_db()
    wang.refresh_from_db()
    assert record.status == RecordStatus.APPROVED and wang.approved_hours == 3


def test_hours_for_a_day_to_come_are_refused_beside_the_kept_input(world, web, crew):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = web(crew.recorder).post(reverse("volunteers:team-hours", args=[crew.team.pk]), {
        "volunteer": crew.members[0].pk, "service_date": tomorrow, "hours": "3", "description": "陪老人就医"})
    assert response.status_code == 400
    assert "Service date: Hours cannot be recorded for a day that has not come." in response.content.decode()
    assert 'value="陪老人就医"' in response.content.decode()


def test_a_staff_member_outside_the_team_cannot_record_its_hours(world, web, crew):
    response = web(world.officer_a).post(reverse("volunteers:team-hours", args=[crew.team.pk]), {
        "volunteer": crew.members[0].pk, "service_date": "2024-05-01", "hours": "3"})
    assert response.status_code == 403 and not ServiceHourRecord.objects.exists()


def test_the_manager_who_recorded_hours_cannot_approve_them(world, web, api, crew):
    record = services.record_hours(actor=crew.manager, volunteer=crew.members[0], team=crew.team, hours=2,
                                   service_date=datetime.date(2024, 5, 2))
    page = web(crew.manager).post(reverse("volunteers:record-decide", args=[record.pk, "approve"]), follow=True)
    assert any(said in page.content.decode() for said in (
        "You recorded these hours; another manager of the team must approve them.", "这条时长是您记录的，须由队伍的另一位管理员审核。"))
    refused = api(crew.manager).post(reverse("api:volunteers-hours-approve", args=[record.pk]))
    assert refused.status_code == 409
    assert any(said in refused.json()["error"]["message"]
               for said in ("another manager of the team must approve them", "须由队伍的另一位管理员审核"))
    record.refresh_from_db()
    assert record.status == RecordStatus.SUBMITTED
    second = vf.manager_user(world.community_a)
    grant(second, Role.VOLUNTEER_OFFICER, world.community_a)
    services.appoint_team_staff(actor=world.officer_a, team=crew.team, user=second, role=MemberRole.MANAGER)
    assert api(second).post(reverse("api:volunteers-hours-approve", args=[record.pk])).status_code == 200
