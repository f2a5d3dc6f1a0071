"""Staff: the list shows roles and areas; in the admin grants pick users and areas by name, and an
administrator creates accounts within the grant ceiling."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from core.choices import Role
from core.models import AuditEvent, StaffGrant

pytestmark = pytest.mark.django_db


def _admin(web, user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return web(user)


def test_the_staff_list_shows_each_persons_roles_and_areas(world, web):
    from core import services

    services.save_staff_profile(actor=None, user=world.worker_a, area=world.community_a, full_name="李娜")
    html = web(world.city_admin).get(reverse("staff-list")).content.decode()
    row = html.split("李娜")[1].split("</tr>")[0]
    assert "和平社区" in row and str(Role(Role.COMMUNITY_WORKER).label) in row


def test_a_grant_picks_its_user_and_area_by_name(world, web):
    client = _admin(web, world.city_admin)
    page = client.get(reverse("admin:core_staffgrant_add")).content.decode()
    assert "admin-autocomplete" in page
    found = client.get(reverse("admin:autocomplete"), {"term": "和平", "app_label": "core",
                                                      "model_name": "staffgrant", "field_name": "area"}).json()
    assert [r["text"] for r in found["results"]] and all("和平" in r["text"] for r in found["results"])
    users = client.get(reverse("admin:autocomplete"), {"term": "worker", "app_label": "core",
                                                      "model_name": "staffgrant", "field_name": "user"}).json()
    assert any("worker_a" in r["text"] for r in users["results"])


def test_a_district_officer_finds_no_area_of_the_other_district_by_name(world, web):
    client = _admin(web, world.officer_a)
    found = client.get(reverse("admin:autocomplete"), {"term": "胜利", "app_label": "core",
                                                      "model_name": "staffgrant", "field_name": "area"})
    assert found.status_code in (200, 403)
    if found.status_code == 200:
        assert found.json()["results"] == []


def test_an_administrator_creates_an_account_with_its_first_role_audited(world, web):
    client = _admin(web, world.city_admin)
    assert client.get(reverse("admin:auth_user_add")).status_code == 200
    response = client.post(reverse("admin:auth_user_add"), {
        "username": "new_worker", "full_name": "王芳", "password1": "Str0ng-pass!x", "password2": "Str0ng-pass!x",
        "role": Role.COMMUNITY_WORKER, "area": world.community_a.pk})
    assert response.status_code == 302, response.content.decode()[-2000:]
    user = get_user_model().objects.get(username="new_worker")
    assert StaffGrant.objects.filter(user=user, role=Role.COMMUNITY_WORKER, area=world.community_a).exists()
    assert AuditEvent.objects.filter(action="core.user.create", actor=world.city_admin).exists()


def test_a_district_officer_cannot_create_an_account_beyond_their_ceiling(world, web):
    client = _admin(web, world.officer_a)
    response = client.post(reverse("admin:auth_user_add"), {
        "username": "too_far", "full_name": "越权", "password1": "Str0ng-pass!x", "password2": "Str0ng-pass!x",
        "role": Role.COMMUNITY_WORKER, "area": world.community_b.pk})
    assert response.status_code in (200, 403)
    assert not get_user_model().objects.filter(username="too_far").exists()
