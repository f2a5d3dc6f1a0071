"""Grids and communities are re-divided: the old ones retire, successors take over, records stay put."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core import services
from core.choices import AreaLevel, Severity
from core.exceptions import OutOfScope
from core.models import Area, AreaSuccession, AuditEvent, Finding
from reports import registry
from reports import services as report_services
from reports.models import IndicatorValue
from reports.periods import Period
from tests.factories import make_area

ON = datetime.date(2021, 1, 1)
REASON = "区划调整 2021 第1号"


def _grid(code, name, parent="340302001001"):
    return {"code": code, "name": name, "level": AreaLevel.GRID, "kind": "urban", "parent_code": parent}


def split_grid_a(world, actor=None):
    return services.redivide_areas(
        actor=actor or world.city_admin, retire=[world.grid_a.code],
        create=[_grid("340302001001002", "第2网格"), _grid("340302001001003", "第3网格")], on=ON, reason=REASON,
    )


class TestValidity:
    def test_areas_valid_on_a_date_and_during_a_period(self, world):
        split_grid_a(world)
        grids = Area.objects.filter(level=AreaLevel.GRID)
        assert set(grids.valid_on(datetime.date(2020, 12, 31)).values_list("code", flat=True)) == {"340302001001001"}
        assert set(grids.valid_on(ON).values_list("code", flat=True)) == {"340302001001002", "340302001001003"}
        assert grids.valid_during(datetime.date(2020, 12, 1), datetime.date(2021, 1, 31)).count() == 3


class TestRedivision:
    def test_a_split_retires_the_grid_the_day_before_and_links_both_successors(self, world):
        new = split_grid_a(world)
        world.grid_a.refresh_from_db()
        assert world.grid_a.valid_to == datetime.date(2020, 12, 31)
        assert all(a.valid_from == ON for a in new)
        assert set(AreaSuccession.objects.filter(predecessor=world.grid_a).values_list("successor__code", flat=True)) \
            == {"340302001001002", "340302001001003"}

    def test_a_merge_of_two_communities_with_their_grids(self, world):
        other = make_area("340302001002", AreaLevel.COMMUNITY, world.street_a, "团结社区")
        services.redivide_areas(
            actor=world.officer_a, retire=[world.community_a.code, other.code, world.grid_a.code],
            create=[
                {"code": "340302001003", "name": "和平团结社区", "level": AreaLevel.COMMUNITY, "kind": "urban",
                 "parent_code": world.street_a.code},
                _grid("340302001003001", "第1网格", parent="340302001003"),
            ],
            on=ON, reason=REASON,
        )
        merged = Area.objects.get(code="340302001003")
        assert set(merged.predecessions.values_list("predecessor__code", flat=True)) == {
            world.community_a.code, other.code}
        assert Area.objects.get(code="340302001003001").predecessions.get().predecessor == world.grid_a

    def test_every_step_is_audited_with_the_reason(self, world):
        split_grid_a(world)
        actions = list(AuditEvent.objects.filter(reason=REASON).values_list("action", "target_label"))
        assert ("core.area.retire", "第1网格") in actions
        assert ("core.area.create", "第2网格") in actions and ("core.area.create", "第3网格") in actions
        retire = AuditEvent.objects.get(action="core.area.retire")
        assert retire.changes["valid_to"] == [None, "2020-12-31"]
        assert retire.changes["successors"] == [None, ["340302001001002", "340302001001003"]]

    def test_records_keep_the_area_they_were_made_in(self, world):
        finding, _ = services.raise_finding(rule="test.rule", target=world.grid_a, area=world.grid_a,
                                            title="t", severity=Severity.INFO)
        split_grid_a(world)
        assert Finding.objects.get(pk=finding.pk).area == world.grid_a

    def test_retiring_a_community_whose_grid_stays_in_force_is_refused(self, world):
        with pytest.raises(ValidationError, match="第1网格"):
            services.redivide_areas(
                actor=world.city_admin, retire=[world.community_a.code],
                create=[{"code": "340302001003", "name": "新社区", "level": AreaLevel.COMMUNITY, "kind": "urban",
                         "parent_code": world.street_a.code}],
                on=ON, reason=REASON,
            )
        world.community_a.refresh_from_db()
        assert world.community_a.valid_to is None
        assert not Area.objects.filter(code="340302001003").exists()

    def test_retiring_an_area_without_a_successor_is_refused(self, world):
        with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
            services.redivide_areas(actor=world.city_admin, retire=[world.grid_a.code], create=[], on=ON,
                                    reason=REASON)
        assert "没有继承区划" in " ".join(refused.value.message_dict["retire"])
        world.grid_a.refresh_from_db()
        assert world.grid_a.valid_to is None

    def test_a_successor_under_a_retired_parent_is_refused(self, world):
        split_grid_a(world)
        with pytest.raises(ValidationError):
            services.redivide_areas(actor=world.city_admin, retire=["340302001001002"],
                                    create=[_grid("340302001001004", "第4网格")], on=ON, reason=REASON)

    def test_a_district_officer_cannot_redivide_another_district(self, world):
        with pytest.raises(OutOfScope):
            split_grid_a(world, actor=world.officer_b)
        assert not AreaSuccession.objects.exists()

    def test_a_reason_is_required(self, world):
        with pytest.raises(ValidationError):
            services.redivide_areas(actor=world.city_admin, retire=[world.grid_a.code],
                                    create=[_grid("340302001001002", "第2网格")], on=ON, reason="")


class TestTerritoryIndicators:
    def _grids(self, period):
        report_services.aggregate(period=Period.parse(period), indicators=[registry.get("territory.grids")])
        return {v.area.code: v.value for v in IndicatorValue.objects.filter(
            indicator="territory.grids", period=period).select_related("area")}

    def test_grid_counts_follow_the_redivision(self, world):
        split_grid_a(world)
        assert self._grids("2020")[world.community_a.code] == 1  # the old grid, at the end of 2020
        assert self._grids("2021")[world.community_a.code] == 2  # its two successors, not three
        assert self._grids("2021")[world.city.code] == 2

    def test_a_retired_community_gets_no_value_of_its_own_after_it_ended(self, world):
        services.redivide_areas(
            actor=world.city_admin, retire=[world.community_a.code, world.grid_a.code],
            create=[{"code": "340302001003", "name": "新社区", "level": AreaLevel.COMMUNITY, "kind": "urban",
                     "parent_code": world.street_a.code},
                    _grid("340302001003001", "第1网格", parent="340302001003")],
            on=ON, reason=REASON,
        )
        in_2020, in_2021 = self._grids("2020"), self._grids("2021")
        assert in_2020[world.community_a.code] == 1 and "340302001003" not in in_2020
        assert in_2021["340302001003"] == 1 and world.community_a.code not in in_2021
        assert in_2020[world.street_a.code] == in_2021[world.street_a.code] == 1
