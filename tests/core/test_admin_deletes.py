"""Every deletion in Django admin goes through a service (scope, guards, audit) or is not offered."""

import pytest
from django.urls import reverse

from core import services
from core.choices import AreaLevel
from core.models import Area, AreaPopulation, AuditEvent, StaffProfile
from tests.factories import UserFactory, make_area, population

pytestmark = pytest.mark.django_db


def _bulk_delete(client, model_name, pks):
    return client.post(reverse(f"admin:core_{model_name}_changelist"), {
        "action": "delete_selected", "_selected_action": [str(pk) for pk in pks], "post": "yes"}, follow=True)


class TestBulkDelete:
    def test_deleting_areas_in_bulk_writes_one_audit_row_each(self, world, web):
        grids = [make_area(f"340302001001{n:03d}", AreaLevel.GRID, world.community_a) for n in (7, 8)]
        response = _bulk_delete(web(world.officer_a), "area", [g.pk for g in grids])
        assert response.status_code == 200
        assert not Area.objects.filter(pk__in=[g.pk for g in grids]).exists()
        deleted = AuditEvent.objects.filter(action="core.area.delete", actor=world.officer_a)
        assert sorted(deleted.values_list("target_label", flat=True)) == sorted(g.name for g in grids)

    def test_an_area_with_areas_below_it_stops_the_whole_batch(self, world, web):
        lone = make_area("340302001001009", AreaLevel.GRID, world.community_a)
        response = _bulk_delete(web(world.officer_a), "area", [lone.pk, world.street_a.pk])
        assert response.status_code == 200
        assert Area.objects.filter(pk__in=[lone.pk, world.street_a.pk]).count() == 2
        assert not AuditEvent.objects.filter(action="core.area.delete").exists()

    def test_a_row_one_may_see_but_not_delete_is_refused(self, world, web):
        # A district officer sees population figures but may not delete them.
        figure = population(world.community_a)
        response = _bulk_delete(web(world.officer_a), "areapopulation", [figure.pk])
        assert AreaPopulation.objects.filter(pk=figure.pk).exists()
        assert response.status_code in (200, 403)

    def test_population_figures_are_deleted_in_bulk_with_an_audit_row(self, world, web):
        figures = [population(world.community_a, year=y) for y in (2019, 2020)]
        _bulk_delete(web(world.city_admin), "areapopulation", [f.pk for f in figures])
        assert not AreaPopulation.objects.filter(pk__in=[f.pk for f in figures]).exists()
        assert AuditEvent.objects.filter(action="core.population.delete").count() == 2


class TestSingleDelete:
    def test_a_population_figure_is_deleted_without_an_error(self, world, web):
        figure = population(world.community_a)
        response = web(world.city_admin).post(reverse("admin:core_areapopulation_delete", args=[figure.pk]),
                                              {"post": "yes"})
        assert response.status_code == 302
        assert not AreaPopulation.objects.filter(pk=figure.pk).exists()
        assert AuditEvent.objects.filter(action="core.population.delete", actor=world.city_admin).exists()

    def test_a_staff_profile_is_deleted_without_an_error(self, world, web):
        profile = services.save_staff_profile(actor=None, user=UserFactory(username="clerk"), area=world.street_a,
                                              full_name="王小明")
        response = web(world.city_admin).post(reverse("admin:core_staffprofile_delete", args=[profile.pk]),
                                              {"post": "yes"})
        assert response.status_code == 302
        assert not StaffProfile.objects.filter(pk=profile.pk).exists()
        assert AuditEvent.objects.filter(action="core.staff_profile.delete", actor=world.city_admin).exists()

    def test_an_area_with_areas_below_it_is_refused_with_a_message_not_an_error(self, world, web):
        response = web(world.officer_a).post(reverse("admin:core_area_delete", args=[world.street_a.pk]),
                                             {"post": "yes"}, follow=True)
        assert response.status_code == 200
        assert Area.objects.filter(pk=world.street_a.pk).exists()


def test_an_admin_without_a_delete_service_offers_no_deletion(world):
    from django.contrib import admin

    from core.admin import ScopedModelAdmin

    class Plain(ScopedModelAdmin):
        pass

    assert not Plain(Area, admin.site).deletes_through_service()
    for model_admin in admin.site._registry.values():
        if isinstance(model_admin, ScopedModelAdmin) and not model_admin.deletes_through_service():
            assert not model_admin.has_delete_permission(type("R", (), {"user": world.city_admin})())


class TestStaffProfileDeleteService:
    """The service behind admin's deletion: the permission, the grant ceiling, one audit row, nothing in
    clear. Only the city administrator may delete a profile (a district officer may edit one)."""

    def _profile(self, user, area):
        from tests.factories import id_number

        return services.save_staff_profile(actor=None, user=user, area=area, full_name="王小明",
                                           id_number=id_number())

    def test_the_city_administrator_deletes_a_profile_and_the_audit_row_masks_the_id(self, world):
        profile = self._profile(UserFactory(username="clerk"), world.street_a)
        plain = profile.id_number.reveal_unchecked()
        services.delete_staff_profile(actor=world.city_admin, profile=profile, reason="调离")
        assert not StaffProfile.objects.filter(pk=profile.pk).exists()
        event = AuditEvent.objects.get(action="core.staff_profile.delete", actor=world.city_admin)
        assert event.reason == "调离" and event.changes["full_name"] == ["王小明", None]
        assert plain[6:14] not in str(event.changes)  # the birth date inside the ID is masked

    def test_a_district_officer_may_not_delete_one_and_nothing_is_written(self, world):
        from core.exceptions import NoPermission

        profile = self._profile(UserFactory(username="clerk"), world.street_a)
        with pytest.raises(NoPermission):
            services.delete_staff_profile(actor=world.officer_a, profile=profile)
        assert StaffProfile.objects.filter(pk=profile.pk).exists()
        assert not AuditEvent.objects.filter(action="core.staff_profile.delete").exists()

    @pytest.mark.parametrize("whose", ["a superuser", "one's own"])
    def test_a_profile_above_the_ceiling_is_refused(self, world, whose):
        from core.exceptions import NoPermission

        user = UserFactory(username="root", is_superuser=True) if whose == "a superuser" else world.city_admin
        profile = self._profile(user, world.street_a)
        with pytest.raises(NoPermission):
            services.delete_staff_profile(actor=world.city_admin, profile=profile)
        assert StaffProfile.objects.filter(pk=profile.pk).exists()
        assert not AuditEvent.objects.filter(action="core.staff_profile.delete").exists()
