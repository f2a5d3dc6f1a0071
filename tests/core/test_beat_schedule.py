"""One schedule: each app declares its periodic tasks (SCHEDULE in <app>/tasks.py), every task is
either scheduled or named as run on demand, and django-celery-beat's tables hold exactly what is
declared after a migrate (idempotently), with a README table listing them."""

from pathlib import Path

import pytest
from django.conf import settings

from core import schedule

pytestmark = pytest.mark.django_db

APPS = ("core.", "governance.", "reports.", "volunteers.", "grids.", "social_orgs.", "child_care.")


def _portal_tasks() -> set[str]:
    from portal.celery import app

    schedule.declared()  # imports every app's tasks module
    return {name for name in app.tasks if name.startswith(APPS)}


def _in_database() -> set[tuple]:
    from django_celery_beat.models import PeriodicTask

    return {(t.name, t.task, t.crontab.minute, t.crontab.hour, t.crontab.day_of_week, t.crontab.day_of_month,
             t.crontab.month_of_year, str(t.crontab.timezone), t.interval_id)
            for t in PeriodicTask.objects.filter(description__startswith=schedule.MARK).select_related("crontab")}


def _declared() -> set[tuple]:
    return {(e.name, e.task, *e.crontab.values(), settings.CELERY_TIMEZONE, None) for e in schedule.declared()}


def test_every_task_is_scheduled_or_named_as_run_on_demand():
    scheduled = {e.task for e in schedule.declared()}
    on_demand = set(schedule.on_demand())
    assert not scheduled & on_demand
    assert _portal_tasks() == scheduled | on_demand, "a task with neither a schedule nor a reason to have none"
    assert {"governance.award_dispute_points", "governance.run_checks"} <= scheduled


def test_the_schedule_lives_in_the_declarations_only():
    assert not settings.CELERY_BEAT_SCHEDULE
    names = [e.name for e in schedule.declared()]
    assert len(names) == len(set(names))


def test_the_database_holds_the_declared_schedule_and_a_second_sync_changes_nothing():
    schedule.sync()  # what post_migrate does (a transactional test may have flushed the tables since)
    assert _in_database() == _declared()
    assert schedule.sync() == 0


def test_a_sync_brings_back_the_declared_time_and_keeps_a_pause_and_foreign_entries():
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    schedule.sync()
    every_day = IntervalSchedule.objects.create(every=24, period=IntervalSchedule.HOURS)
    # As the old settings-based schedule left it: an interval, not the declared time.
    PeriodicTask.objects.filter(name="supervision-checks-nightly").update(interval=every_day, crontab=None)
    PeriodicTask.objects.filter(name="volunteers-recompute-totals").update(enabled=False)  # paused in the admin
    stale = PeriodicTask.objects.create(name="retired", task="core.gone", interval=every_day,
                                        description=schedule.MARK + "no longer declared")
    foreign = PeriodicTask.objects.create(name="made in the admin", task="celery.backend_cleanup", interval=every_day)
    assert schedule.sync() == 2
    assert _in_database() == _declared()
    assert not PeriodicTask.objects.get(name="volunteers-recompute-totals").enabled
    assert not PeriodicTask.objects.filter(pk=stale.pk).exists() and PeriodicTask.objects.filter(pk=foreign.pk).exists()
    nightly = PeriodicTask.objects.get(name="supervision-checks-nightly")
    assert (nightly.crontab.hour, nightly.crontab.minute) == ("1", "0") and nightly.interval is None
    assert CrontabSchedule.objects.filter(pk=nightly.crontab_id).exists()


def test_the_readme_lists_every_periodic_task_and_when_it_runs():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    rows = [line for line in readme.splitlines() if line.startswith("| ")]
    for entry in schedule.declared():
        assert any(f"`{entry.task}`" in row and entry.when in row for row in rows), entry
