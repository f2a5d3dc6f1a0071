"""The kit's second floor: upserts, a permission other than add/change, many-to-many members, stored
files and city-wide tables — what the last hand-written services in core and governance needed."""

import datetime

import pytest

from core import audit
from core.exceptions import NoPermission, OutOfScope
from core.models import AreaPopulation, AuditEvent, WorkdayOverride
from core.recorded import upsert_recorded
from core.services import grant_role, set_grant_term, set_population, set_workday_override

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_events(world):
    start = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return lambda: AuditEvent.objects.filter(pk__gt=start)


class TestUpsert:
    def test_creates_then_changes_then_leaves_alone(self, world, new_events):
        first, created = upsert_recorded(AreaPopulation, {"area": world.community_a, "year": 2023},
                                         {"resident": 1000, "registered": 900}, actor=world.officer_a,
                                         action="x.update", create_action="x.create")
        assert created and list(new_events().values_list("action", flat=True)) == ["x.create"]
        again, created = upsert_recorded(AreaPopulation, {"area": world.community_a, "year": 2023},
                                         {"resident": 1100, "registered": 900}, actor=world.officer_a,
                                         action="x.update", create_action="x.create")
        assert not created and again.pk == first.pk and again.resident == 1100
        assert new_events().get(action="x.update").changes == {"resident": [1000, 1100]}
        upsert_recorded(AreaPopulation, {"area": world.community_a, "year": 2023},
                        {"resident": 1100, "registered": 900}, actor=world.officer_a, action="x.update")
        assert new_events().count() == 2  # nothing changed: nothing written

    def test_out_of_scope_neither_creates_nor_changes(self, world, new_events):
        with pytest.raises(OutOfScope):
            set_population(actor=world.officer_b, area=world.community_a, year=2023, resident=1, registered=1)
        set_population(actor=world.officer_a, area=world.community_a, year=2023, resident=10, registered=9)
        with pytest.raises(OutOfScope):
            set_population(actor=world.officer_b, area=world.community_a, year=2023, resident=1, registered=1)
        assert AreaPopulation.objects.get().resident == 10
        assert list(new_events().values_list("action", flat=True)) == ["core.population.create"]


class TestPermissionOtherThanChange:
    def test_a_grants_term_needs_the_grant_permission_where_the_grant_is(self, world, new_events):
        grant = grant_role(actor=world.city_admin, user=world.outsider, role="community_worker",
                           area=world.community_a)
        ends = datetime.date(2030, 1, 1)
        with pytest.raises(NoPermission):  # a street officer may not grant, so may not set a term either
            set_grant_term(actor=world.street_officer_a, grant=grant, ends_on=ends)
        with pytest.raises(OutOfScope):  # another district's officer: the grant does not exist for him
            set_grant_term(actor=world.officer_b, grant=grant, ends_on=ends)
        set_grant_term(actor=world.officer_a, grant=grant, ends_on=ends, reason="任期届满")
        event = new_events().get(action="core.grant.term")
        assert event.changes == {"ends_on": [None, "2030-01-01"]} and event.reason == "任期届满"


class TestCityWideTables:
    def test_the_working_day_calendar_upserts_by_date(self, world, new_events):
        day = datetime.date(2026, 10, 10)
        set_workday_override(actor=world.city_admin, date=day, is_workday=True, reason="调休上班")
        set_workday_override(actor=world.city_admin, date=day, is_workday=False, reason="调休取消")
        assert WorkdayOverride.objects.get(date=day).is_workday is False
        assert [e.changes.get("is_workday") for e in new_events().order_by("pk")] == [[None, True], [True, False]]

    def test_a_reference_table_is_written_by_a_city_wide_holder_only(self, world, new_events):
        """The matter categories are city-wide: a city administrator's grant that covers only one
        district is not enough to change them (before the kit, holding the permission anywhere was)."""
        from core.models import Area
        from core.services import grant_role as grant
        from governance import services
        from governance.models import Category
        from tests.factories import UserFactory

        district_admin = UserFactory(username="district_admin")
        grant(actor=None, user=district_admin, role="city_admin", area=Area.objects.get(code=world.district_a.code))
        with pytest.raises(OutOfScope):
            services.save_category(actor=district_admin, name="越权分类", response_days=5)
        assert not Category.objects.filter(name="越权分类").exists()
        category = services.save_category(actor=world.city_admin, name="新分类", response_days=5)
        services.save_category(actor=world.city_admin, category=category, response_days=9)
        actions = list(new_events().filter(target_id=str(category.pk)).order_by("pk").values_list("action", "changes"))
        assert [a for a, _ in actions] == ["governance.category.save"] * 2
        assert actions[1][1] == {"response_days": [5, 9]}


def test_a_stored_file_is_snapshotted_as_its_name():
    """The audit snapshot of a record with a file holds the file's stored name (before the kit it held
    the file object, which the audit log cannot store, so governance kept its own snapshot)."""
    from governance.models import Publication

    snap = audit.snapshot(Publication(content="公示", photo="governance/publications/abc.jpg"))
    assert snap["photo"] == "governance/publications/abc.jpg"
    assert audit.snapshot(Publication(content="公示"))["photo"] == ""
