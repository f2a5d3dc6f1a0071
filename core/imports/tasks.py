"""Celery tasks of core's generic staged import (registered through ``core.tasks``)."""

import datetime

from celery import shared_task

from .jobs import task_limits


def queue_staged_import(job_id: int) -> bool:
    """Hand a confirmed job to the queue (``jobs.queue_job``: with the broker down the job waits,
    shown on its page, and the sweep queues it later). Without ``REDIS_URL`` Celery runs the task
    at once, in this process (``CELERY_TASK_ALWAYS_EAGER``)."""
    from .jobs import queue_job
    from .models import StagedImport

    return queue_job(StagedImport, job_id, lambda pk: run_staged_import.delay(pk))


@shared_task(name="core.run_staged_import", **task_limits())
def run_staged_import(job_id: int) -> str:
    """Run one confirmed import on core's machinery (claim, heartbeat, masked errors under the
    file's own headers, the encrypted upload deleted when it ends)."""
    from . import base, services
    from .jobs import run_job
    from .models import StagedImport

    job = StagedImport.objects.filter(pk=job_id).values_list("key", flat=True).first()
    importer = base.get(job) if job else None
    return run_job(StagedImport, job_id, services.execute, headers=importer.headers() if importer else {},
                   related=("area", "created_by"))


@shared_task(name="core.sweep_staged_imports", time_limit=10 * 60)
def sweep_staged_imports() -> dict:
    """Queue the confirmed imports the broker never took (or whose worker died), delete uploads
    past their retention, and expire previews left unconfirmed for a day (their file deleted)."""
    from django.utils import timezone

    from . import services
    from .jobs import sweep_jobs
    from .models import StagedImport

    swept = sweep_jobs(StagedImport, lambda pk: run_staged_import.delay(pk))
    swept["previews_expired"] = services.expire_staged(timezone.now() - datetime.timedelta(days=1))
    return swept
