"""Staff pages are scoped; the volunteer's own page, the certificate PDF and the public
verification page show what each user may see, and no ID number in clear."""

import datetime

import pytest
from django.urls import reverse

from core.models import AuditEvent
from tests.factories import volunteers as vf
from tests.scoped import Pages
from volunteers import certificates, services
from volunteers.models import ServiceHourRecord


class TestVolunteerListPage(Pages.List, Pages.Detail, Pages.Export):
    list_url_name = "volunteers:volunteer-list"
    detail_url_name = "volunteers:volunteer-detail"

    def make_object(self, world):
        return vf.volunteer(world.community_a)

    def row_text(self, obj):
        return obj.name


class TestTeamListPage(Pages.List, Pages.Detail, Pages.Export):
    list_url_name = "volunteers:team-list"
    detail_url_name = "volunteers:team-detail"

    def make_object(self, world):
        return vf.team(world.community_a)

    def row_text(self, obj):
        return obj.name


pytestmark = pytest.mark.django_db


def test_volunteer_list_filters_by_has_hours_and_masks_ids(world, web):
    manager = vf.manager_user(world.community_a)
    team = vf.team(world.community_a, manager=manager)
    busy, idle = vf.volunteer(world.community_a, name="忙碌者"), vf.volunteer(world.community_a, name="空闲者")
    services.approve_record(actor=manager, record=services.record_hours(
        actor=vf.recorder(team), volunteer=busy, team=team, hours=2, service_date=datetime.date(2024, 1, 1)))
    page = web(world.officer_a).get(reverse("volunteers:volunteer-list"), {"has_hours": "true"}).content.decode()
    assert "忙碌者" in page and "空闲者" not in page
    assert busy.id_number.reveal_unchecked() not in page and "********" in page
    detail = web(world.officer_a).get(busy.get_absolute_url()).content.decode()
    assert busy.id_number.reveal_unchecked() not in detail and "2024-01-01" in detail
    assert idle.pk


@pytest.fixture
def certified(world):
    manager = vf.manager_user(world.community_a)
    team = vf.team(world.community_a, manager=manager, name="和平志愿服务队")
    vol = vf.volunteer(world.community_a, user=vf.volunteer_user("xiaoming"), name="王小明")
    shift = vf.served(vf.past_shift(team, hours=3), vol)
    services.approve_record(actor=manager, record=services.record_hours(
        actor=vf.recorder(team), volunteer=vol, team=team, shift=shift, hours=3))
    return vol, team, services.issue_certificate(actor=vol.user, volunteer=vol, team=team)


def test_the_certificate_pdf_embeds_the_chinese_font_and_the_public_page_masks_the_name(world, web, certified):
    vol, team, cert = certified
    response = web(vol.user).get(reverse("volunteers:certificate-pdf", args=[cert.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    raw = certificates.render_pdf(cert, "http://testserver" + cert.get_verify_url(), uncompressed=True)
    assert b"NotoSansCJK" in raw  # the Chinese text is set in the CJK font, embedded
    assert web(world.officer_b).get(reverse("volunteers:certificate-pdf", args=[cert.pk])).status_code == 404
    public = web().get(cert.get_verify_url())
    text = public.content.decode()
    assert public.status_code == 200 and "王*明" in text and "王小明" not in text and cert.number in text
    assert vol.id_number.reveal_unchecked()[:6] + "********" not in text
    assert web().get(reverse("volunteers:certificate-verify", args=["nonsense"])).status_code == 404


def test_mask_name_keeps_only_the_family_name_and_the_last_character():
    assert certificates.mask_name("王小明") == "王*明"
    assert certificates.mask_name("李四") == "李*"
    assert certificates.mask_name("欧阳小小明") == "欧***明"


def test_the_team_recorder_records_and_the_manager_approves_on_the_shift_page(world, web):
    manager = vf.manager_user(world.community_a)
    team = vf.team(world.community_a, manager=manager)
    vol = vf.volunteer(world.community_a, name="赵六")
    shift = vf.served(vf.past_shift(team, hours=2), vol)
    signup = shift.signups.get()
    client = web(vf.recorder(team))
    page = client.get(shift.get_absolute_url()).content.decode()
    assert "赵六" in page and shift.checkin_code in page
    client.post(reverse("volunteers:shift-action", args=[shift.pk, signup.pk, "record"]), {"hours": "5"})
    assert not ServiceHourRecord.objects.exists()  # longer than the shift: refused
    client.post(reverse("volunteers:shift-action", args=[shift.pk, signup.pk, "record"]), {"hours": "2"})
    record = ServiceHourRecord.objects.get()
    web(manager).post(reverse("volunteers:record-decide", args=[record.pk, "approve"]))
    record.refresh_from_db()
    assert record.status == "approved"
    assert AuditEvent.objects.filter(actor=manager, action="volunteers.hours.approve").exists()


def test_the_volunteer_checks_in_with_the_shift_code(world, web):
    from django.utils import timezone

    from volunteers.models import Shift

    team = vf.team(world.community_a)
    vol = vf.volunteer(world.community_a, user=vf.volunteer_user())
    shift = vf.past_shift(team)
    services.sign_up(actor=vol.user, shift=shift, volunteer=vol)
    now = timezone.now()
    Shift.objects.filter(pk=shift.pk).update(starts_at=now - datetime.timedelta(minutes=5),
                                             ends_at=now + datetime.timedelta(hours=2))
    client = web(vol.user)
    client.post(reverse("volunteers:me-checkin"), {"code": "WRONG1"})
    assert shift.signups.get().status == "signed_up"
    client.post(reverse("volunteers:me-checkin"), {"code": shift.checkin_code.lower()})
    assert shift.signups.get().status == "checked_in"


def test_an_upload_runs_as_a_task_and_reports_rows(world, web, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import id_number

    body = ("姓名,证件号码,区划代码,注册时间\n"
            f"钱七,{id_number('340302', datetime.date(1990, 1, 1))},{world.community_a.code},2020-01-01\n"
            f"孙八,123,{world.community_a.code},2020-01-01\n")
    client = web(world.officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("volunteers:import-start"), {
            "kind": "volunteers", "file": SimpleUploadedFile("v.csv", body.encode(), content_type="text/csv")})
    assert response.status_code == 302, response.content.decode()[:500]
    page = client.get(response["Location"]).content.decode()
    assert "3" in page and "18" in page  # line 3, "must have 18 characters"
    from volunteers.models import ImportJob

    job = ImportJob.objects.get()
    assert (job.status, job.created, job.error_count) == ("done", 1, 1)
    assert web(world.officer_b).get(response["Location"]).status_code == 404


def test_the_admin_lists_only_volunteers_in_scope_and_allows_no_edits(world, web):
    mine, theirs = vf.volunteer(world.community_a, name="甲区人"), vf.volunteer(world.community_b, name="乙区人")
    page = web(world.officer_a).get("/admin/volunteers/volunteer/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "甲区人" in text and "乙区人" not in text and mine.id_number.reveal_unchecked() not in text
    assert web(world.officer_a).get(f"/admin/volunteers/volunteer/{theirs.pk}/change/").status_code == 404
