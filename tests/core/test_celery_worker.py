"""A task sent through the real Redis broker is run by a real worker and writes to the database."""

import pytest

from core.models import Finding
from core.tasks import run_supervision_checks
from tests.factories import population


@pytest.mark.celery_worker
def test_supervision_checks_run_on_a_real_worker(world, real_worker):
    population(world.community_b)
    result = run_supervision_checks.delay(["core.population_missing"])
    summary = result.get(timeout=60)
    assert summary["core.population_missing"]["raised"] == 2
    assert set(Finding.objects.filter(status="open").values_list("area__code", flat=True)) == {
        world.community_a.code, world.village_b.code}
