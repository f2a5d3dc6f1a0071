"""Celery application. Without REDIS_URL tasks run eagerly in-process (see settings).

Every task is a ``PortalTask``: queuing one from a page (``.delay()``) publishes over a connection
of its own with short timeouts (``PORTAL_TASK_PUBLISH_TIMEOUT``) and no retries, so a broker that is
down or frozen costs a page about a second and raises ``TaskQueueUnavailable``, which the page
turns into a message ("后台任务暂时不可用"), instead of hanging a worker or answering 500.
The periodic tasks are declared per app (``SCHEDULE`` in ``<app>/tasks.py``) and written into
django-celery-beat's tables by ``core.schedule`` after every ``migrate``.
"""

import os

from celery import Celery, Task
from celery.backends.redis import RedisBackend

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")


class TaskQueueUnavailable(Exception):
    """The broker did not take the task in time (down, frozen or unreachable)."""


class PortalTask(Task):
    def apply_async(self, args=None, kwargs=None, task_id=None, producer=None, link=None, link_error=None,
                    shadow=None, **options):
        app = self._get_app()
        if app.conf.task_always_eager or producer is not None or options.get("connection") is not None:
            return super().apply_async(args, kwargs, task_id, producer, link, link_error, shadow, **options)
        from django.conf import settings
        from kombu.exceptions import OperationalError

        timeout = settings.PORTAL_TASK_PUBLISH_TIMEOUT
        connection = app.connection_for_write(connect_timeout=timeout, transport_options={
            "socket_timeout": timeout, "socket_connect_timeout": timeout, "max_retries": 0})
        try:
            with connection:
                return super().apply_async(args, kwargs, task_id, producer, link, link_error, shadow,
                                           connection=connection, retry=False, **options)
        except (OperationalError, OSError, TimeoutError) as exc:
            raise TaskQueueUnavailable(f"{self.name}: {type(exc).__name__}: {exc}") from exc
        except Exception as exc:
            import redis

            if isinstance(exc, redis.exceptions.ConnectionError | redis.exceptions.TimeoutError):
                raise TaskQueueUnavailable(f"{self.name}: {type(exc).__name__}: {exc}") from exc
            raise


class ResultBackend(RedisBackend):
    """Celery's Redis result backend, subscribing to a task's result only when someone waits for it
    (``.get()`` subscribes, and first reads a result already stored). Celery subscribes when the
    task is queued, which costs a page a round trip to the result store (and a long retry when it
    is down), and leaves a subscription in the web process for every task it queues; pages never
    wait for a result."""

    def on_task_call(self, producer, task_id):
        return None


app = Celery("portal", task_cls=PortalTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
