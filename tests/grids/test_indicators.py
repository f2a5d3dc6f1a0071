"""The grids' indicators on crafted data: each figure is worked out by hand beside the data, and rows
that must not count (another period, another state, another type) are there to be left out."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from grids import services
from reports.engine import compute
from reports.periods import Period
from reports.registry import REGISTRY
from tests.factories import grids as f

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
YEAR = Period.parse("2020")


def at(day, hour=10, minute=0):
    return datetime.datetime(2020, *day, hour, minute, tzinfo=TZ)


def values(code, *areas):
    result = compute([REGISTRY[code]], YEAR)
    by_area = {v.area_id: v for v in result.values}
    return [by_area[a.pk] for a in areas]


def closed(grid, filed, done, reopen_at=None, close_again=None):
    """An incident filed at ``filed`` and run to closed at ``done`` (optionally reopened, and closed again)."""
    inc = f.incident(grid, filed_at=filed)
    for step, kwargs in ((services.start_incident, {}), (services.resolve_incident, {"note": "已清理"}),
                         (services.verify_incident, {}), (services.close_incident, {})):
        inc = step(actor=None, incident=inc, at=done, **kwargs)
    if reopen_at:
        inc = services.reopen_incident(actor=None, incident=inc, reason="居民投诉未清理", at=reopen_at)
        if close_again:
            for step, kwargs in ((services.resolve_incident, {"note": "再次清理"}), (services.verify_incident, {}),
                                 (services.close_incident, {})):
                inc = step(actor=None, incident=inc, at=close_again, **kwargs)
    return inc


def test_days_to_close_is_the_median_over_the_closed_incidents_of_the_period_in_local_days(world):
    grid_b = f.grid(world.community_a)
    closed(world.grid_a, at((3, 2)), at((3, 4)))  # 2 days
    closed(world.grid_a, at((3, 2)), at((3, 6)))  # 4 days
    closed(world.grid_a, at((3, 2)), at((3, 11)))  # 9 days: the median (4) is not the mean (5)
    # Filed at 00:30 Beijing time (16:30 UTC the day before) and closed that day: 0 days, not 1.
    closed(grid_b, at((3, 2), 0, 30), at((3, 2), 18))
    f.incident(world.grid_a, filed_at=at((3, 2)))  # still open: not closed, not counted
    closed(world.grid_a, at((3, 2)), at((3, 4)), reopen_at=at((3, 5)))  # reopened, open again: not counted
    closed(world.grid_a, datetime.datetime(2019, 12, 2, 10, tzinfo=TZ), at((1, 20)))  # filed in 2019
    grid_a, grid_b_value, community = values("grids.incident_days_to_close", world.grid_a, grid_b, world.community_a)
    # numerator: the closed incidents the median is read from; no denominator
    assert (grid_a.numerator, grid_a.denominator, grid_a.value) == (3, None, Decimal("4.0000"))
    assert (grid_b_value.numerator, grid_b_value.value) == (1, Decimal("0.0000"))
    # 0, 2, 4, 9 from both grids: the median 3, not the mean 3.75 nor the mean of the grids' medians (2)
    assert (community.numerator, community.value) == (4, Decimal("3.0000"))


def test_an_area_without_a_closed_incident_has_no_time_to_close_and_says_why(world):
    f.incident(world.grid_a, filed_at=at((3, 2)))
    [grid] = values("grids.incident_days_to_close", world.grid_a)
    assert grid.value is None and world.grid_a.code in grid.note  # "no incident filed in … has been closed"


def test_the_reopen_rate_is_reopened_over_ever_closed(world):
    closed(world.grid_a, at((3, 2)), at((3, 4)))
    closed(world.grid_a, at((3, 2)), at((3, 4)))
    closed(world.grid_a, at((3, 2)), at((3, 4)), reopen_at=at((3, 5)))  # reopened, still open
    closed(world.grid_a, at((3, 2)), at((3, 4)), reopen_at=at((3, 5)), close_again=at((3, 9)))
    f.incident(world.grid_a, filed_at=at((3, 2)))  # never closed: in neither
    [grid] = values("grids.incident_reopen_rate", world.grid_a)
    assert (grid.numerator, grid.denominator, grid.value) == (2, 4, Decimal("50.0000"))


def test_window_requests_done_the_same_day_over_all_received(world):
    spot = {"on_the_spot": True, "item_code": "dibao_consult"}
    f.window_request(world.community_a, received_at=at((5, 6), 9), **spot)
    # Received at 07:00 Beijing time (23:00 UTC the day before), done at 09:00: the same local day.
    early = f.window_request(world.community_a, received_at=at((5, 6), 7))
    services.complete_window_request(actor=None, window_request=early, result="已办结", at=at((5, 6), 9))
    late = f.window_request(world.community_a, received_at=at((5, 6), 9))
    services.complete_window_request(actor=None, window_request=late, result="已办结", at=at((5, 8)))
    done_today = f.window_request(world.community_a, received_at=at((5, 6), 9))
    services.complete_window_request(actor=None, window_request=done_today, result="已办结", at=at((5, 6), 16))
    f.window_request(world.community_a, received_at=at((5, 6), 9))  # with the back office, not done
    f.window_request(world.community_a, received_at=datetime.datetime(2019, 5, 6, 9, tzinfo=TZ), **spot)
    [community] = values("grids.window_same_day", world.community_a)
    assert (community.numerator, community.denominator, community.value) == (3, 5, Decimal("60.0000"))


def test_refused_tasks_are_counted_in_the_year_they_were_refused(world):
    for day in (datetime.date(2020, 4, 1), datetime.date(2020, 9, 1), datetime.date(2021, 1, 5)):
        services.refuse_task(actor=None, task=f.task(world.community_a, listed=False), on=day)
    services.accept_task(actor=None, task=f.task(world.community_a, listed=True), on=datetime.date(2020, 4, 1))
    f.task(world.community_a, listed=False)  # received, not decided
    f.task(world.community_b, listed=False)
    [community, city] = values("grids.tasks_refused", world.community_a, world.city)
    assert community.value == 2 and city.value == 2


def test_certificates_are_counted_by_type_and_in_total(world):
    def issue(community, code, day):
        services.issue_certificate(actor=None, area=community, cert_type=f.cert_type(code), resident_name="王小明",
                                   purpose="子女入学", issued_on=day)

    for community, code in ((world.community_a, "residence"), (world.community_a, "residence"),
                            (world.community_a, "rental"), (world.community_b, "residence")):
        issue(community, code, datetime.date(2020, 6, 1))
    issue(world.community_a, "residence", datetime.date(2021, 6, 1))
    assert [v.value for v in values("grids.certificates_residence", world.community_a, world.community_b,
                                    world.city)] == [2, 1, 3]
    assert [v.value for v in values("grids.certificates_rental", world.community_a, world.city)] == [1, 1]
    assert [v.value for v in values("grids.certificates_poor_student", world.city)] == [0]
    assert [v.value for v in values("grids.certificates_issued", world.community_a, world.city)] == [3, 4]
