"""Celery tasks: a queued file import, the sweep that keeps imports moving, and the nightly
recomputation of totals."""

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError

from core.tabular import mask_personal_text

from .choices import ImportKind, ImportStatus
from .models import ImportJob

log = logging.getLogger(__name__)

ERRORS_KEPT = 5000
# Jobs younger than this are left to the on_commit hand-over that is about to queue them.
QUEUE_GRACE = datetime.timedelta(minutes=1)


def _stale_before():
    return timezone.now() - datetime.timedelta(seconds=settings.PORTAL_IMPORT_STALE_SECONDS)


def queue_import(job_id: int) -> bool:
    """Hand a job to the task queue. With the broker down the job stays "waiting to be queued"
    (shown on its page, retried by ``sweep_imports``) instead of failing the upload with a 500."""
    try:
        run_import.delay(job_id)
    except (OperationalError, OSError) as exc:
        log.warning("import %s could not be queued: %s", job_id, exc)
        ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
            queued_at=None, queue_error=mask_personal_text(str(exc))[:500])
        return False
    ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(queued_at=timezone.now(), queue_error="")
    return True


def _task_limits():
    seconds = settings.PORTAL_IMPORT_MAX_SECONDS
    return {"soft_time_limit": seconds + 5 * 60, "time_limit": seconds + 10 * 60}


@shared_task(name="volunteers.run_import", **_task_limits())
def run_import(job_id: int) -> str:
    """Run one queued import.

    Claimed with a conditional UPDATE, so a second delivery of a job being run does nothing; but a
    claim whose heartbeat (refreshed with every progress report) is older than
    ``PORTAL_IMPORT_STALE_SECONDS`` belonged to a worker that died, and the redelivered task takes
    it over. The uploaded file is deleted when the import ends, whatever the outcome (unless
    ``PORTAL_IMPORT_RETENTION_DAYS`` keeps it; the sweep deletes it then).
    """
    from core.tabular import TableError

    from .imports import import_service_hours, import_volunteers

    now = timezone.now()
    claimable = Q(status=ImportStatus.QUEUED) | Q(status=ImportStatus.RUNNING) & (
        Q(heartbeat_at__lt=_stale_before()) | Q(heartbeat_at__isnull=True))
    if not ImportJob.objects.filter(claimable, pk=job_id).update(
            status=ImportStatus.RUNNING, claimed_at=now, heartbeat_at=now):
        return "already taken"
    mine = ImportJob.objects.filter(pk=job_id, claimed_at=now)  # a later takeover makes it match nothing
    job = ImportJob.objects.select_related("team", "created_by").get(pk=job_id)

    def progress(n):
        mine.update(processed=n, heartbeat_at=timezone.now())

    try:
        with job.file.open("rb") as source:
            if job.kind == ImportKind.SERVICE_HOURS:
                report = import_service_hours(actor=job.created_by, source=source, team=job.team,
                                              filename=job.filename, progress=progress)
            else:
                report = import_volunteers(actor=job.created_by, source=source, filename=job.filename,
                                           progress=progress)
    except Exception as exc:  # the job must say why it stopped, whatever the cause
        mine.update(status=ImportStatus.FAILED, message=mask_personal_text(str(exc))[:2000],
                    finished_at=timezone.now())
        _discard_file(job)
        if not isinstance(exc, TableError):
            raise
        return "failed"
    mine.update(
        status=ImportStatus.DONE, created=report.created, updated=report.updated, unchanged=report.unchanged,
        error_count=len(report.errors), finished_at=timezone.now(),
        errors=[{"line": e.line, "column": e.column, "reason": str(e.reason)} for e in report.errors[:ERRORS_KEPT]],
    )
    _discard_file(job)
    return "done"


def _discard_file(job: ImportJob) -> None:
    """The upload holds plaintext ID numbers: gone once imported, unless a retention is set."""
    if settings.PORTAL_IMPORT_RETENTION_DAYS > 0 or not job.file:
        return
    job.file.delete(save=False)
    ImportJob.objects.filter(pk=job.pk).update(file="")


@shared_task(name="volunteers.sweep_imports", time_limit=10 * 60)
def sweep_imports() -> dict:
    """Keep imports moving and tidy: queue the jobs the broker never took (and the ones whose
    worker died), drop staging tables left by killed runs, delete uploads past their retention."""
    from .imports import drop_orphaned_staging

    now = timezone.now()
    waiting = ImportJob.objects.filter(
        Q(status=ImportStatus.QUEUED, queued_at__isnull=True, created_at__lt=now - QUEUE_GRACE)
        | Q(status=ImportStatus.QUEUED, queued_at__lt=_stale_before())  # a message lost by the broker
        | Q(status=ImportStatus.RUNNING) & (Q(heartbeat_at__lt=_stale_before()) | Q(heartbeat_at__isnull=True)))
    requeued = sum(queue_import(pk) for pk in waiting.values_list("pk", flat=True))
    dropped = drop_orphaned_staging()
    deleted = 0
    keep = datetime.timedelta(days=settings.PORTAL_IMPORT_RETENTION_DAYS)
    for job in ImportJob.objects.filter(status__in=[ImportStatus.DONE, ImportStatus.FAILED],
                                        finished_at__lt=now - keep).exclude(file=""):
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")
        deleted += 1
    return {"requeued": requeued, "staging_dropped": dropped, "files_deleted": deleted}


@shared_task(name="volunteers.recompute_totals", time_limit=10 * 60)
def recompute_totals() -> int:
    from core.locks import single_run

    from .ledger import recompute_totals as recompute

    with single_run("volunteers.recompute_totals") as mine:
        return recompute() if mine else 0


# --- Schedule (core.schedule collects every app's; README "Periodic tasks" lists them) -----------
from core.schedule import Periodic  # noqa: E402

SCHEDULE = [
    Periodic("volunteers-recompute-totals", "volunteers.recompute_totals", minute="30", hour="3",
             description="Totals are kept current on approval; the nightly recompute repairs any drift."),
    Periodic("volunteers-sweep-imports", "volunteers.sweep_imports", minute="*/5",
             description="Re-queue imports the broker never took or whose worker died, drop orphaned staging "
                         "tables, delete uploads past their retention."),
]
ON_DEMAND = {"volunteers.run_import": "one uploaded file"}
