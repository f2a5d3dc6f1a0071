"""The demo city's child-care figures at a small scale: exact workforce, scaled people, entry rate 100%,
computed by the indicators the dashboard shows."""

import datetime

import pytest

from child_care import demo
from child_care.choices import Category, StaffPost
from child_care.models import Appointment, CategoryRecord
from core import demo as core_demo
from core.models import Area
from reports import registry
from reports.engine import compute
from reports.periods import Period

pytestmark = pytest.mark.django_db
SCALE = 0.002


def test_the_demo_lands_on_the_sources_figures_on_the_dashboard():
    core_demo.load(scale=SCALE)
    demo.load(scale=SCALE)
    assert Appointment.objects.filter(post=StaffPost.SUPERVISOR).count() == 100
    assert Appointment.objects.filter(post=StaffPost.DIRECTOR).count() == 1288
    registry.autodiscover()
    codes = ["child_care.left_behind_children", "child_care.left_behind_women", "child_care.key_assistance",
             "child_care.entry_rate", "child_care.supervisors", "child_care.directors", "child_care.trained_staff_share"]
    city = Area.objects.get(level="city").pk
    values = {v.indicator: v.value for v in compute([registry.get(c) for c in codes], Period.parse("2020")).values
              if v.area_id == city}
    assert values == {
        "child_care.left_behind_children": round(32_589 * SCALE), "child_care.left_behind_women": round(1_743 * SCALE),
        "child_care.key_assistance": 1, "child_care.entry_rate": 100, "child_care.supervisors": 100,
        "child_care.directors": 1288, "child_care.trained_staff_share": 100,
    }
    # "政策宣讲进村(居)" in every village/community, and all staff trained by attending the city's training.
    coverage = compute([registry.get("child_care.outreach_coverage")], Period.parse("2020")).values
    assert {v.area_id: v.value for v in coverage}[city] == 100
    assert not Appointment.objects.exclude(attendances__attended=True).exists()
    assert CategoryRecord.objects.filter(category=Category.LEFT_BEHIND).in_force_on(datetime.date(2020, 12, 31)).count() \
        == round(32_589 * SCALE)
    # The rescue station of the demo director's county has handed one of the director's children over: its
    # staff account sees that case (and no child record), the director sees it waiting for the receipt.
    from django.contrib.auth import get_user_model

    from child_care.models import Person, RescueCase

    users = {u.username: u for u in get_user_model().objects.filter(username__in=["rescue_station", "child_director"])}
    mine = RescueCase.objects.restrict(users["rescue_station"])
    assert mine.count() == 1 and mine.get().rescue_station.name == "怀远县救助管理站"
    assert not Person.objects.restrict(users["rescue_station"]).exists()
    assert RescueCase.objects.restrict(users["child_director"]).filter(status="handed_over").get() == mine.get()
