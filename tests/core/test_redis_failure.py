"""Redis down (connections refused) or frozen (connections accepted, never answered) takes no page
with it: the dashboard, a public page, the token endpoint and sign-in answer within about a second
without an error, a recompute says the background tasks are unavailable, and /healthz names the
parts that are down."""

import socket
import threading
import time

import pytest
from django.urls import reverse

from reports.choices import RunStatus, RunTrigger
from reports.models import ReportRun
from tests.conftest import forget_celery_clients

pytestmark = pytest.mark.django_db

BUDGET = 2.0  # seconds a page may take with Redis unreachable (the timeouts are 0.25 s and 1 s)


class FrozenRedis:
    """A server that accepts connections and never answers (a Redis stuck in a long command)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.held, self.stopped = [], False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.stopped:
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.sock.getsockname()[1]}/0"

    def close(self):
        self.stopped = True
        self.sock.close()
        for conn in self.held:
            conn.close()


def _closed_port_url():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"  # nothing listens: connections are refused


@pytest.fixture(params=["refused", "frozen"])
def redis_unreachable(request, settings):
    """Cache, broker and result backend all pointed at an unreachable Redis."""
    from django.test import Client

    from portal.celery import app

    Client().get(reverse("login"))  # the first request of a process imports every view: not timed

    frozen = FrozenRedis() if request.param == "frozen" else None
    url = frozen.url if frozen else _closed_port_url()
    settings.REDIS_URL = settings.CELERY_BROKER_URL = url
    settings.CELERY_RESULT_BACKEND = f"portal.celery:ResultBackend+{url}"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CACHES = {"default": {
        "BACKEND": "core.cache.RedisCache", "LOCATION": url, "KEY_PREFIX": "unreachable",
        "OPTIONS": {"socket_connect_timeout": settings.CACHE_SOCKET_TIMEOUT,
                    "socket_timeout": settings.CACHE_SOCKET_TIMEOUT, "retry_seconds": settings.CACHE_RETRY_SECONDS},
    }}
    saved = {k: app.conf[k] for k in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(broker_url=url, result_backend=settings.CELERY_RESULT_BACKEND, task_always_eager=False)
    forget_celery_clients(app)
    yield request.param
    app.conf.update(saved)
    forget_celery_clients(app)
    if frozen:
        frozen.close()


def _timed(call):
    start = time.monotonic()
    response = call()
    return response, time.monotonic() - start


def test_the_dashboard_answers_quickly(world, web, redis_unreachable):
    client = web(world.city_admin)
    for _ in range(2):  # the first request meets the timeout, the second skips the cache
        response, took = _timed(lambda: client.get(reverse("reports-dashboard")))
        assert response.status_code == 200 and took < BUDGET, (response.status_code, took)


def test_a_public_page_answers_quickly_for_visitors_and_signed_in_staff(world, client, web, redis_unreachable):
    url = reverse("governance:public-list", args=[world.community_a.code])
    for visitor in (client, web(world.worker_a)):  # staff read the public case files too
        response, took = _timed(lambda visitor=visitor: visitor.get(url))
        assert response.status_code == 200 and took < BUDGET, (response.status_code, took)


def test_the_token_endpoint_answers_quickly(world, redis_unreachable):
    from rest_framework.test import APIClient

    world.worker_a.set_password("Correct-horse-9")
    world.worker_a.save()
    response, took = _timed(lambda: APIClient().post(
        "/api/v1/auth/token/", {"username": "worker_a", "password": "Correct-horse-9"}, format="json"))
    assert response.status_code == 200 and response.json()["token"] and took < BUDGET, (response.status_code, took)


def test_signing_in_works(world, client, redis_unreachable):
    world.worker_a.set_password("Correct-horse-9")
    world.worker_a.save()
    response, took = _timed(lambda: client.post(reverse("login"), {"username": "worker_a",
                                                                   "password": "Correct-horse-9"}))
    assert response.status_code == 302 and took < BUDGET, (response.status_code, took)
    response, took = _timed(lambda: client.get("/"))
    assert response.status_code == 200 and took < BUDGET, (response.status_code, took)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the task is queued when the request's transaction commits
def test_a_recompute_says_the_background_tasks_are_unavailable(world, web, redis_unreachable):
    client = web(world.city_admin)
    response, took = _timed(lambda: client.post(reverse("reports-run"), {"period": "2020"}, follow=True))
    assert response.status_code == 200 and took < BUDGET + 1, (response.status_code, took)
    assert "后台任务暂时不可用" in response.content.decode()
    # Not left "queued" for ever: the run says why nothing was computed.
    assert ReportRun.objects.get(trigger=RunTrigger.DASHBOARD).status == RunStatus.FAILED


def test_healthz_names_the_parts_that_are_down(client, redis_unreachable):
    response, took = _timed(lambda: client.get("/healthz"))
    body = response.json()
    assert response.status_code == 503 and took < BUDGET, (response.status_code, took)
    assert body["database"] == "ok"
    assert body["cache"].startswith("error") and body["broker"].startswith("error")


def test_healthz_is_ok_when_everything_answers(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json()["database"] == "ok"
    assert response.json()["cache"] == ("ok" if settings.REDIS_URL else "local")
