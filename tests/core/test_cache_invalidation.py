"""What a process keeps (scopes, signed-in users' rows) is invalidated when the change commits, in
every process; a change that rolls back leaves nothing stale behind, in the writing process or any
other. Another web worker is simulated by a thread with its own database connection and its own
copy of every kept store (``core.scope.Kept``); the shared versions are in the cache, as in
production."""

import gc
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
from django.db import connection, connections, transaction  # noqa: F401  (connection: the skipif condition)
from django.test import Client
from django.urls import reverse

from core import services
from core.scope import Kept, scope_for


class OtherWorker:
    """A second web worker: its own thread and database connection, and its own kept values."""

    def __init__(self):
        self._thread = ThreadPoolExecutor(max_workers=1)
        self._kept = {}
        self._client = None

    @contextmanager
    def _own_memory(self):
        stores = [o for o in gc.get_objects() if type(o) is Kept]  # every store of the process
        ours = {k: (k.version, k.values) for k in stores}
        for k in stores:
            k.version, k.values = self._kept.get(k, (None, {}))
        try:
            yield
        finally:
            for k in stores:
                self._kept[k] = (k.version, k.values)
                k.version, k.values = ours[k]

    def run(self, fn):
        def call():
            with self._own_memory():
                return fn()
        return self._thread.submit(call).result(timeout=30)

    def status_of(self, user, url):
        def get():
            if self._client is None:
                self._client = Client()
                self._client.force_login(user)
            return self._client.get(url).status_code
        return self.run(get)

    def close(self):
        self._thread.submit(connections.close_all).result(timeout=30)
        self._thread.shutdown()


@pytest.fixture
def other_worker():
    worker = OtherWorker()
    yield worker
    worker.close()


class Rollback(Exception):
    pass


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="a second connection sees only committed rows")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
class TestAcrossWorkers:
    def test_a_revoked_grant_is_refused_by_another_worker_on_its_next_request(self, world, other_worker):
        officer, url = world.officer_a, reverse("area-detail", args=[world.district_a.code])
        assert other_worker.status_of(officer, url) == 200
        with transaction.atomic():
            services.revoke_role(actor=world.city_admin, grant=officer.grants.get(), reason="调岗")
            # Meanwhile the other worker serves a request: the revocation is not committed yet,
            # so it still reads the grant.
            assert other_worker.status_of(officer, url) == 200
        assert other_worker.status_of(officer, url) in (403, 404)  # no role left: refused

    def test_a_revocation_rolled_back_is_not_refused_anywhere_and_leaves_nothing_stale(self, world, other_worker):
        officer, url = world.officer_a, reverse("area-detail", args=[world.district_a.code])
        here = Client()
        here.force_login(officer)
        assert here.get(url).status_code == 200 and other_worker.status_of(officer, url) == 200
        with pytest.raises(Rollback), transaction.atomic():
            services.revoke_role(actor=world.city_admin, grant=officer.grants.get(), reason="调岗")
            # In the writing transaction the change is seen, here and in the writer's own pages.
            assert here.get(url).status_code in (403, 404)
            assert other_worker.status_of(officer, url) == 200
            raise Rollback
        assert here.get(url).status_code == 200
        assert other_worker.status_of(officer, url) == 200

    def test_a_deactivated_user_is_signed_out_in_another_worker(self, world, other_worker):
        officer, url = world.officer_a, reverse("area-detail", args=[world.district_a.code])
        assert other_worker.status_of(officer, url) == 200
        with transaction.atomic():
            officer.is_active = False
            officer.save()
            assert other_worker.status_of(officer, url) == 200  # not committed yet
        assert other_worker.status_of(officer, url) == 302  # to the sign-in page


@pytest.mark.django_db
def test_what_is_read_inside_a_transaction_is_not_kept(world):
    from django.contrib.auth import get_user_model

    officer = world.officer_a
    reload = lambda: get_user_model().objects.get(pk=officer.pk)  # noqa: E731  (a fresh request's user)
    assert scope_for(reload()).covers("core.view_area", world.district_a.code)
    with pytest.raises(Rollback), transaction.atomic():
        services.revoke_role(actor=world.city_admin, grant=officer.grants.get(), reason="调岗")
        assert not scope_for(reload()).covers("core.view_area", world.district_a.code)
        raise Rollback
    assert scope_for(reload()).covers("core.view_area", world.district_a.code)


def test_kept_values_are_safe_to_share_between_threads():
    """gthread workers: requests under two versions at once never get each other's values."""
    import sys
    import time

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    kept = Kept()

    def request(i):
        version = f"v{i % 2}"
        def load():
            time.sleep(0)  # a database read: the thread lets others run
            return version, i % 7

        return kept.get(version, i % 7, load) == (version, i % 7)

    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(request, range(40000)))
    finally:
        sys.setswitchinterval(interval)
    assert all(results), f"{results.count(False)} requests got a value kept under another version"


def test_production_refuses_to_start_without_redis_url():
    """With several gunicorn workers, a cache of each process's own is never invalidated."""
    from tests.core.test_security import _run_settings

    result = _run_settings({"DEBUG": "0", "SECRET_KEY": "k" * 60, "PORTAL_DATA_KEY": "d" * 40,
                            "PORTAL_INDEX_KEY": "i" * 40}, "check", "--deploy")
    assert result.returncode != 0 and "REDIS_URL is not set" in result.stderr


def test_check_deploy_refuses_a_process_local_cache(settings):
    from core.checks import shared_cache

    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [e.id for e in shared_cache(None)] == ["portal.E001"]
    assert "REDIS_URL" in shared_cache(None)[0].hint
