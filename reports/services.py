"""Every write of the reports app: requesting, running and storing an aggregation.

``request_run`` records who asked for which period and queues the Celery task on commit;
``execute_run`` (the task's body) takes the single-run lock, computes every registered indicator
for every area and replaces that period's stored values in one transaction. A rerun replaces the
same rows; readers keep seeing the previous values until it commits (PostgreSQL MVCC).
"""

import csv
import io
import logging
import time

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.locks import single_run
from core.services import record_export, require_perm
from portal.celery import TaskQueueUnavailable

from . import engine
from .choices import RunStatus, RunTrigger
from .models import IndicatorValue, ReportRun
from .periods import Period
from .registry import ordered

log = logging.getLogger(__name__)
LOCK_NAME = "reports.aggregate"
BATCH = 5000


@transaction.atomic
def request_run(*, actor, period: str, trigger: str = RunTrigger.API, enqueue: bool = True) -> ReportRun:
    """Ask for an aggregation of ``period``; the task runs after commit (in-process without Redis)."""
    require_perm(actor, "reports.add_reportrun")
    parsed = Period.parse(period)
    run = ReportRun(period=parsed.key, trigger=trigger,
                    requested_by=actor if actor is not None and actor.pk else None)
    run.full_clean()
    run.save()
    audit.record(actor=actor, action="reports.run.request", target=run,
                 changes={"period": [None, parsed.key], "trigger": [None, trigger]})
    if enqueue:
        from .tasks import aggregate_indicators

        def queue():
            try:
                aggregate_indicators.delay(run.pk)
            except TaskQueueUnavailable:  # the caller says so; the run is not left queued forever
                _finish(run.pk, status=RunStatus.FAILED, message=_("The task queue was unavailable."))
                raise

        transaction.on_commit(queue)
    return run


def _finish(run_id: int, **fields) -> None:
    from .selectors import forget_periods

    ReportRun.objects.filter(pk=run_id).update(finished_at=timezone.now(), **fields)
    transaction.on_commit(forget_periods)  # at once outside a transaction


def execute_run(*, run_id: int) -> ReportRun:
    """Run a queued aggregation. Safe to call twice: only a queued run is claimed."""
    with single_run(LOCK_NAME) as mine:
        if not mine:
            ReportRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
                status=RunStatus.SKIPPED, finished_at=timezone.now(),
                message=_("Another aggregation run was in progress; this one did nothing."))
            return ReportRun.objects.get(pk=run_id)
        claimed = ReportRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
            status=RunStatus.RUNNING, started_at=timezone.now())
        run = ReportRun.objects.get(pk=run_id)
        if not claimed:
            return run
        try:
            stats = aggregate(period=Period.parse(run.period), run=run)
        except Exception as exc:
            log.exception("aggregation run %s failed", run_id)
            _finish(run_id, status=RunStatus.FAILED, message=str(exc)[:2000])
        else:
            _finish(run_id, status=RunStatus.DONE, **stats)
        return ReportRun.objects.get(pk=run_id)


def aggregate(*, period: Period, run: ReportRun | None = None, indicators=None) -> dict:
    """Compute and store every indicator for every area; returns the run's counts and timings."""
    indicators = list(indicators if indicators is not None else ordered())
    result = engine.compute(indicators, period)
    started = time.perf_counter()
    now = timezone.now()
    rows = [
        IndicatorValue(indicator=v.indicator, area_id=v.area_id, period=period.key, numerator=v.numerator,
                       denominator=v.denominator, value=v.value, note=v.note, computed_at=now, run=run)
        for v in result.values
    ]
    with transaction.atomic():
        IndicatorValue.objects.filter(period=period.key, indicator__in=[i.code for i in indicators]).delete()
        if connection.vendor == "postgresql":
            _copy(rows)
        else:
            IndicatorValue.objects.bulk_create(rows, batch_size=BATCH)
    result.timings["write"] = round((time.perf_counter() - started) * 1000)
    return {"indicators": len(indicators), "areas": result.areas, "values_written": len(rows),
            "queries": result.queries, "timings": result.timings}


COPY_COLUMNS = ["indicator", "area_id", "period", "numerator", "denominator", "value", "note", "computed_at", "run_id"]


def _copy(rows: list[IndicatorValue]) -> None:
    """PostgreSQL COPY: several times faster than INSERTs for the ~10^5 values of a city-wide run."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for v in rows:
        writer.writerow([v.indicator, v.area_id, v.period, v.numerator, v.denominator, v.value, v.note,
                         v.computed_at.isoformat(), v.run_id])
    buffer.seek(0)
    table = IndicatorValue._meta.db_table
    # An unquoted empty field is NULL in CSV COPY; the note is never NULL, just empty.
    sql = f"COPY {table} ({', '.join(COPY_COLUMNS)}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL (note))"
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if hasattr(raw, "copy_expert"):  # psycopg2
            raw.copy_expert(sql, buffer)
        else:  # psycopg 3
            with raw.copy(sql) as copy:
                copy.write(buffer.getvalue())


def run_now(*, actor, period: str, trigger: str) -> ReportRun:
    """Request and execute a run in this process (the command line, the demo loader)."""
    run = request_run(actor=actor, period=period, trigger=trigger, enqueue=False)
    return execute_run(run_id=run.pk)


def record_values_export(*, actor, area_code: str, period: str, fmt: str, count: int) -> None:
    """An export of the dashboard table is a disclosure like any other list's: audited."""
    record_export(actor=actor, what=f"indicators-{area_code}-{period}", count=count, fmt=fmt,
                  filters={"area": area_code, "period": period})
