"""Who should attend a meeting comes from the roster of every body that has one; a different number is
an override with a reason, recorded on the meeting and in the audit log (service, page and API)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from governance import services
from governance.choices import BodyKind, Stage
from tests.factories.governance import Walker

pytestmark = pytest.mark.django_db


@pytest.fixture
def walker(world):
    return Walker(world.village_b)  # roster: 100 adults, 40 households


def _schedule(walker, matter, **kwargs):
    return services.schedule_meeting(actor=walker.worker, matter=matter, body_kind=BodyKind.VILLAGERS_ASSEMBLY,
                                     scheduled_at=timezone.now(), location="村委会", agenda="修路", **kwargs)


def test_a_villagers_assembly_cannot_be_made_quorate_by_typing_a_small_eligible_number(walker):
    matter = walker.to(Stage.ACCEPTED)
    with pytest.raises(ValidationError) as refused:
        _schedule(walker, matter, eligible=10)
    assert "eligible_reason" in refused.value.message_dict
    assert not matter.meetings.exists()


def test_the_assembly_takes_its_roster_when_no_number_is_given(walker):
    meeting = _schedule(walker, walker.to(Stage.ACCEPTED))
    assert (meeting.eligible, meeting.eligible_households) == (100, 40)
    assert meeting.roster_eligible == 100 and meeting.eligible_reason == ""


def test_an_override_with_a_reason_is_recorded_and_audited(walker):
    meeting = _schedule(walker, walker.to(Stage.ACCEPTED), eligible=92, eligible_reason="8人外出务工，已出具委托")
    assert meeting.eligible == 92 and meeting.roster_eligible == 100
    event = AuditEvent.objects.get(action="governance.meeting.eligible_override", target_id=str(meeting.pk))
    assert event.reason == "8人外出务工，已出具委托" and event.actor == walker.worker


def test_a_consultation_council_still_counts_the_invited(world):
    walker = Walker(world.community_a)
    meeting = services.schedule_meeting(actor=walker.worker, matter=walker.to(Stage.ACCEPTED),
                                        body_kind=BodyKind.CONSULTATION_COUNCIL, scheduled_at=timezone.now(),
                                        location="议事厅", agenda="议程", eligible=9)
    assert meeting.eligible == 9 and not AuditEvent.objects.filter(action="governance.meeting.eligible_override")


def test_the_page_refuses_an_override_without_reason_and_keeps_the_input(walker, web):
    matter = walker.to(Stage.ACCEPTED)
    url = reverse("governance:matter-action", args=[matter.pk, "schedule"])
    data = {"schedule-body_kind": "villagers_assembly", "schedule-scheduled_at": timezone.localtime().strftime(
        "%Y-%m-%dT%H:%M"), "schedule-location": "村委会", "schedule-agenda": "修路", "schedule-eligible": "10"}
    response = web(walker.worker).post(url, data)
    page = response.content.decode()
    assert response.status_code == 400 and "修路" in page
    assert "eligible_reason:" not in page and "100" in page  # the roster's count, under the field's label
    assert not matter.meetings.exists()
    response = web(walker.worker).post(url, {**data, "schedule-eligible_reason": "名册未更新，实有10人"})
    assert response.status_code == 302
    assert matter.meetings.get().eligible_reason == "名册未更新，实有10人"


def test_the_api_refuses_an_override_without_reason(walker, api):
    matter = walker.to(Stage.ACCEPTED)
    url = reverse("api:governance-matter-schedule-meeting", args=[matter.pk])
    payload = {"body_kind": "villagers_assembly", "scheduled_at": timezone.now().isoformat(), "location": "村委会",
               "agenda": "修路", "eligible": 10}
    refused = api(walker.worker).post(url, payload, format="json")
    assert refused.status_code == 400 and "eligible_reason" in refused.json()["error"]["fields"]
    done = api(walker.worker).post(url, {**payload, "eligible_reason": "名册未更新"}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["eligible"] == 10 and done.json()["roster_eligible"] == 100


def test_the_default_body_is_refused_with_the_right_bodies_named(world, web):
    walker = Walker(world.community_a)
    matter = walker.to(Stage.ACCEPTED)
    response = web(walker.worker).post(reverse("governance:matter-action", args=[matter.pk, "schedule"]), {
        "schedule-body_kind": "party_org", "schedule-scheduled_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "schedule-location": "议事厅", "schedule-agenda": "议程", "schedule-eligible": "9"})
    page = response.content.decode()
    assert response.status_code == 400
    assert str(BodyKind.CONSULTATION_COUNCIL.label) in page or "议事会" in page
    assert not matter.meetings.exists()


def test_the_schedule_form_starts_on_the_body_that_holds_the_meeting(world, web):
    walker = Walker(world.community_a)
    page = web(walker.worker).get(walker.to(Stage.ACCEPTED).get_absolute_url()).content.decode()
    assert '<option value="consultation_council" selected>' in page
