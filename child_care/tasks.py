"""Nightly: the status rules look at every child with an open category and open proposals (safe twice)."""

from celery import shared_task
from django.utils import timezone


@shared_task(name="child_care.evaluate_rules", time_limit=3600)
def evaluate_rules_task(today: str | None = None) -> int:
    import datetime

    from . import services
    from .models import CategoryRecord, Person

    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    ids = CategoryRecord.objects.in_force_on(day).values("person").distinct()
    opened = 0
    for person in Person.objects.filter(pk__in=ids, deleted_at__isnull=True).iterator(chunk_size=500):
        opened += len(services.evaluate_rules(person=person, today=day))
    return opened


# --- Schedule (core.schedule collects every app's; README "Periodic tasks" lists them) -----------
from core.schedule import Periodic  # noqa: E402

SCHEDULE = [
    Periodic("child-care-rules", "child_care.evaluate_rules", minute="45", hour="0",
             description="Status rules propose (turning 16 or 18, a parent back, hukou change); people decide."),
]
ON_DEMAND = {}
