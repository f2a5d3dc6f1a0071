"""Granting has a ceiling: nobody gives a role above their own, outside their areas, or to themselves.

One rule (core.grants) behind every path: the service, Django admin's grant form, revoking,
``manage.py add_staff --by``. The system (``actor=None``) and superusers are unrestricted.
"""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from core import grants, services
from core.choices import Role
from core.exceptions import NoPermission, OutOfScope
from core.models import AuditEvent, StaffGrant
from tests.factories import UserFactory, staff

pytestmark = pytest.mark.django_db


def _grant_form(web, actor, user, role, area):
    return web(actor).post(reverse("admin:core_staffgrant_add"), {"user": user.pk, "role": role, "area": area.pk})


class TestTheRule:
    @pytest.mark.parametrize("role", [Role.CITY_ADMIN, Role.AUDITOR])
    def test_a_district_officer_cannot_give_himself_a_city_role_at_his_own_district(self, world, role):
        with pytest.raises(NoPermission):
            services.grant_role(actor=world.officer_a, user=world.officer_a, role=role, area=world.district_a)
        assert not world.officer_a.grants.filter(role=role).exists()

    @pytest.mark.parametrize("role", [Role.CITY_ADMIN, Role.AUDITOR])
    def test_a_district_officer_cannot_give_an_accomplice_a_role_above_his_own(self, world, role):
        accomplice = UserFactory(username="accomplice")
        with pytest.raises(NoPermission):
            services.grant_role(actor=world.officer_a, user=accomplice, role=role, area=world.district_a)
        assert not accomplice.grants.exists()

    def test_nobody_grants_to_themselves_even_a_lower_role(self, world):
        with pytest.raises(NoPermission):
            services.grant_role(actor=world.officer_a, user=world.officer_a, role=Role.COMMUNITY_WORKER,
                                area=world.community_a)

    def test_a_grant_at_the_city_or_another_district_is_out_of_reach(self, world):
        newcomer = UserFactory(username="newcomer")
        with pytest.raises(OutOfScope):
            services.grant_role(actor=world.officer_a, user=newcomer, role=Role.COMMUNITY_WORKER, area=world.city)
        with pytest.raises(OutOfScope):
            services.grant_role(actor=world.officer_a, user=newcomer, role=Role.COMMUNITY_WORKER,
                                area=world.community_b)

    def test_a_street_officer_may_not_grant_at_all(self, world):
        with pytest.raises(OutOfScope):
            services.grant_role(actor=world.street_officer_a, user=UserFactory(username="x"),
                                role=Role.GRID_WORKER, area=world.grid_a)

    def test_a_district_officer_grants_within_his_ceiling_and_it_is_audited(self, world):
        newcomer = UserFactory(username="newcomer")
        grant = services.grant_role(actor=world.officer_a, user=newcomer, role=Role.TOWNSHIP_OFFICER,
                                    area=world.street_a)
        assert grant.user == newcomer
        event = AuditEvent.objects.get(action="core.grant.create", target_id=str(grant.pk))
        assert event.actor == world.officer_a and event.area_code == world.street_a.code

    def test_the_city_administrator_may_appoint_an_auditor_but_not_himself(self, world):
        services.grant_role(actor=world.city_admin, user=UserFactory(username="new_auditor"), role=Role.AUDITOR,
                            area=world.city)
        with pytest.raises(NoPermission):
            services.grant_role(actor=world.city_admin, user=world.city_admin, role=Role.AUDITOR, area=world.city)

    def test_the_offered_roles_are_those_below_the_actor(self, world):
        offered = set(grants.grantable_roles(world.officer_a))
        assert Role.COMMUNITY_WORKER in offered and Role.COUNTY_OFFICER in offered
        assert not offered & {Role.CITY_ADMIN, Role.AUDITOR}
        assert set(grants.grantable_roles(None)) == set(Role.values)


class TestRevoking:
    def test_a_district_officer_cannot_revoke_the_city_administrator_nor_himself(self, world):
        city_grant = StaffGrant.objects.get(user=world.city_admin)
        with pytest.raises(OutOfScope):
            services.revoke_role(actor=world.officer_a, grant=city_grant)
        above = services.grant_role(actor=None, user=UserFactory(username="boss"), role=Role.CITY_ADMIN,
                                    area=world.district_a)
        with pytest.raises(NoPermission):
            services.revoke_role(actor=world.officer_a, grant=above)
        with pytest.raises(NoPermission):
            services.revoke_role(actor=world.officer_a, grant=StaffGrant.objects.get(user=world.officer_a))
        assert StaffGrant.objects.filter(pk__in=[city_grant.pk, above.pk]).count() == 2

    def test_revoking_within_the_ceiling_works_and_is_audited(self, world):
        grant = StaffGrant.objects.get(user=world.worker_a)
        services.revoke_role(actor=world.officer_a, grant=grant, reason="调岗")
        assert not StaffGrant.objects.filter(pk=grant.pk).exists()
        assert AuditEvent.objects.filter(action="core.grant.delete", actor=world.officer_a).exists()


class TestAdmin:
    def test_the_grant_form_offers_only_grantable_roles(self, world, web):
        body = web(world.officer_a).get(reverse("admin:core_staffgrant_add")).content.decode()
        assert 'value="community_worker"' in body
        assert 'value="city_admin"' not in body and 'value="auditor"' not in body

    def test_the_grant_form_refuses_a_city_role_for_himself(self, world, web):
        response = _grant_form(web, world.officer_a, world.officer_a, Role.CITY_ADMIN, world.district_a)
        assert response.status_code == 200  # the form again, with the error
        assert not world.officer_a.grants.filter(role=Role.CITY_ADMIN).exists()

    def test_the_grant_form_refuses_a_lower_role_for_himself_with_a_reason(self, world, web):
        response = _grant_form(web, world.officer_a, world.officer_a, Role.COMMUNITY_WORKER, world.community_a)
        assert response.status_code == 200
        assert "errornote" in response.content.decode()
        assert not world.officer_a.grants.filter(role=Role.COMMUNITY_WORKER).exists()

    def test_the_grant_form_grants_within_the_ceiling(self, world, web):
        newcomer = UserFactory(username="newcomer")
        response = _grant_form(web, world.officer_a, newcomer, Role.COMMUNITY_WORKER, world.community_a)
        assert response.status_code == 302
        grant = StaffGrant.objects.get(user=newcomer)
        assert AuditEvent.objects.filter(action="core.grant.create", target_id=str(grant.pk),
                                         actor=world.officer_a).exists()

    def test_an_existing_grant_cannot_be_edited_into_another_role_or_area(self, world, web):
        grant = StaffGrant.objects.get(user=world.worker_a)
        url = reverse("admin:core_staffgrant_change", args=[grant.pk])
        response = web(world.officer_a).post(url, {"user": world.officer_a.pk, "role": Role.CITY_ADMIN,
                                                   "area": world.district_a.pk})
        assert response.status_code == 403
        grant.refresh_from_db()
        assert (grant.user, grant.role, grant.area) == (world.worker_a, Role.COMMUNITY_WORKER, world.community_a)

    def test_deleting_the_city_administrators_grant_in_bulk_is_refused(self, world, web):
        above = services.grant_role(actor=None, user=UserFactory(username="boss"), role=Role.CITY_ADMIN,
                                    area=world.district_a)
        response = web(world.officer_a).post(reverse("admin:core_staffgrant_changelist"), {
            "action": "delete_selected", "_selected_action": [above.pk], "post": "yes"}, follow=True)
        assert response.status_code == 200
        assert StaffGrant.objects.filter(pk=above.pk).exists()


class TestAddStaff:
    def test_a_district_officer_cannot_reset_the_password_of_someone_above_him(self, world):
        boss = staff("boss", Role.CITY_ADMIN, world.district_a)
        with pytest.raises(NoPermission):
            services.add_staff(actor=world.officer_a, username="boss", role=Role.GRID_WORKER,
                               area_code=world.grid_a.code, password="Qwe-rty-2020!")
        boss.refresh_from_db()
        assert boss.check_password("Str0ng-pass!")

    def test_the_command_acting_for_an_officer_applies_his_ceiling(self, world):
        with pytest.raises(CommandError):
            call_command("add_staff", "officer_a", "--role", "city_admin", "--area", world.district_a.code,
                         "--by", "officer_a")
        with pytest.raises(CommandError):
            call_command("add_staff", "mole", "--role", "auditor", "--area", world.district_a.code,
                         "--by", "officer_a")
        assert not StaffGrant.objects.filter(role__in=[Role.AUDITOR], area=world.district_a).exists()

    def test_the_command_acting_for_an_officer_grants_within_it(self, world, capsys):
        call_command("add_staff", "newworker", "--role", "community_worker", "--area", world.community_a.code,
                     "--by", "officer_a")
        assert "community_worker@340302001001" in capsys.readouterr().out
        assert AuditEvent.objects.filter(action="core.grant.create", actor=world.officer_a).exists()


class TestAppointedRoles:
    """The children's roles are given by appointment: civil-affairs officers approve who may open
    children's records without being able to open them themselves (before, no administrator could
    give them at all: the ceiling demanded the children's permissions, which no administrator holds)."""

    def test_the_city_administrator_appoints_a_rescue_stations_staff(self, world):
        clerk = UserFactory(username="station_clerk")
        grant = services.grant_role(actor=world.city_admin, user=clerk, role=Role.RESCUE_STAFF, area=world.district_a)
        assert grant.pk and AuditEvent.objects.filter(action="core.grant.create", target_id=str(grant.pk)).exists()
        from core.scope import scope_for

        admin = scope_for(world.city_admin)
        assert not admin.has_perm_somewhere("child_care.view_rescuecase")  # approving is not seeing

    def test_a_district_officer_appoints_child_directors_in_his_district_only(self, world):
        director = UserFactory(username="director")
        services.grant_role(actor=world.officer_a, user=director, role=Role.CHILD_DIRECTOR, area=world.community_a)
        with pytest.raises(OutOfScope):
            services.grant_role(actor=world.officer_a, user=director, role=Role.CHILD_DIRECTOR,
                                area=world.community_b)
        assert list(director.grants.values_list("area__code", flat=True)) == [world.community_a.code]

    def test_a_district_officer_cannot_appoint_a_stations_staff(self, world):
        clerk = UserFactory(username="station_clerk")
        with pytest.raises(NoPermission):
            services.grant_role(actor=world.officer_a, user=clerk, role=Role.RESCUE_STAFF, area=world.district_a)

    def test_nobody_appoints_themselves(self, world):
        with pytest.raises(NoPermission):
            services.grant_role(actor=world.officer_a, user=world.officer_a, role=Role.CHILD_DIRECTOR,
                                area=world.community_a)

    def test_a_street_officer_without_the_grant_permission_appoints_nobody(self, world):
        with pytest.raises((NoPermission, OutOfScope)):
            services.grant_role(actor=world.street_officer_a, user=UserFactory(username="d2"),
                                role=Role.CHILD_DIRECTOR, area=world.community_a)

    def test_the_appointer_may_revoke_what_he_may_give(self, world):
        director = UserFactory(username="director")
        grant = services.grant_role(actor=world.officer_a, user=director, role=Role.CHILD_DIRECTOR,
                                    area=world.community_a)
        assert grants.can_revoke(world.officer_a, grant) and not grants.can_revoke(world.officer_b, grant)
