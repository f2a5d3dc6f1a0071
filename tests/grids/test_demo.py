"""The demo city: 2,461 grids with profiles, 2,744 posts, 66 pilots of 143 communities → 46.2% on the
dashboard out of the box, and incidents in every state."""

from decimal import Decimal

import pytest

from core import demo as core_demo
from grids import demo
from grids.choices import State
from grids.models import GridProfile, Incident, Pilot, PostQuota
from reports.models import IndicatorValue
from reports.services import run_now

pytestmark = pytest.mark.django_db


def test_the_demo_lands_on_the_source_figures_and_the_dashboard_shows_46_2_percent():
    core_demo.load(scale=0.001)
    demo.load(scale=0.001)
    assert GridProfile.objects.count() == 2461
    assert sum(PostQuota.objects.values_list("approved", flat=True)) == 2744
    assert Pilot.objects.filter(kind="generalist", year=2020).count() == 66
    assert Pilot.objects.filter(kind="smart", year=2020).count() == 3
    assert set(Incident.objects.values_list("state", flat=True)) >= {
        State.ROUTED, State.IN_PROGRESS, State.RESOLVED, State.VERIFIED, State.CLOSED, State.DUPLICATE, State.UNABLE}
    run_now(actor=None, period="2020", trigger="demo")
    city = {v.indicator: v.value for v in IndicatorValue.objects.filter(area__code="340300000000")}
    assert round(city["grids.generalist_pilot_share"], 1) == Decimal("46.2")
    assert city["grids.posts_approved"] == 2744
    assert city["grids.smart_pilots"] == 3
    assert city["grids.incidents_closed_on_time"] > 0 and city["grids.incidents_closed_overdue"] > 0
