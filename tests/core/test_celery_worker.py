"""A task sent through the real Redis broker is run by a real worker and writes to the database."""

import pytest
from django.conf import settings
from django.db import connection

from core.models import Finding
from core.tasks import run_supervision_checks
from portal.celery import app
from tests.factories import population


@pytest.fixture
def real_worker(transactional_db, django_db_serialized_rollback):
    if not settings.REDIS_URL or connection.vendor != "postgresql":
        pytest.skip("needs REDIS_URL and PostgreSQL (make test provides both)")
    from celery.contrib.testing.worker import start_worker

    app.conf.task_always_eager = False
    app.conf.broker_url = settings.REDIS_URL
    app.conf.result_backend = settings.REDIS_URL
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING", shutdown_timeout=10):
        yield
    app.conf.task_always_eager = True


@pytest.mark.celery_worker
def test_supervision_checks_run_on_a_real_worker(world, real_worker):
    population(world.community_b)
    result = run_supervision_checks.delay(["core.population_missing"])
    summary = result.get(timeout=60)
    assert summary["core.population_missing"]["raised"] == 2
    assert set(Finding.objects.filter(status="open").values_list("area__code", flat=True)) == {
        world.community_a.code, world.village_b.code}
