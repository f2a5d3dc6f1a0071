"""Celery tasks: a queued file import, and the nightly recomputation of totals."""

from celery import shared_task
from django.db.models import F
from django.utils import timezone

from .choices import ImportKind, ImportStatus
from .models import ImportJob

ERRORS_KEPT = 5000


@shared_task(name="volunteers.run_import", time_limit=60 * 60, soft_time_limit=55 * 60)
def run_import(job_id: int) -> str:
    """Run one queued import. Claimed with a conditional UPDATE, so a second delivery does nothing."""
    from core.tabular import TableError

    from .imports import import_service_hours, import_volunteers

    if not ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(status=ImportStatus.RUNNING):
        return "already taken"
    job = ImportJob.objects.select_related("team", "created_by").get(pk=job_id)

    def progress(n):
        ImportJob.objects.filter(pk=job_id).update(processed=n)

    try:
        with job.file.open("rb") as source:
            if job.kind == ImportKind.SERVICE_HOURS:
                report = import_service_hours(actor=job.created_by, source=source, team=job.team,
                                              filename=job.filename, progress=progress)
            else:
                report = import_volunteers(actor=job.created_by, source=source, filename=job.filename,
                                           progress=progress)
    except (TableError, Exception) as exc:  # the job must say why it stopped, whatever the cause
        ImportJob.objects.filter(pk=job_id).update(status=ImportStatus.FAILED, message=str(exc)[:2000],
                                                   finished_at=timezone.now())
        if not isinstance(exc, TableError):
            raise
        return "failed"
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportStatus.DONE, created=report.created, updated=report.updated, unchanged=report.unchanged,
        error_count=len(report.errors), finished_at=timezone.now(), processed=F("processed"),
        errors=[{"line": e.line, "column": e.column, "reason": str(e.reason)} for e in report.errors[:ERRORS_KEPT]],
    )
    return "done"


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
]
ON_DEMAND = {"volunteers.run_import": "one uploaded file"}
