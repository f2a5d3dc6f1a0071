"""Disputes on pages: dates checked by the model (resolved before received, received in the future),
the refusal shown on the form; a dispute is resolved and reopened from its own page."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from governance import services
from governance.choices import DisputeOutcome, DisputeType
from governance.models import Dispute
from tests.scoped import Pages

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _dispute(world, area=None, **values):
    return services.register_dispute(actor=None, area=area or world.community_a, parties="甲、乙",
                                     dispute_type=DisputeType.NEIGHBOUR, mediator="老周",
                                     received_on=values.pop("received_on", datetime.date(2026, 3, 1)), **values)


def test_a_dispute_cannot_be_received_in_the_future(world):
    with pytest.raises(ValidationError) as refused:
        Dispute(area=world.community_a, parties="甲", dispute_type=DisputeType.NEIGHBOUR, mediator="m",
                received_on=timezone.localdate() + DAY).full_clean()
    assert "received_on" in refused.value.message_dict


def test_a_dispute_cannot_be_resolved_before_it_was_received(world):
    with pytest.raises(ValidationError) as refused:
        Dispute(area=world.community_a, parties="甲", dispute_type=DisputeType.NEIGHBOUR, mediator="m",
                received_on=datetime.date(2026, 3, 5), outcome=DisputeOutcome.RESOLVED,
                resolved_on=datetime.date(2026, 3, 1)).full_clean()
    assert "resolved_on" in refused.value.message_dict


def test_the_form_shows_the_date_refusal_beside_the_kept_input(world, web):
    response = web(world.worker_a).post(reverse("governance:dispute-create"), {
        "area": world.community_a.pk, "parties": "张家、李家", "dispute_type": "neighbour", "channel": "in_person",
        "mediator": "老周", "received_on": (timezone.localdate() + 3 * DAY).isoformat(), "outcome": "pending"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "张家、李家" in page and "received_on:" not in page
    assert not Dispute.objects.filter(parties="张家、李家").exists()


class TestResolveOnThePage(Pages.Action):
    action_url_name = "governance:dispute-resolve"

    def make_object(self, world):
        return _dispute(world)

    def action_payload(self, world, obj):
        return {"resolved_on": datetime.date(2026, 3, 3).isoformat(), "agreement": "赔偿500元"}


class TestReopenOnThePage(Pages.Action):
    action_url_name = "governance:dispute-reopen"

    def make_object(self, world):
        return _dispute(world, outcome=DisputeOutcome.RESOLVED, resolved_on=datetime.date(2026, 3, 2))

    def action_payload(self, world, obj):
        return {"reason": "一方反悔"}


class TestDisputeDetailPage(Pages.Detail):
    list_url_name = "governance:dispute-list"
    detail_url_name = "governance:dispute-detail"

    def make_object(self, world):
        return _dispute(world)


def test_a_worker_resolves_then_reopens_a_dispute_from_its_page(world, web):
    dispute = _dispute(world)
    client = web(world.worker_a)
    page = client.get(reverse("governance:dispute-detail", args=[dispute.pk])).content.decode()
    assert reverse("governance:dispute-resolve", args=[dispute.pk]) in page
    early = client.post(reverse("governance:dispute-resolve", args=[dispute.pk]),
                        {"resolved_on": datetime.date(2026, 2, 1).isoformat(), "agreement": "和解"})
    assert early.status_code == 400 and "和解" in early.content.decode()
    done = client.post(reverse("governance:dispute-resolve", args=[dispute.pk]),
                       {"resolved_on": datetime.date(2026, 3, 4).isoformat(), "agreement": "和解"})
    assert done.status_code == 302
    dispute.refresh_from_db()
    assert dispute.outcome == DisputeOutcome.RESOLVED and dispute.resolved_on == datetime.date(2026, 3, 4)
    assert client.post(reverse("governance:dispute-reopen", args=[dispute.pk]), {"reason": "又吵起来了"}).status_code == 302
    dispute.refresh_from_db()
    assert dispute.reopened_on == timezone.localdate() and dispute.outcome == DisputeOutcome.PENDING
    assert AuditEvent.objects.filter(action="governance.dispute.reopen", reason="又吵起来了").exists()


def test_the_list_links_each_dispute_to_its_page(world, web):
    dispute = _dispute(world)
    page = web(world.worker_a).get(reverse("governance:dispute-list")).content.decode()
    assert reverse("governance:dispute-detail", args=[dispute.pk]) in page
