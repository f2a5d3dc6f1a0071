"""The persona matrix for the volunteer pages' actions and files: out of scope is 404 and writes
nothing, in scope works and is audited. The other district's persona is a volunteer-service officer
of district B, who holds every permission here, so only the area can refuse."""

import pytest
from django.core.files.base import ContentFile

from core.choices import Role
from tests.factories import grant
from tests.factories import volunteers as vf
from tests.scoped import Pages
from volunteers import services
from volunteers.models import ImportJob


class _VolunteerPages(Pages.Action):
    out_of_scope_persona = "volunteer_officer_b"

    def persona(self, world, name):
        if name == "volunteer_officer_b":
            user = vf.manager_user(world.district_b)
            grant(user, Role.VOLUNTEER_OFFICER, world.district_b)
            return user
        return super().persona(world, name)

    def action_persona(self, world):
        return self.manager

    def served_signup(self, world):
        self.manager = vf.manager_user(world.community_a)
        team = vf.team(world.community_a, manager=self.manager)
        shift = vf.served(vf.past_shift(team, hours=2), vf.volunteer(world.community_a))
        return shift.signups.get()


class TestShiftActionPage(_VolunteerPages):
    action_url_name = "volunteers:shift-action"

    def make_object(self, world):
        return self.served_signup(world)

    def action_args(self, signup):
        return [signup.shift_id, signup.pk, "record"]

    def action_payload(self, world, signup):
        return {"hours": "2"}


class TestRecordDecidePage(_VolunteerPages):
    action_url_name = "volunteers:record-decide"

    def make_object(self, world):
        signup = self.served_signup(world)
        return services.record_hours(actor=None, volunteer=signup.volunteer, team=signup.shift.activity.team,
                                     shift=signup.shift, hours=2)

    def action_args(self, record):
        return [record.pk, "approve"]


class TestCorrectionAnswerPage(_VolunteerPages):
    action_url_name = "volunteers:correction-answer"

    def make_object(self, world):
        signup = self.served_signup(world)
        record = services.record_hours(actor=None, volunteer=signup.volunteer, team=signup.shift.activity.team,
                                       shift=signup.shift, hours=2)
        services.approve_record(actor=None, record=record)
        return services.request_correction(actor=None, record=record, requested_hours=1, reason="实际只服务了1小时")

    def action_payload(self, world, correction):
        return {"accept": "0", "answer": "签到记录显示服务满2小时"}


class TestCertificatePdf(_VolunteerPages):
    action_url_name = "volunteers:certificate-pdf"
    action_method = "get"
    in_scope_status = (200,)
    writes = False

    def make_object(self, world):
        signup = self.served_signup(world)
        record = services.record_hours(actor=None, volunteer=signup.volunteer, team=signup.shift.activity.team,
                                       shift=signup.shift, hours=2)
        services.approve_record(actor=None, record=record)
        return services.issue_certificate(actor=None, volunteer=signup.volunteer, team=signup.shift.activity.team)


class TestImportDetailPage(_VolunteerPages):
    action_url_name = "volunteers:import-detail"
    action_method = "get"
    in_scope_status = (200,)
    writes = False

    def make_object(self, world):
        self.manager = vf.manager_user(world.community_a)
        job = ImportJob(kind="volunteers", area=world.community_a, filename="名册.csv", created_by=None)
        job.file.save("roster.csv", ContentFile(b"name\n"), save=False)
        job.save()
        return job


@pytest.mark.django_db
class TestImportStartPage:
    covers_routes = ["volunteers:import-start"]

    def test_the_import_page_lists_only_the_imports_of_ones_areas(self, world, web):
        job = ImportJob(kind="volunteers", area=world.community_a, filename="甲区名册.csv", created_by=None)
        job.file.save("roster.csv", ContentFile(b"name\n"), save=False)
        job.save()
        from django.urls import reverse

        assert "甲区名册.csv" in web(world.officer_a).get(reverse("volunteers:import-start")).content.decode()
        theirs = web(world.officer_b).get(reverse("volunteers:import-start"))
        assert theirs.status_code == 200 and "甲区名册.csv" not in theirs.content.decode()
