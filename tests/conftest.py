"""Personas and a small territory shared by every test module.

Territory: city 340300 with two districts, 340302 (A) and 340303 (B), each with a street and
an urban community, and a grid in A's community. Personas: ``city_admin``, ``officer_a`` and
``officer_b`` (district officers of A and B), ``street_a`` (street officer in A),
``worker_a`` (community worker in A's community), ``auditor`` (city) and ``outsider`` (no role).
"""

import os
import re
from dataclasses import dataclass

import pytest
from django.db import connection

from core.choices import AreaKind, AreaLevel, Role
from core.models import Area
from tests.factories import UserFactory, make_area, staff


def _backends() -> str:
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return f"portal: database engine {engine}; broker {'redis' if settings.REDIS_URL else 'eager (no REDIS_URL)'}"


def pytest_report_header(config):
    return [_backends()]


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line(_backends())


@dataclass
class World:
    city: Area
    district_a: Area
    district_b: Area
    street_a: Area
    street_b: Area
    community_a: Area
    community_b: Area
    grid_a: Area
    village_b: Area
    city_admin: object
    officer_a: object
    officer_b: object
    street_officer_a: object
    worker_a: object
    auditor: object
    outsider: object


@pytest.fixture(autouse=True)
def _portal_test_settings(settings):
    settings.PORTAL_OTP_REQUIRED = False  # tests of the second factor turn it back on
    settings.AXES_ENABLED = False  # tests of the lockout turn it back on
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from portal.celery import app as celery_app

    celery_app.conf.task_always_eager = True  # the real-worker test turns it off for itself
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture
def world(db) -> World:
    from django.contrib.auth.models import Group

    if not Group.objects.exists():  # flushed by an earlier transactional test
        from core.roles import sync_all_roles

        sync_all_roles()
    city = make_area("340300000000", AreaLevel.CITY, name="蚌埠市")
    district_a = make_area("340302000000", AreaLevel.COUNTY, city, "龙子湖区")
    district_b = make_area("340303000000", AreaLevel.COUNTY, city, "蚌山区")
    street_a = make_area("340302001000", AreaLevel.TOWNSHIP, district_a, "东风街道")
    street_b = make_area("340303001000", AreaLevel.TOWNSHIP, district_b, "青年街道")
    community_a = make_area("340302001001", AreaLevel.COMMUNITY, street_a, "和平社区")
    community_b = make_area("340303001001", AreaLevel.COMMUNITY, street_b, "胜利社区")
    grid_a = make_area("340302001001001", AreaLevel.GRID, community_a, "第1网格")
    town_b = make_area("340303101000", AreaLevel.TOWNSHIP, district_b, "燕山乡")
    village_b = make_area("340303101201", AreaLevel.COMMUNITY, town_b, "燕山村", kind=AreaKind.RURAL)
    return World(
        city=city, district_a=district_a, district_b=district_b, street_a=street_a, street_b=street_b,
        community_a=community_a, community_b=community_b, grid_a=grid_a, village_b=village_b,
        city_admin=staff("city_admin", Role.CITY_ADMIN, city),
        officer_a=staff("officer_a", Role.COUNTY_OFFICER, district_a),
        officer_b=staff("officer_b", Role.COUNTY_OFFICER, district_b),
        street_officer_a=staff("street_officer_a", Role.TOWNSHIP_OFFICER, street_a),
        worker_a=staff("worker_a", Role.COMMUNITY_WORKER, community_a),
        auditor=staff("auditor", Role.AUDITOR, city),
        outsider=UserFactory(username="outsider"),
    )


@pytest.fixture
def api(world):
    """An APIClient factory: ``api(world.officer_a)`` is signed in as that user."""
    from rest_framework.test import APIClient

    def make(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def web(world):
    """A Django test client signed in as the given user: ``web(world.officer_a).get(...)``."""
    from django.test import Client

    def make(user=None):
        c = Client()
        if user is not None:
            c.force_login(user)
        return c

    return make


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture
def real_worker(transactional_db, django_db_serialized_rollback):
    """A Celery worker thread on the real Redis broker (``make test``); tasks leave the test process's eager mode."""
    from django.conf import settings

    from portal.celery import app

    if not settings.REDIS_URL or connection.vendor != "postgresql":
        pytest.skip("needs REDIS_URL and PostgreSQL (make test provides both)")
    from celery.contrib.testing.worker import start_worker

    app.conf.task_always_eager = False
    app.conf.broker_url = settings.REDIS_URL
    app.conf.result_backend = settings.REDIS_URL
    forget_celery_clients(app)
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING", shutdown_timeout=10):
        yield
    app.conf.task_always_eager = True


# With PORTAL_FULL_STACK=1 (set by scripts/test.sh, so by `make test` and CI) a test skipped for want
# of PostgreSQL, Redis or Chromium fails instead: on the full stack such a skip means a broken set-up,
# and a silent skip would hide exactly the tests that prove triggers, locks, the worker and the browser.
_MISSING_SERVICE = re.compile(r"postgres|redis|chromium|broker|needs .*make test", re.IGNORECASE)


def fail_skips_for_missing_services(report, full_stack: bool) -> None:
    if report.skipped and full_stack:
        reason = str(report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr)
        if _MISSING_SERVICE.search(reason):
            report.outcome = "failed"
            report.longrepr = f"PORTAL_FULL_STACK=1 but the test was skipped for a missing service: {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    fail_skips_for_missing_services(outcome.get_result(), os.environ.get("PORTAL_FULL_STACK") == "1")


@pytest.fixture(autouse=True, scope="session")
def _flush_past_append_only_tables():
    """Transactional tests end with ``flush``, one TRUNCATE of every table, which the append-only
    tables refuse on PostgreSQL (core.db). The test database's superuser turns ordinary triggers off
    for that transaction only (``SET LOCAL session_replication_role``)."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        return original(self, ["SET LOCAL session_replication_role = replica", *sql_list])

    DatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    DatabaseOperations.execute_sql_flush = original


def forget_celery_clients(app) -> None:
    """Drop the Celery app's kept result backend and broker pool, so that the next use connects to
    what ``app.conf`` says now. A thread-safe backend (Redis) is kept in ``_backend_cache``, not in the
    thread-local: a test that points Celery at a dead Redis must not leave later tests talking to it."""
    from kombu import pools

    app._backend_cache = None
    vars(app._local).pop("backend", None)
    # app.pool is kombu's global connection pool, which the producer pool (app.amqp) also holds: closing
    # it alone left later .delay() calls on "Acquire on closed pool". Reset both, so both are made anew.
    pools.reset()
    app._pool = None
    amqp = vars(app).get("amqp")
    if amqp is not None:
        amqp._producer_pool = None
