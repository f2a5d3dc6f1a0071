"""Celery tasks: a queued file import, the sweep that keeps imports moving, and the nightly
recomputation of totals."""

from celery import shared_task

from .choices import ImportKind
from .models import ImportJob


def queue_import(job_id: int) -> bool:
    """Hand a job to the task queue (``core.imports.jobs.queue_job``: with the broker down the job
    waits, shown on its page, and ``sweep_imports`` queues it later)."""
    from core.imports.jobs import queue_job

    return queue_job(ImportJob, job_id, lambda pk: run_import.delay(pk))


def _task_limits():
    from core.imports.jobs import task_limits

    return task_limits()


@shared_task(name="volunteers.run_import", **_task_limits())
def run_import(job_id: int) -> str:
    """Run one queued import on core's machinery (``core.imports.jobs.run_job``): claimed with a
    conditional UPDATE and a heartbeat lease, errors kept masked with the file's own column names,
    the encrypted upload deleted when it ends (unless ``PORTAL_IMPORT_RETENTION_DAYS`` keeps it)."""
    from core.imports.jobs import run_job

    from .imports import IMPORTERS

    def execute(job, source, progress):
        importer = IMPORTERS.get(job.kind, IMPORTERS[ImportKind.VOLUNTEERS])
        return importer(actor=job.created_by, job=job).run(source, filename=job.filename, progress=progress)

    headers = {**IMPORTERS[ImportKind.VOLUNTEERS].headers(), **IMPORTERS[ImportKind.SERVICE_HOURS].headers()}
    return run_job(ImportJob, job_id, execute, headers=headers, related=("team", "created_by"))


@shared_task(name="volunteers.sweep_imports", time_limit=10 * 60)
def sweep_imports() -> dict:
    """Keep imports moving and tidy: queue the jobs the broker never took (and the ones whose
    worker died), drop staging tables left by killed runs, delete uploads past their retention."""
    from core.imports.jobs import sweep_jobs

    from .imports import drop_orphaned_staging

    swept = sweep_jobs(ImportJob, lambda pk: run_import.delay(pk))
    return {"requeued": swept["requeued"], "staging_dropped": drop_orphaned_staging(),
            "files_deleted": swept["files_deleted"]}


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
