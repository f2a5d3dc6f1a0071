from celery import shared_task
from django.utils import timezone


@shared_task(name="reports.aggregate_indicators", time_limit=1800, soft_time_limit=1700)
def aggregate_indicators(run_id: int):
    """Execute one queued aggregation run; a second concurrent run is skipped (advisory lock)."""
    from .services import execute_run

    run = execute_run(run_id=run_id)
    return {"run": run.pk, "status": run.status}


@shared_task(name="reports.aggregate_nightly", time_limit=3600, soft_time_limit=3500)
def aggregate_nightly():
    """The nightly beat entry: this year, this quarter and this month, one run each."""
    from .choices import RunTrigger
    from .services import run_now

    today = timezone.localdate()
    keys = [f"{today.year}", f"{today.year}Q{(today.month - 1) // 3 + 1}", f"{today.year}-{today.month:02d}"]
    return [run_now(actor=None, period=key, trigger=RunTrigger.NIGHTLY).status for key in keys]


# --- Schedule (core.schedule collects every app's; README "Periodic tasks" lists them) -----------
from core.schedule import Periodic  # noqa: E402

SCHEDULE = [
    # The name of the entry reports/migrations/0003_nightly_schedule.py created.
    Periodic("reports: aggregate indicators nightly", "reports.aggregate_nightly", minute="30", hour="2",
             description="This year, quarter and month aggregated, one run each."),
]
ON_DEMAND = {"reports.aggregate_indicators": "one requested run (dashboard, API, the nightly task)"}
