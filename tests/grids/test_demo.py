"""The demo city: 2,461 grids with profiles, 2,744 posts, 66 pilots of 143 communities → 46.2% on the
dashboard out of the box, incidents in every state, and the community desk's year: window requests,
tasks and certificates whose indicators have values."""

from decimal import Decimal

import pytest

from core import demo as core_demo
from grids import demo
from grids.choices import State, TaskState, WindowState
from grids.models import Certificate, CommunityTask, GridProfile, Incident, Pilot, PostQuota, WindowRequest
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
    assert set(WindowRequest.objects.values_list("state", flat=True)) == set(WindowState.values)
    assert set(CommunityTask.objects.values_list("state", flat=True)) == set(TaskState.values)
    assert Certificate.objects.values("cert_type").distinct().count() == 4
    assert all(hasattr(c, "seal_use") for c in Certificate.objects.select_related("seal_use"))
    run_now(actor=None, period="2020", trigger="demo")
    city = {v.indicator: v.value for v in IndicatorValue.objects.filter(area__code="340300000000")}
    assert round(city["grids.generalist_pilot_share"], 1) == Decimal("46.2")
    assert city["grids.posts_approved"] == 2744
    assert city["grids.smart_pilots"] == 3
    assert city["grids.incidents_closed_on_time"] > 0 and city["grids.incidents_closed_overdue"] > 0
    assert 0 < city["grids.window_same_day"] < 100 and city["grids.tasks_refused"] == 3
    assert city["grids.certificates_issued"] == 20 and city["grids.certificates_residence"] == 5
    assert city["grids.incident_days_to_close"] > 0 and 0 < city["grids.incident_reopen_rate"] < 100
