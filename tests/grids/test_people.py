"""A community worker is a person the portal already knows: their seats on the community bodies and their
social-work qualification show on their file (in the reader's scope), their ID number and phone masked; a
person with two worker records is counted once in the posts filled and the workers per grid."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from core.personal import str_plain
from governance.choices import Capacity, MemberRole
from governance.services import add_body_member
from grids import services
from grids.choices import PostType, WorkerStatus
from grids.models import CommunityWorker, PostQuota
from reports.engine import compute
from reports.periods import Period
from reports.registry import REGISTRY
from tests.factories import grids as f
from volunteers.choices import SocialWorkLevel
from volunteers.services import register_social_worker

pytestmark = pytest.mark.django_db


def _linked_worker(world, social_area=None):
    """A worker of community A who directs its two committees and is a registered social worker."""
    worker = f.worker(world.community_a)
    add_body_member(actor=None, area=world.community_a, capacity=Capacity.TWO_COMMITTEES, name="另一个名字",
                    role=MemberRole.DIRECTOR, user=worker.staff.user, term_start=datetime.date(2020, 1, 1))
    register_social_worker(actor=None, name=worker.staff.full_name, id_number=str_plain(worker.staff.id_number),
                           level=SocialWorkLevel.SENIOR, certificate_no="SW-2019-001", certified_year=2019,
                           area=social_area or world.community_a)
    return worker


def _page(client, user, worker):
    client.force_login(user)
    return client.get(reverse("grids:worker-detail", args=[worker.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")


def test_the_workers_seat_and_social_work_qualification_show_on_their_page_masked(world, client):
    worker = _linked_worker(world)
    response = _page(client, world.officer_a, worker)
    assert response.status_code == 200
    page = response.content.decode()
    with translation.override("zh-hans"):
        seat = f"{world.community_a.name} · {Capacity.TWO_COMMITTEES.label} · {MemberRole.DIRECTOR.label}"
        level = str(SocialWorkLevel.SENIOR.label)
    assert seat in page and level in page and "2019" in page
    plain_id, plain_phone = str_plain(worker.staff.id_number), str_plain(worker.staff.phone)
    assert worker.staff.id_number.masked in page and worker.staff.phone.masked in page
    assert plain_id not in page and plain_phone not in page


def test_a_worker_without_seat_or_qualification_shows_none(world, client):
    worker = f.worker(world.community_a)
    other = _linked_worker(world)  # someone else's seat and register entry are not this worker's
    page = _page(client, world.officer_a, worker).content.decode()
    with translation.override("zh-hans"):
        assert str(MemberRole.DIRECTOR.label) not in page and str(SocialWorkLevel.SENIOR.label) not in page
    assert other.staff.full_name not in page


def test_a_seat_is_matched_by_the_account_never_by_the_name(world, client):
    worker = f.worker(world.community_a)
    add_body_member(actor=None, area=world.community_a, capacity=Capacity.SUPERVISION_COMMITTEE,
                    name=worker.staff.full_name, role=MemberRole.CHAIR, term_start=datetime.date(2020, 1, 1))
    page = _page(client, world.officer_a, worker).content.decode()
    with translation.override("zh-hans"):
        assert str(Capacity.SUPERVISION_COMMITTEE.label) not in page  # a namesake without the account


def test_a_link_outside_the_readers_scope_is_not_shown(world, client):
    worker = _linked_worker(world, social_area=world.community_b)  # registered in the other district
    page = _page(client, world.officer_a, worker).content.decode()
    with translation.override("zh-hans"):
        assert str(MemberRole.DIRECTOR.label) in page
        assert str(SocialWorkLevel.SENIOR.label) not in page


def test_the_other_districts_officer_finds_no_worker(world, client, api):
    worker = _linked_worker(world)
    assert _page(client, world.officer_b, worker).status_code == 404
    assert api(world.officer_b).get(f"/api/v1/grids/workers/{worker.pk}/").status_code == 404


def test_the_api_detail_gives_the_seats_and_qualification_masked(world, api):
    worker = _linked_worker(world)
    body = api(world.officer_a).get(f"/api/v1/grids/workers/{worker.pk}/").json()
    assert body["seats"] == [{"area": world.community_a.code, "body": Capacity.TWO_COMMITTEES,
                              "role": MemberRole.DIRECTOR, "term_start": "2020-01-01", "term_end": None}]
    assert body["social_work"] == {"level": SocialWorkLevel.SENIOR, "certified_year": 2019,
                                   "area": world.community_a.code}
    assert body["id_number"] == worker.staff.id_number.masked != str_plain(worker.staff.id_number)
    assert body["phone"] == worker.staff.phone.masked
    listing = api(world.officer_a).get("/api/v1/grids/workers/").json()
    assert "seats" not in listing["results"][0]  # the list stays as it was


# --- a person is counted once ----------------------------------------------------------------------------
def _second_record(worker, area, hired_on, **kwargs):
    """A second worker record of the same person (a re-hire, a record kept from elsewhere)."""
    return CommunityWorker.objects.create(staff=worker.staff, area=area, post_type=PostType.OTHER, grade=3,
                                          grade_since=hired_on, monthly_pay=Decimal("3800"), hired_on=hired_on,
                                          **kwargs)


def test_a_person_with_two_records_fills_one_post(world):
    worker = f.worker(world.community_a, hired_on=datetime.date(2020, 3, 1))
    f.worker(world.community_a, hired_on=datetime.date(2020, 3, 1))
    _second_record(worker, world.community_a, datetime.date(2020, 6, 1))
    quota = services.set_post_quota(actor=None, area=world.community_a, year=2020, approved=10)
    assert (quota.filled, quota.vacant) == (2, 8)  # two persons, three records
    assert PostQuota.objects.get(pk=quota.pk).filled == 2


def test_a_person_with_two_records_counts_once_in_the_workers_per_grid(world):
    first = f.worker(world.community_a, hired_on=datetime.date(2020, 3, 1))
    f.worker(world.community_b, hired_on=datetime.date(2020, 3, 1))
    # The same person: a record that ended and a re-hire in A, and one more in B (the latest: counted there).
    _second_record(first, world.community_a, datetime.date(2019, 1, 1), status=WorkerStatus.LEFT,
                   left_on=datetime.date(2020, 12, 31))
    _second_record(first, world.community_b, datetime.date(2020, 9, 1))
    result = compute([REGISTRY["grids.workers_per_grid"]], Period.parse("2020"))
    numerator = {v.area_id: v.numerator for v in result.values}
    assert numerator[world.city.pk] == 2  # two persons, four records
    assert numerator[world.community_a.pk] == 0 and numerator[world.community_b.pk] == 2
