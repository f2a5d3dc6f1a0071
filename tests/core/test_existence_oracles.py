"""Outside one's area a record does not exist: every path answers for another district's record
exactly as for a record that exists nowhere (status and body), so no answer reveals it."""

import datetime
import re

import pytest
from django.urls import reverse

from governance.models import Matter
from tests.factories import governance as gf
from tests.factories import volunteers as vf
from volunteers import services
from volunteers.models import Volunteer

NOWHERE = 987654321


def _text(response, given):
    """The body with the given id and the per-response CSRF token set aside."""
    return re.sub(r'csrf[^"]*"\s*:\s*"[^"]+"|name="csrfmiddlewaretoken" value="[^"]+"', "CSRF",
                  re.sub(rf"(?<!\w){re.escape(str(given))}(?!\w)", "ID", response.content.decode()), flags=re.I)


def _same(answer, absent, *, known, unknown):
    assert answer.status_code == absent.status_code
    assert _text(answer, known) == _text(absent, unknown)


@pytest.mark.django_db
def test_merging_into_another_districts_matter_reads_as_merging_into_no_matter(world, api):
    walker = gf.Walker(world.community_a)
    matter = gf.raise_matter(world.community_a)
    elsewhere = gf.raise_matter(world.community_b)
    url = reverse("api:governance-matter-merge", args=[matter.pk])
    refused = api(walker.committee).post(url, {"into": elsewhere.pk}, format="json")
    absent = api(walker.committee).post(url, {"into": NOWHERE}, format="json")
    assert refused.status_code == 400
    _same(refused, absent, known=elsewhere.pk, unknown=NOWHERE)
    assert Matter.objects.get(pk=matter.pk).merged_into is None


@pytest.mark.django_db
def test_a_setting_for_another_districts_community_reads_as_one_for_no_community(world, api):
    url = reverse("api:governance-communitysetting-list")
    refused = api(world.officer_a).post(url, {"area": world.community_b.code, "adults": 1}, format="json")
    absent = api(world.officer_a).post(url, {"area": "340302009999", "adults": 1}, format="json")
    _same(refused, absent, known=world.community_b.code, unknown="340302009999")


@pytest.mark.django_db
def test_approving_another_districts_hours_is_404_before_any_state_check(world, api):
    team_b = vf.team(world.community_b, manager=world.officer_b)
    vol_b = vf.volunteer(world.community_b)
    record = services.record_hours(actor=vf.recorder(team_b), volunteer=vol_b, team=team_b, hours="2",
                                   service_date=datetime.date(2024, 5, 1))
    services.approve_record(actor=world.officer_b, record=record)  # approving again would be a 409 for B
    refused = api(world.officer_a).post(reverse("api:volunteers-hours-approve", args=[record.pk]))
    absent = api(world.officer_a).post(reverse("api:volunteers-hours-approve", args=[NOWHERE]))
    assert refused.status_code == 404
    _same(refused, absent, known=record.pk, unknown=NOWHERE)


@pytest.mark.django_db
def test_registering_an_id_known_in_another_district_answers_as_for_one_known_in_ones_own(world, api):
    """A second registration of a person cannot be created; the refusal does not say where."""
    vf.volunteer(world.community_b, name="王五")  # born 1990-03-04 in 340303
    vf.volunteer(world.community_a, name="赵六", born=datetime.date(1991, 3, 4))
    url = reverse("api:volunteers-volunteer-list")
    body = {"name": "某人", "area": world.community_a.code, "registered_on": "2024-05-01"}
    elsewhere = api(world.officer_a).post(
        url, {**body, "id_number": Volunteer.objects.get(name="王五").id_number.reveal_unchecked()}, format="json")
    own = api(world.officer_a).post(
        url, {**body, "id_number": Volunteer.objects.get(name="赵六").id_number.reveal_unchecked()}, format="json")
    assert elsewhere.status_code == own.status_code == 400
    assert elsewhere.json() == own.json()
    assert "id_number" in elsewhere.json()["error"]["fields"]


@pytest.mark.django_db
def test_the_admin_change_page_of_another_districts_record_is_the_404_of_no_record(world, web):
    world.officer_a.is_staff = True
    world.officer_a.save()
    elsewhere = vf.volunteer(world.community_b)
    client = web(world.officer_a)
    for view in ("change", "history", "delete"):
        refused = client.get(reverse(f"admin:volunteers_volunteer_{view}", args=[elsewhere.pk]))
        absent = client.get(reverse(f"admin:volunteers_volunteer_{view}", args=[NOWHERE]))
        assert refused.status_code == (403 if view == "delete" else 404), view  # read-only admin: no delete at all
        _same(refused, absent, known=elsewhere.pk, unknown=NOWHERE)


@pytest.mark.django_db
def test_revealing_another_districts_id_number_is_the_404_of_no_record_even_without_a_reason(world, web):
    elsewhere = vf.volunteer(world.community_b)
    client = web(world.officer_a)
    refused = client.post(reverse("reveal", args=["volunteer", elsewhere.pk, "id_number"]), {"reason": ""})
    absent = client.post(reverse("reveal", args=["volunteer", NOWHERE, "id_number"]), {"reason": ""})
    assert refused.status_code == absent.status_code == 404
    _same(refused, absent, known=elsewhere.pk, unknown=NOWHERE)


@pytest.mark.django_db
class TestAdminRawIdWidget:
    """Django admin's raw-id widget prints the name of the record an id names, fetched through the
    model's default manager: an add form opened with another district's id in the query string
    would name that district's area."""

    def _add_form(self, client, area_pk):
        return client.get(reverse("admin:core_areapopulation_add") + f"?area={area_pk}")

    def test_another_districts_area_is_not_named_on_an_add_form(self, world, web):
        client = web(world.officer_a)
        answer = self._add_form(client, world.community_b.pk)
        assert answer.status_code == 200
        assert world.community_b.name not in answer.content.decode()
        _same(answer, self._add_form(client, NOWHERE), known=world.community_b.pk, unknown=NOWHERE)

    def test_an_area_of_ones_own_is_still_named(self, world, web):
        answer = self._add_form(web(world.officer_a), world.community_a.pk)
        assert world.community_a.name in answer.content.decode()


@pytest.mark.django_db
def test_appointing_another_districts_user_to_a_team_reads_as_appointing_no_user(world, api):
    team_a = vf.team(world.community_a, manager=world.officer_a)
    url = reverse("api:volunteers-team-staff", args=[team_a.pk])
    refused = api(world.officer_a).post(url, {"user": world.officer_b.username, "role": "recorder"}, format="json")
    absent = api(world.officer_a).post(url, {"user": "nobody_at_all", "role": "recorder"}, format="json")
    assert refused.status_code == absent.status_code == 400
    _same(refused, absent, known=world.officer_b.username, unknown="nobody_at_all")
    mine = vf.manager_user(world.community_a, "clerk_a")
    assert api(world.officer_a).post(url, {"user": mine.username, "role": "recorder"}, format="json").status_code == 201


@pytest.mark.django_db
def test_filtering_a_list_by_another_districts_team_reads_as_filtering_by_no_team(world, api):
    """An automatic filter (``filterset_fields``) offers only records within scope: another district's
    team is refused exactly as an id that exists nowhere (it used to filter to an empty page, 200)."""
    team_b = vf.team(world.community_b, manager=world.officer_b)
    url = reverse("api:volunteers-certificate-list")
    answer = api(world.officer_a).get(url, {"team": team_b.pk})
    absent = api(world.officer_a).get(url, {"team": NOWHERE})
    assert answer.status_code == 400
    _same(answer, absent, known=team_b.pk, unknown=NOWHERE)
    own = vf.team(world.community_a, manager=world.officer_a)
    assert api(world.officer_a).get(url, {"team": own.pk}).status_code == 200
