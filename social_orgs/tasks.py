"""Celery tasks of the social-organisations app. The timers also run inside core's nightly
supervision checks (``social_orgs.credit_timers``); this task runs them on their own."""

from celery import shared_task


@shared_task(name="social_orgs.run_credit_timers", time_limit=30 * 60, soft_time_limit=25 * 60)
def run_credit_timers(today: str | None = None) -> dict:
    """Idempotent: a second run on the same day changes nothing; a concurrent one does nothing."""
    import datetime

    from core.locks import single_run

    from .services import run_timers

    with single_run("social_orgs.run_credit_timers") as mine:
        if not mine:
            return {}
        return run_timers(datetime.date.fromisoformat(today) if today else None)


# --- Schedule (core.schedule collects every app's; README "Periodic tasks" lists them) -----------
from core.schedule import Periodic  # noqa: E402

SCHEDULE = [
    Periodic("social-orgs-credit-timers", "social_orgs.run_credit_timers", minute="30", hour="0",
             description="Credit lists on their legal timers: missed report deadlines, escalation, expiry, zombies."),
]
ON_DEMAND = {}
