"""An aggregation asked for from the dashboard/API runs on a real worker through the real broker."""

import time

import pytest

from reports import services
from reports.choices import RunStatus, RunTrigger
from reports.models import IndicatorValue, ReportRun
from tests.factories import population


@pytest.mark.celery_worker
def test_a_requested_run_is_executed_by_a_real_worker_and_stores_values(world, real_worker):
    population(world.community_a, resident=1200)
    population(world.community_b, resident=800)
    run = services.request_run(actor=world.city_admin, period="2020", trigger=RunTrigger.API)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
            break
        time.sleep(0.2)
    assert run.status == RunStatus.DONE, (run.status, ReportRun.objects.values("status", "message"))
    city = IndicatorValue.objects.get(indicator="territory.resident_population", area=world.city, period="2020")
    assert city.value == 2000 and city.run_id == run.pk
