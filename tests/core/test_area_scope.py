"""The territory through API, pages and admin: a district officer sees only their district."""

import itertools

import pytest
from django.urls import reverse

from core.choices import AreaLevel
from core.models import Area
from tests.factories import make_area
from tests.scoped import API, Pages

_codes = itertools.count(2)


def _new_grid(world):
    return make_area(f"340302001001{next(_codes):03d}", AreaLevel.GRID, world.community_a)


class TestAreaAPI(API.CRUD, API.ReadOnlyPersonaCannotWrite):
    basename = "area"
    lookup_attr = "code"
    read_only_persona = "worker_a"
    audit_action_prefix = "core.area."
    list_filter_params = {"level": "grid"}

    def make_object(self, world):
        return _new_grid(world)

    def create_payload(self, world):
        return {"code": "340302001001099", "name": "新网格", "level": "grid", "kind": "urban",
                "parent": world.community_a.code}

    def update_payload(self, world, obj):
        return {"name": obj.name + "（更名）"}


class TestAreaPages(Pages.List, Pages.Detail, Pages.Export):
    list_url_name = "area-list"
    detail_url_name = "area-detail"
    detail_lookup_attr = "code"

    def make_object(self, world):
        return _new_grid(world)

    def row_text(self, obj):
        return obj.code


@pytest.mark.django_db
class TestDistrictBoundary:
    def test_officer_of_340302_gets_404_for_every_area_of_340303(self, world, api, web):
        officer = world.officer_a
        for area in Area.objects.filter(code__startswith="340303"):
            assert api(officer).get(f"/api/v1/areas/{area.code}/").status_code == 404
            assert web(officer).get(reverse("area-detail", args=[area.code])).status_code == 404
            admin_url = reverse("admin:core_area_change", args=[area.pk])
            assert web(officer).get(admin_url).status_code == 404

    def test_officer_sees_own_district_in_admin(self, world, web):
        response = web(world.officer_a).get(reverse("admin:core_area_changelist"))
        assert response.status_code == 200
        body = response.content.decode()
        assert world.community_a.code in body and world.community_b.code not in body

    def test_officer_cannot_create_an_area_in_another_district(self, world, api):
        response = api(world.officer_a).post("/api/v1/areas/", {
            "code": "340303001002", "name": "越界社区", "level": "community", "kind": "urban",
            "parent": world.street_b.code}, format="json")
        assert response.status_code == 404
        assert not Area.objects.filter(code="340303001002").exists()

    def test_city_admin_sees_both_districts(self, world, api):
        codes = {row["code"] for row in api(world.city_admin).get("/api/v1/areas/", {"level": "county"}).json()["results"]}
        assert codes == {"340302000000", "340303000000"}

    def test_parent_filter_lists_children(self, world, api):
        rows = api(world.officer_a).get("/api/v1/areas/", {"parent": world.street_a.code}).json()["results"]
        assert [r["code"] for r in rows] == [world.community_a.code]

    def test_officer_b_filtering_by_a_parent_in_district_a_gets_nothing(self, world, api):
        rows = api(world.officer_b).get("/api/v1/areas/", {"parent": world.street_a.code}).json()["results"]
        assert rows == []


@pytest.mark.django_db
def test_a_change_to_a_roles_permissions_applies_from_the_next_request(world, web):
    # Scopes keep the roles' permissions between requests; editing a group in admin (or
    # sync_roles) must still take effect at once, not at the next restart.
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.get(name="county_officer")
    view_area = Permission.objects.get(content_type__app_label="core", codename="view_area")
    assert web(world.officer_a).get("/areas/").status_code == 200
    group.permissions.remove(view_area)
    assert web(world.officer_a).get("/areas/").status_code == 403
    group.permissions.add(view_area)
    assert web(world.officer_a).get("/areas/").status_code == 200


@pytest.mark.django_db
def test_a_grant_revoked_or_given_applies_from_the_next_request(world):
    # Scopes are kept per process between requests; a grant revoked (by the service or deleted in
    # admin) or given must change what the user sees at once.
    from rest_framework.test import APIClient

    from core import services
    from core.choices import Role
    from core.models import StaffGrant

    # Signed in by session: the user is read afresh for each request, as in production (an API
    # token would end with the first change of grants, core.accounts).
    client = APIClient()
    client.force_login(world.officer_a)
    mine, theirs = f"/api/v1/areas/{world.community_a.code}/", f"/api/v1/areas/{world.community_b.code}/"
    assert client.get(mine).status_code == 200 and client.get(theirs).status_code == 404
    grant = world.officer_a.grants.get()
    services.revoke_role(actor=world.city_admin, grant=grant, reason="调岗")
    assert client.get(mine).status_code in (403, 404)
    services.grant_role(actor=world.city_admin, user=world.officer_a, role=Role.COUNTY_OFFICER,
                        area=world.district_b)
    assert client.get(theirs).status_code == 200 and client.get(mine).status_code == 404
    StaffGrant.objects.filter(user=world.officer_a).delete()  # as admin's delete does: signals, no service
    assert client.get(theirs).status_code in (403, 404)
