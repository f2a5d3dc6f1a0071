from celery import shared_task
from django.utils import timezone

from core.exceptions import TransitionRefused
from core.locks import single_run


@shared_task(name="governance.close_due_evaluations", time_limit=600)
def close_due_evaluations() -> int:
    """Close the evaluation rounds past their closing time (safe to run twice: a closed round is skipped)."""
    from . import services
    from .models import EvaluationRound

    closed = 0
    with single_run("governance.close_due_evaluations") as got:
        if not got:
            return 0
        for pk in EvaluationRound.objects.filter(closed_at__isnull=True, closes_at__lte=timezone.now()).values_list(
                "pk", flat=True):
            try:
                services.close_evaluation(actor=None, round=EvaluationRound(pk=pk))
                closed += 1
            except TransitionRefused:
                continue
        # Also hourly here, capped per run so it fits this task's time limit; the nightly entry of
        # its own (SCHEDULE below) works through the whole backlog.
        services.award_dispute_points(limit=DISPUTE_POINTS_PER_RUN)
    return closed


DISPUTE_POINTS_PER_RUN = 2000


@shared_task(name="governance.award_dispute_points", time_limit=1800)
def award_dispute_points() -> int:
    """Points for the mediators of disputes effectively resolved (idempotent: awarded once)."""
    from . import services

    with single_run("governance.award_dispute_points") as got:
        if not got:
            return 0
        return services.award_dispute_points()


@shared_task(name="governance.run_checks", time_limit=900)
def run_checks() -> dict:
    """The governance supervision checks: unanswered matters, overdue publications and steps."""
    from core import supervision

    supervision.discover()
    rules = [r for r in supervision.REGISTRY if r.startswith("governance.")]
    return supervision.run_all(only=rules)


# --- Schedule (core.schedule collects every app's; README "Periodic tasks" lists them) -----------
from core.schedule import Periodic  # noqa: E402

SCHEDULE = [
    Periodic("governance-close-due-evaluations", "governance.close_due_evaluations", minute="5",
             description="Closes the evaluation rounds past their closing time; awards dispute points, capped."),
    Periodic("governance-award-dispute-points", "governance.award_dispute_points", minute="0", hour="4",
             description="Points for the mediators of disputes effectively resolved, the whole backlog."),
    Periodic("governance-run-checks-midday", "governance.run_checks", minute="30", hour="12",
             description="The governance checks again at midday, so a step or publication falling due today "
                         "reaches the inbox the same day (the nightly run covers every app)."),
]
