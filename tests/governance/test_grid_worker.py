"""A grid worker records matters (百姓点事) and disputes in the community of their grid and sees that
community's matters; a grid grant reaches up to its community for governance's community records only,
never into another community or into other records."""

import datetime

import pytest
from django.urls import reverse

from core.choices import Role
from core.models import AuditEvent
from core.scope import scope_for
from governance import services
from governance.choices import DisputeType
from governance.models import Dispute, Matter
from tests.factories import staff
from tests.factories.governance import category, raise_matter
from tests.scoped import Pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def grid_worker(world):
    return _grid_user(world)


def _grid_user(world):
    from django.contrib.auth import get_user_model

    return (get_user_model().objects.filter(username="grid_worker_a").first()
            or staff("grid_worker_a", Role.GRID_WORKER, world.grid_a))


class _GridPersona:
    in_scope_persona = "grid_worker"

    def persona(self, world, name):
        return _grid_user(world) if name == "grid_worker" else getattr(world, name)


class TestGridWorkerMatterList(_GridPersona, Pages.List, Pages.Detail, Pages.Export):
    """The persona matrix with the grid worker as the one in scope."""

    list_url_name = "governance:matter-list"
    detail_url_name = "governance:matter-detail"

    def make_object(self, world):
        return raise_matter(world.community_a, title=f"楼道灯不亮{AuditEvent.objects.count()}")

    def row_text(self, obj):
        return obj.ref


class TestGridWorkerDisputeList(_GridPersona, Pages.List, Pages.Export):
    list_url_name = "governance:dispute-list"

    def make_object(self, world):
        return services.register_dispute(actor=None, area=world.community_a, parties="甲、乙",
                                         dispute_type=DisputeType.NEIGHBOUR,
                                         mediator=f"网格调解{AuditEvent.objects.count()}",
                                         received_on=datetime.date(2020, 5, 1))

    def row_text(self, obj):
        return obj.mediator


def test_the_matter_form_offers_the_grid_workers_community(world, web, grid_worker):
    page = web(grid_worker).get(reverse("governance:matter-create")).content.decode()
    assert world.community_a.name in page
    assert world.community_b.name not in page


def test_a_grid_worker_raises_a_matter_in_the_community_of_their_grid(world, web, grid_worker):
    client = web(grid_worker)
    response = client.post(reverse("governance:matter-create"), {
        "area": world.community_a.pk, "title": "网格内路面塌陷", "category": category().pk,
        "raised_by_name": "王大爷", "channel": "in_person"})
    assert response.status_code == 302, response.content.decode()[:2000]
    matter = Matter.objects.get(title="网格内路面塌陷")
    assert matter.area == world.community_a and matter.entered_by == grid_worker
    assert client.get(matter.get_absolute_url()).status_code == 200
    assert AuditEvent.objects.filter(actor=grid_worker, action="governance.matter.raise").exists()


def test_a_grid_worker_registers_a_dispute_in_the_community_of_their_grid(world, web, grid_worker):
    page = web(grid_worker).get(reverse("governance:dispute-create")).content.decode()
    assert world.community_a.name in page
    response = web(grid_worker).post(reverse("governance:dispute-create"), {
        "area": world.community_a.pk, "parties": "楼上楼下", "dispute_type": "neighbour", "channel": "in_person",
        "mediator": "网格员", "received_on": datetime.date(2020, 4, 1).isoformat(), "outcome": "pending"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Dispute.objects.filter(parties="楼上楼下", area=world.community_a).exists()


def test_a_grid_worker_still_cannot_see_or_record_in_another_community(world, web, grid_worker):
    theirs = raise_matter(world.community_b, title="别的社区的事")
    dispute = services.register_dispute(actor=None, area=world.community_b, parties="外社区甲、乙",
                                        dispute_type=DisputeType.NEIGHBOUR, mediator="外调解员",
                                        received_on=datetime.date(2020, 5, 1))
    client = web(grid_worker)
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert theirs.ref not in client.get(reverse("governance:matter-list")).content.decode()
    assert dispute.mediator not in client.get(reverse("governance:dispute-list")).content.decode()
    before = AuditEvent.objects.count()
    response = client.post(reverse("governance:matter-create"), {
        "area": world.community_b.pk, "title": "越界", "category": category().pk,
        "raised_by_name": "李大妈", "channel": "in_person"})
    assert response.status_code == 400
    assert AuditEvent.objects.count() == before


def test_the_grid_grant_reaches_its_community_only_for_governance_community_records(world, grid_worker):
    scope = scope_for(grid_worker)
    assert scope.covers("governance.view_matter", world.community_a.code)
    assert scope.covers("governance.add_dispute", world.community_a.code)
    assert not scope.covers("governance.view_matter", world.community_b.code)
    # the grid's own territory and other apps' records stay at the grid
    assert not scope.covers("core.view_area", world.community_a.code)
    assert scope.covers("core.view_area", world.grid_a.code)
