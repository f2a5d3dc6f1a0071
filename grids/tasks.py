"""Celery tasks: the grids' supervision checks on their own (the nightly run covers them too)."""

from celery import shared_task


@shared_task(name="grids.run_checks", time_limit=10 * 60)
def run_checks() -> dict:
    from core.supervision import run_all

    return run_all(only=["grids.incident_overdue", "grids.grid_unvisited", "grids.post_vacant",
                         "grids.window_overdue", "grids.admission_undecided"])


# --- Schedule (core.schedule collects every app's; README "Periodic tasks" lists them) -----------
from core.schedule import Periodic  # noqa: E402

SCHEDULE = [
    Periodic("grids-run-checks", "grids.run_checks", minute="15", hour="7",
             description="Overdue incidents and window requests, grids unvisited in their plan's period, posts "
                         "vacant over 90 days, admission requests undecided after 15 working days."),
]
ON_DEMAND = {}
