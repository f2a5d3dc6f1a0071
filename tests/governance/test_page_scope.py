"""The persona matrix for governance's page actions, PDFs and create forms (views that are not list
or detail pages): out of scope is 404 and writes nothing, in scope works and is audited."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from governance import services
from governance.choices import BodyKind
from governance.models import Dispute, Matter
from tests.factories.governance import category, raise_matter
from tests.scoped import Pages


class TestMatterActionPage(Pages.Action):
    action_url_name = "governance:matter-action"

    def make_object(self, world):
        return raise_matter(world.community_a)

    def action_args(self, obj):
        return [obj.pk, "support"]

    def action_payload(self, world, obj):
        return {"support-name": "李四"}


class TestMeetingActionPage(Pages.Action):
    action_url_name = "governance:meeting-action"

    def make_object(self, world):
        matter = raise_matter(world.community_a)
        services.accept_matter(actor=None, matter=matter)
        return services.schedule_meeting(actor=None, matter=matter, body_kind=BodyKind.CONSULTATION_COUNCIL,
                                         scheduled_at=timezone.now() + datetime.timedelta(days=3), location="议事厅", agenda="议程", eligible=10)

    def action_args(self, obj):
        return [obj.pk, "attend"]

    def action_payload(self, world, obj):
        return {"attend-name": "王五", "attend-category": "resident"}


class TestCaseFilePdf(Pages.Action):
    action_url_name = "governance:matter-pdf"
    action_method = "get"
    in_scope_status = (200,)
    writes = False

    def make_object(self, world):
        return raise_matter(world.community_a)


@pytest.mark.django_db
class TestCreateFormsStayInScope:
    covers_routes = ["governance:matter-create", "governance:dispute-create"]

    def test_anonymous_is_sent_to_sign_in(self, world, web):
        for name in self.covers_routes:
            response = web().get(reverse(name))
            assert response.status_code == 302 and reverse("login") in response["Location"]

    def test_a_matter_cannot_be_raised_in_another_district(self, world, web):
        before = AuditEvent.objects.count()
        response = web(world.worker_a).post(reverse("governance:matter-create"), {
            "area": world.community_b.pk, "title": "越界", "category": category().pk,
            "raised_by_name": "李大妈", "channel": "in_person"})
        assert response.status_code == 400  # the form again, with the area refused
        assert not Matter.objects.filter(title="越界").exists()
        assert AuditEvent.objects.count() == before

    def test_a_dispute_cannot_be_registered_in_another_district(self, world, web):
        before = AuditEvent.objects.count()
        response = web(world.worker_a).post(reverse("governance:dispute-create"), {
            "area": world.community_b.pk, "parties": "越界甲、乙", "dispute_type": "neighbour", "channel": "in_person",
            "mediator": "调解员", "received_on": datetime.date(2020, 4, 1).isoformat()})
        assert response.status_code == 400
        assert not Dispute.objects.filter(parties="越界甲、乙").exists()
        assert AuditEvent.objects.count() == before
