"""The background run of an import, for any app's job model.

A job model has the fields of ``volunteers.ImportJob`` (status queued/running/done/failed, file,
filename, processed, created, updated, unchanged, error_count, errors, message, created_at,
finished_at, queued_at, queue_error, claimed_at, heartbeat_at). ``run_job`` claims it with a
conditional UPDATE (a second delivery does nothing; a claim whose heartbeat is older than
``PORTAL_IMPORT_STALE_SECONDS`` belonged to a dead worker and is taken over), reports progress
as the heartbeat, keeps the masked per-row errors with the column named as in the file, and
deletes the (encrypted) upload when the import ends unless ``PORTAL_IMPORT_RETENTION_DAYS`` keeps
it; ``sweep_jobs`` re-queues what the broker lost and deletes uploads past their retention.
"""

import datetime
import logging
from collections.abc import Callable

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError

from core.tabular import ImportReport, TableError, mask_personal_text

from .base import error_rows

log = logging.getLogger(__name__)

ERRORS_KEPT = 5000
QUEUE_GRACE = datetime.timedelta(minutes=1)  # younger jobs are left to their on_commit hand-over
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


def stale_before():
    return timezone.now() - datetime.timedelta(seconds=settings.PORTAL_IMPORT_STALE_SECONDS)


def task_limits() -> dict:
    seconds = settings.PORTAL_IMPORT_MAX_SECONDS
    return {"soft_time_limit": seconds + 5 * 60, "time_limit": seconds + 10 * 60}


def queue_job(model, job_id: int, send: Callable[[int], object]) -> bool:
    """Hand a job to the queue with ``send``; with the broker down the job stays "waiting to be
    queued" (shown on its page, retried by the sweep) instead of failing the upload with a 500."""
    try:
        send(job_id)
    except (OperationalError, OSError) as exc:
        log.warning("import %s could not be queued: %s", job_id, exc)
        model.objects.filter(pk=job_id, status=QUEUED).update(
            queued_at=None, queue_error=mask_personal_text(str(exc))[:500])
        return False
    model.objects.filter(pk=job_id, status=QUEUED).update(queued_at=timezone.now(), queue_error="")
    return True


def run_job(model, job_id: int, execute: Callable, *, headers: dict[str, str] | None = None,
            related: tuple[str, ...] = ()) -> str:
    """Claim and run one job: ``execute(job, source, progress) -> ImportReport``."""
    now = timezone.now()
    claimable = Q(status=QUEUED) | Q(status=RUNNING) & (Q(heartbeat_at__lt=stale_before())
                                                        | Q(heartbeat_at__isnull=True))
    if not model.objects.filter(claimable, pk=job_id).update(status=RUNNING, claimed_at=now, heartbeat_at=now):
        return "already taken"
    mine = model.objects.filter(pk=job_id, claimed_at=now)  # a later takeover makes it match nothing
    job = model.objects.select_related(*related).get(pk=job_id)

    def progress(n):
        mine.update(processed=n, heartbeat_at=timezone.now())

    try:
        with job.file.open("rb") as source:
            report: ImportReport = execute(job, source, progress)
    except Exception as exc:  # the job must say why it stopped, whatever the cause
        mine.update(status=FAILED, message=mask_personal_text(str(exc))[:2000], finished_at=timezone.now())
        discard_file(model, job)
        if not isinstance(exc, TableError):
            raise
        return "failed"
    mine.update(status=DONE, created=report.created, updated=report.updated, unchanged=report.unchanged,
                error_count=len(report.errors), finished_at=timezone.now(),
                errors=error_rows(report, headers or {}, ERRORS_KEPT))
    discard_file(model, job)
    return "done"


def discard_file(model, job) -> None:
    """Gone once imported, unless a retention is set (then it stays encrypted until the sweep)."""
    if settings.PORTAL_IMPORT_RETENTION_DAYS > 0 or not job.file:
        return
    job.file.delete(save=False)
    model.objects.filter(pk=job.pk).update(file="")


def sweep_jobs(model, send: Callable[[int], object]) -> dict:
    """Queue the jobs the broker never took (and those whose worker died); delete uploads past
    their retention."""
    now = timezone.now()
    waiting = model.objects.filter(
        Q(status=QUEUED, queued_at__isnull=True, created_at__lt=now - QUEUE_GRACE)
        | Q(status=QUEUED, queued_at__lt=stale_before())  # a message lost by the broker
        | Q(status=RUNNING) & (Q(heartbeat_at__lt=stale_before()) | Q(heartbeat_at__isnull=True)))
    requeued = sum(queue_job(model, pk, send) for pk in waiting.values_list("pk", flat=True))
    deleted = 0
    keep = datetime.timedelta(days=settings.PORTAL_IMPORT_RETENTION_DAYS)
    for job in model.objects.filter(status__in=[DONE, FAILED], finished_at__lt=now - keep).exclude(file=""):
        job.file.delete(save=False)
        model.objects.filter(pk=job.pk).update(file="")
        deleted += 1
    return {"requeued": requeued, "files_deleted": deleted}
