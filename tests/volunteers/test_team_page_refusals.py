"""The team page's own forms (approve a record, answer a correction, decide a join request): a refusal
shows the team page again with the reason in words beside the item's form and what was typed kept
(400 bad input, 409 a refused step); from elsewhere the step's own page shows it; out of scope 404."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import volunteers as vf
from volunteers import services
from volunteers.choices import CorrectionStatus, MembershipStatus, RecordStatus
from volunteers.models import CorrectionRequest, TeamMembership

pytestmark = pytest.mark.django_db


@pytest.fixture
def crew(world):
    manager = vf.manager_user(world.community_a)
    team = vf.team(world.community_a, manager=manager, name="和平志愿服务队", join_mode="open")
    member = vf.volunteer(world.community_a, name="王小明", user=vf.volunteer_user())
    services.join_team(actor=None, team=team, volunteer=member)
    return team, manager, member


def _client(web, user):
    client = web(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _item(page, list_id, text):
    """The <li> of the team page's list ``list_id`` that mentions ``text``."""
    listing = re.search(rf'<ul[^>]*id="{list_id}">(.*?)</ul>', page, re.S)
    assert listing, f"no list #{list_id}"
    items = [li for li in re.findall(r"<li.*?</li>", listing.group(1), re.S) if text in li]
    assert items, f"{text} not in #{list_id}"
    return items[0]


def test_approving_ones_own_recorded_hours_is_refused_beside_the_record_on_the_team_page(world, web, crew):
    team, manager, member = crew
    record = services.record_hours(actor=manager, volunteer=member, team=team, hours="2",
                                   service_date=timezone.localdate() - datetime.timedelta(days=1))
    client = _client(web, manager)
    url = reverse("volunteers:record-decide", args=[record.pk, "approve"])
    assert 'name="on" value="team"' in client.get(team.get_absolute_url()).content.decode()
    response = client.post(url, {"on": "team"})
    page = response.content.decode()
    assert response.status_code == 409
    item = _item(page, "pending-records", "王小明")
    assert "You recorded these hours; another manager of the team must approve them." in item
    assert 'id="team-members"' in page  # the team page itself
    record.refresh_from_db()
    assert record.status == RecordStatus.SUBMITTED
    elsewhere = client.post(url)  # from the step's own page: that page again
    assert elsewhere.status_code == 409 and 'id="pending-records"' not in elsewhere.content.decode()
    assert "You recorded these hours" in elsewhere.content.decode()


def test_an_answer_too_long_stays_in_the_field_with_the_reason_in_words(world, web, crew):
    team, manager, member = crew
    record = services.record_hours(actor=vf.recorder(team), volunteer=member, team=team, hours="2",
                                   service_date=timezone.localdate() - datetime.timedelta(days=1))
    services.approve_record(actor=manager, record=record)
    correction = services.request_correction(actor=member.user, record=record, requested_hours="3", reason="少记")
    typed = "核实签到记录后同意更正" * 50  # over 500 characters
    response = _client(web, manager).post(reverse("volunteers:correction-answer", args=[correction.pk]),
                                          {"on": "team", "accept": "1", "answer": typed})
    page = response.content.decode()
    assert response.status_code == 400
    item = _item(page, "team-corrections", "王小明")
    assert "Answer: Ensure this value has at most 500 characters" in item and "answer:" not in item
    assert f'value="{typed}"' in item
    blank = _client(web, manager).post(reverse("volunteers:correction-answer", args=[correction.pk]),
                                       {"on": "team", "accept": "0", "answer": "  "})
    assert blank.status_code == 400
    assert "Answer: Give the volunteer an answer." in _item(blank.content.decode(), "team-corrections", "王小明")
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.OPEN


def test_an_already_answered_correction_is_refused_at_the_top_of_its_card(world, web, crew):
    team, manager, member = crew
    record = services.record_hours(actor=vf.recorder(team), volunteer=member, team=team, hours="2",
                                   service_date=timezone.localdate() - datetime.timedelta(days=1))
    services.approve_record(actor=manager, record=record)
    correction = services.request_correction(actor=member.user, record=record, requested_hours="3", reason="少记")
    services.answer_correction(actor=manager, correction=correction, accept=False, answer="签到记录为2小时")
    response = _client(web, manager).post(reverse("volunteers:correction-answer", args=[correction.pk]),
                                          {"on": "team", "accept": "1", "answer": "同意"})
    page = response.content.decode()
    assert response.status_code == 409
    card = page[page.index('class="p-2 team-refused"'):page.index('id="team-corrections"')]
    assert "This request has already been answered." in card and "王小明" in card
    assert CorrectionRequest.objects.get().status == CorrectionStatus.REJECTED


def test_a_join_request_decided_twice_is_refused_on_the_team_page(world, web, crew):
    team, manager, member = crew
    newcomer = vf.volunteer(world.community_a, name="李红梅")
    membership = services.join_team(actor=None, team=team, volunteer=newcomer)
    if membership.status != MembershipStatus.PENDING:  # an open team admits at once: ask by approval instead
        TeamMembership.objects.filter(pk=membership.pk).update(status=MembershipStatus.PENDING)
    client = _client(web, manager)
    url = reverse("volunteers:join-decide", args=[membership.pk])
    bad = client.post(url, {"on": "team", "decision": "maybe"})
    assert bad.status_code == 400
    assert "Decision: " in _item(bad.content.decode(), "team-members", "李红梅")
    assert client.post(url, {"on": "team", "decision": "approve"}).status_code == 302
    again = client.post(url, {"on": "team", "decision": "reject"})
    page = again.content.decode()
    assert again.status_code == 409
    assert "This request has already been decided." in _item(page, "team-members", "李红梅")
    assert TeamMembership.objects.get(pk=membership.pk).status == MembershipStatus.APPROVED


def test_another_districts_manager_gets_404_not_the_team_page(world, web, crew):
    team, manager, member = crew
    record = services.record_hours(actor=vf.recorder(team), volunteer=member, team=team, hours="2",
                                   service_date=timezone.localdate() - datetime.timedelta(days=1))
    other = _client(web, vf.manager_user(world.district_b))
    response = other.post(reverse("volunteers:record-decide", args=[record.pk, "approve"]), {"on": "team"})
    assert response.status_code == 404 and "和平志愿服务队" not in response.content.decode()
    record.refresh_from_db()
    assert record.status == RecordStatus.SUBMITTED
