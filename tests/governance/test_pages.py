"""Staff pages (scoped lists with export, detail with actions) and the public case file."""

import datetime

import pytest
from django.urls import reverse

from core.models import AuditEvent
from governance import services
from governance.choices import DisputeType, Stage
from tests.factories.governance import Walker, category, raise_matter
from tests.scoped import Pages


class TestMatterListPage(Pages.List, Pages.Detail, Pages.Export):
    list_url_name = "governance:matter-list"
    detail_url_name = "governance:matter-detail"

    def make_object(self, world):
        return raise_matter(world.community_a, title=f"路灯维修{AuditEvent.objects.count()}")

    def row_text(self, obj):
        return obj.ref


class TestDisputeListPage(Pages.List, Pages.Export):
    list_url_name = "governance:dispute-list"

    def make_object(self, world):
        return services.register_dispute(actor=None, area=world.community_a, parties="甲、乙",
                                         dispute_type=DisputeType.NEIGHBOUR,
                                         mediator=f"调解员{AuditEvent.objects.count()}",
                                         received_on=datetime.date(2020, 5, 1))

    def row_text(self, obj):
        return obj.mediator


@pytest.fixture
def walker(world):
    return Walker(world.community_a)


def test_a_worker_records_a_matter_on_the_phone_form(world, web):
    client = web(world.worker_a)
    response = client.post(reverse("governance:matter-create"), {
        "area": world.community_a.pk, "title": "小区垃圾清运不及时", "category": category().pk,
        "raised_by_name": "李大妈", "channel": "in_person"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "小区垃圾清运不及时" in page and "李大妈" in page


def test_a_refused_step_shows_its_reason_on_the_page(walker, web):
    matter = raise_matter(walker.area, actor=walker.worker)
    client = web(walker.worker)
    response = client.post(reverse("governance:matter-action", args=[matter.pk, "accept"]), {"accept-reason": ""},
                           follow=True)
    assert "Only a member" in response.content.decode() or "只有" in response.content.decode()
    matter.refresh_from_db()
    assert matter.stage == Stage.RAISED


def test_the_committee_accepts_on_the_page(walker, web):
    matter = raise_matter(walker.area, actor=walker.worker)
    web(walker.committee).post(reverse("governance:matter-action", args=[matter.pk, "accept"]), {"accept-reason": "好"})
    matter.refresh_from_db()
    assert matter.stage == Stage.ACCEPTED


def test_the_public_case_file_shows_the_procedure_but_no_names(walker, web):
    matter = walker.to(Stage.CLOSED, major=True)
    response = web().get(matter.get_public_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert matter.title in page and "公示内容" in page
    assert "张三" not in page  # the resident who raised it
    assert "居民1" not in page and "评议人0" not in page  # attendees and respondents
    listing = web().get(reverse("governance:public-list", args=[walker.area.code])).content.decode()
    assert matter.ref in listing


def test_a_withdrawn_matter_is_not_public(walker, web):
    matter = walker.to(Stage.WITHDRAWN)
    assert web().get(matter.get_public_url()).status_code == 404


def test_the_case_file_prints_as_pdf(walker, web):
    matter = walker.to(Stage.DECIDED)
    response = web(walker.worker).get(reverse("governance:matter-pdf", args=[matter.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_case_file_pdf_is_scoped(walker, web, world):
    matter = walker.to(Stage.RAISED)
    assert web(world.officer_b).get(reverse("governance:matter-pdf", args=[matter.pk])).status_code == 404


def test_a_meeting_page_records_attendance_and_the_vote(walker, web):
    matter = walker.to(Stage.DELIBERATING)
    meeting = matter.meetings.get()
    client = web(walker.worker)
    for i in range(6):
        client.post(reverse("governance:meeting-action", args=[meeting.pk, "attend"]),
                    {"attend-name": f"居民{i}", "attend-category": "resident"})
    client.post(reverse("governance:meeting-action", args=[meeting.pk, "ballot"]),
                {"ballot-motion": "同意加装电梯", "ballot-method": "show_of_hands"})
    client.post(reverse("governance:meeting-action", args=[meeting.pk, "tally"]),
                {"tally-votes_for": 5, "tally-votes_against": 1, "tally-abstentions": 0})
    page = client.post(reverse("governance:meeting-action", args=[meeting.pk, "close"]), follow=True)
    assert "passed" in page.content.decode() or "通过" in page.content.decode()
    matter.refresh_from_db()
    assert matter.stage == Stage.DECIDED


def test_the_supervision_committee_objects_and_the_committees_answer_on_the_page(walker, web):
    matter = walker.to(Stage.ACCEPTED)
    web(walker.supervisor).post(reverse("governance:matter-action", args=[matter.pk, "object"]),
                                {"object-text": "参会人员代表性不足"})
    objection = matter.objections.get()
    web(walker.committee).post(reverse("governance:matter-action", args=[matter.pk, "answer_objection"]),
                               {"answer_objection-objection": objection.pk, "answer_objection-response": "已增补"})
    objection.refresh_from_db()
    assert objection.response == "已增补"
    page = web().get(matter.get_public_url()).content.decode()
    assert "参会人员代表性不足" in page and "已增补" in page


def test_a_worker_attaches_a_photo_that_stays_off_the_public_page(walker, web, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    matter = raise_matter(walker.area, actor=walker.worker)
    web(walker.worker).post(reverse("governance:matter-action", args=[matter.pk, "attach"]), {
        "attach-title": "现场照片", "attach-file": SimpleUploadedFile("a.jpg", b"\xff\xd8\xffjpeg", "image/jpeg")})
    assert matter.attachments.get().title == "现场照片"
    assert "现场照片" in web(walker.worker).get(matter.get_absolute_url()).content.decode()
    assert "现场照片" not in web().get(matter.get_public_url()).content.decode()


def test_a_user_without_the_role_cannot_open_the_forms(world, web):
    assert web(world.outsider).get(reverse("governance:matter-create")).status_code == 403
    assert web(world.outsider).get(reverse("governance:dispute-create")).status_code == 403


def test_a_worker_registers_a_dispute(world, web):
    response = web(world.worker_a).post(reverse("governance:dispute-create"), {
        "area": world.community_a.pk, "parties": "孙某、钱某", "dispute_type": "neighbour", "channel": "in_person",
        "mediator": "人民调解员", "received_on": "2020-04-01", "outcome": "resolved", "resolved_on": "2020-04-03",
        "agreement": "赔偿500元"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(actor=world.worker_a, action="governance.dispute.register").exists()
