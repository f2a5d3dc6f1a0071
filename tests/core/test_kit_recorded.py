"""The recorded writes of the kit (core.recorded): scope before, lock, allowed fields, full_clean,
save only on change, scope after, one audit event with before/after — for any scoped model."""

import pytest
from django.core.exceptions import ValidationError

from core.choices import AreaKind, AreaLevel
from core.exceptions import NoPermission, OutOfScope
from core.models import Area, AreaPopulation, AuditEvent, FindingEscalation
from core.querysets import area_path, code_path
from core.services import create_recorded, delete_recorded, perm_name, update_recorded

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_events(world):
    """The audit events written after the world was made."""
    start = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return lambda: AuditEvent.objects.filter(pk__gt=start)


def population(area, year=2023, resident=1000, registered=900):
    return AreaPopulation.objects.create(area=area, year=year, resident=resident, registered=registered)


def test_the_permission_name_is_built_in_one_place():
    assert perm_name(AreaPopulation, "change") == "core.change_areapopulation"
    assert perm_name(Area, "add") == "core.add_area"


def test_where_a_record_lies_is_read_from_one_declaration():
    assert area_path(AreaPopulation) == "area" and code_path(AreaPopulation) == "area__code"
    assert area_path(Area) == "" and code_path(Area) == "code"
    assert area_path(FindingEscalation) == "finding__area"
    assert area_path(AuditEvent) is None  # scoped by a bare code: no area to follow


def test_a_scope_field_declared_on_the_model_is_what_restrict_and_the_writes_follow(world, monkeypatch):
    pop = population(world.community_a)
    assert AreaPopulation.objects.restrict(world.street_officer_a).count() == 1
    # Declared on the model: these figures lie where their area's grandparent (the district) lies.
    monkeypatch.setattr(AreaPopulation, "scope_field", "area__parent__parent", raising=False)
    assert code_path(AreaPopulation) == "area__parent__parent__code"
    assert AreaPopulation.objects.restrict(world.street_officer_a).count() == 0  # the district is above the street
    assert AreaPopulation.objects.restrict(world.officer_a).count() == 1
    with pytest.raises(OutOfScope):  # the street officer's street is not where this record lies any more
        update_recorded(pop, {"resident": 1}, allowed=("resident",), actor=world.street_officer_a, action="x.update")
    update_recorded(pop, {"resident": 1}, allowed=("resident",), actor=world.officer_a, action="x.update")


class TestUpdate:
    def test_in_scope_it_saves_and_leaves_one_audit_row_with_before_and_after(self, world, new_events):
        pop = population(world.community_a)
        saved = update_recorded(pop, {"resident": 1200}, allowed=("resident", "registered"),
                                actor=world.officer_a, action="core.population.update", reason="普查更正")
        assert AreaPopulation.objects.get(pk=pop.pk).resident == 1200 == saved.resident
        event = new_events().get(target_id=str(pop.pk))
        assert event.action == "core.population.update" and event.actor == world.officer_a
        assert event.changes == {"resident": [1000, 1200]}
        assert event.area == world.community_a and event.reason == "普查更正"

    def test_nothing_changed_writes_nothing(self, world, new_events):
        pop = population(world.community_a)
        update_recorded(pop, {"resident": 1000}, allowed=("resident",), actor=world.officer_a, action="x.update")
        assert not new_events().exists()

    def test_out_of_scope_it_does_not_exist_and_nothing_is_written(self, world, new_events):
        pop = population(world.community_a)
        with pytest.raises(OutOfScope):
            update_recorded(pop, {"resident": 5}, allowed=("resident",), actor=world.officer_b, action="x.update")
        assert AreaPopulation.objects.get(pk=pop.pk).resident == 1000
        assert not new_events().exists()

    def test_out_of_scope_is_404_even_for_a_field_that_is_not_allowed(self, world):
        pop = population(world.community_a)
        with pytest.raises(OutOfScope):
            update_recorded(pop, {"year": 2020}, allowed=("resident",), actor=world.officer_b, action="x.update")

    def test_without_the_permission_anywhere_it_is_refused(self, world):
        pop = population(world.community_a)
        with pytest.raises(NoPermission):
            update_recorded(pop, {"resident": 5}, allowed=("resident",), actor=world.auditor, action="x.update")

    def test_a_field_that_is_not_allowed_is_refused(self, world, new_events):
        pop = population(world.community_a)
        with pytest.raises(ValidationError) as refused:
            update_recorded(pop, {"resident": 5, "year": 2020}, allowed=("resident",), actor=world.officer_a,
                            action="x.update")
        assert "year" in refused.value.message_dict
        assert AreaPopulation.objects.get(pk=pop.pk).year == 2023
        assert not new_events().exists()

    def test_invalid_values_are_refused_by_full_clean(self, world, new_events):
        pop = population(world.community_a)
        with pytest.raises(ValidationError) as refused:
            update_recorded(pop, {"resident": -1}, allowed=("resident",), actor=world.officer_a, action="x.update")
        assert "resident" in refused.value.message_dict
        assert not new_events().exists()

    def test_a_record_moved_out_of_the_actors_area_is_refused_and_rolled_back(self, world, new_events):
        pop = population(world.community_a)
        with pytest.raises(OutOfScope):
            update_recorded(pop, {"area": world.community_b}, allowed=("area",), actor=world.officer_a,
                            action="x.update")
        assert AreaPopulation.objects.get(pk=pop.pk).area == world.community_a
        assert not new_events().exists()

    def test_the_system_may_update_anywhere_and_is_still_audited(self, world, new_events):
        pop = population(world.community_b)
        update_recorded(pop, {"registered": 950}, allowed=("registered",), actor=None, action="x.update")
        assert new_events().get().actor_label == "system"

    def test_an_area_is_updated_within_itself(self, world):
        update_recorded(world.community_a, {"name": "新和平社区"}, allowed=("name",), actor=world.officer_a,
                        action="core.area.update")
        with pytest.raises(OutOfScope):
            update_recorded(world.community_b, {"name": "越界"}, allowed=("name",), actor=world.officer_a,
                            action="core.area.update")
        assert Area.objects.get(pk=world.community_b.pk).name == "胜利社区"


class TestCreate:
    def test_in_scope_it_creates_with_one_audit_row(self, world, new_events):
        pop = create_recorded(AreaPopulation, {"area": world.community_a, "year": 2024, "resident": 10,
                                               "registered": 9}, actor=world.officer_a,
                              action="core.population.create")
        event = new_events().get()
        assert event.target_id == str(pop.pk) and event.area == world.community_a
        assert event.changes["resident"] == [None, 10]

    def test_out_of_scope_it_is_refused_and_nothing_is_written(self, world, new_events):
        with pytest.raises(OutOfScope):
            create_recorded(AreaPopulation, {"area": world.community_b, "year": 2024, "resident": 10,
                                             "registered": 9}, actor=world.officer_a, action="x.create")
        assert not AreaPopulation.objects.exists() and not new_events().exists()

    def test_an_invalid_record_is_refused(self, world, new_events):
        with pytest.raises(ValidationError):
            create_recorded(AreaPopulation, {"area": world.community_a, "year": 1800, "resident": 10,
                                             "registered": 9}, actor=world.officer_a, action="x.create")
        assert not new_events().exists()

    def test_an_area_is_created_within_the_area_given(self, world, new_events):
        grid = create_recorded(Area(parent=world.community_a, level=AreaLevel.GRID, kind=AreaKind.URBAN),
                               {"code": "340302001001002", "name": "第2网格"}, area=world.community_a,
                               actor=world.street_officer_a, action="core.area.create")
        assert new_events().get().area == world.community_a and grid.pk
        with pytest.raises(OutOfScope):
            create_recorded(Area(parent=world.community_b, level=AreaLevel.GRID, kind=AreaKind.URBAN),
                            {"code": "340303001001002", "name": "越界"}, area=world.community_b,
                            actor=world.street_officer_a, action="core.area.create")


class TestDelete:
    def test_in_scope_it_deletes_with_what_was_deleted_in_the_audit_row(self, world, new_events):
        pop = population(world.community_a)
        delete_recorded(pop, actor=world.city_admin, action="core.population.delete", reason="重复录入")
        assert not AreaPopulation.objects.exists()
        event = new_events().get()
        assert event.changes["resident"] == [1000, None] and event.reason == "重复录入"

    def test_out_of_scope_it_is_404_and_nothing_is_written(self, world, new_events):
        with pytest.raises(OutOfScope):
            delete_recorded(world.grid_a, actor=world.officer_b, action="core.area.delete", reason="")
        assert Area.objects.filter(pk=world.grid_a.pk).exists()
        assert not new_events().exists()

    def test_an_area_is_filed_under_its_parent_once_deleted(self, world, new_events):
        delete_recorded(world.grid_a, actor=world.officer_a, action="core.area.delete", reason="撤销")
        assert new_events().get().area == world.community_a

    def test_a_record_others_still_refer_to_is_refused_and_nothing_is_written(self, world, new_events):
        with pytest.raises(ValidationError):
            delete_recorded(world.community_a, actor=world.officer_a, action="core.area.delete", reason="")
        assert Area.objects.filter(pk=world.community_a.pk).exists()
        assert not new_events().exists()
