"""The periodic tasks, declared in one place per app and written into django-celery-beat.

Each app lists its periodic tasks in ``<app>/tasks.py`` as ``SCHEDULE = [Periodic(...), ...]`` and
names the tasks that only run when queued (an import, a requested aggregation) in ``ON_DEMAND``
with the reason, so a test can check that no task is left unscheduled by mistake. After every
``migrate`` (``post_migrate``) ``sync()`` writes the declarations into django-celery-beat's tables,
idempotently: a declared entry is created or brought back to its declared task and time, an entry
declared earlier and no longer declared is removed, and nothing else is touched. The times are in
``CELERY_TIMEZONE`` (Asia/Shanghai). An administrator may pause an entry in the admin (its
``enabled`` flag survives the next deploy); its time is changed in the declaration, not the admin.
"""

from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS

MARK = "Declared in code (core.schedule); changed by a deploy, not here. "


@dataclass(frozen=True)
class Periodic:
    name: str  # the beat entry's name (unique; shown in the admin)
    task: str  # the Celery task's registered name
    minute: str = "0"
    hour: str = "*"
    day_of_week: str = "*"
    day_of_month: str = "*"
    month_of_year: str = "*"
    description: str = ""

    @property
    def crontab(self) -> dict[str, str]:
        return {"minute": self.minute, "hour": self.hour, "day_of_week": self.day_of_week,
                "day_of_month": self.day_of_month, "month_of_year": self.month_of_year}

    @property
    def when(self) -> str:
        """The time in words, for the README table."""
        c = self.crontab
        if self.minute.startswith("*/") and c["hour"] == "*" and all(
                c[k] == "*" for k in ("day_of_week", "day_of_month", "month_of_year")):
            return f"every {int(self.minute[2:])} minutes"
        if c["hour"] == "*" and all(c[k] == "*" for k in ("day_of_week", "day_of_month", "month_of_year")):
            return f"every hour at :{int(self.minute):02d}"
        if all(c[k] == "*" for k in ("day_of_week", "day_of_month", "month_of_year")) and self.hour.isdigit():
            return f"daily at {int(self.hour):02d}:{int(self.minute):02d}"
        return " ".join(c.values()) + " (cron)"


def declared() -> list[Periodic]:
    from .discovery import app_modules

    return [entry for _app, module in app_modules("tasks") for entry in getattr(module, "SCHEDULE", ())]


def on_demand() -> dict[str, str]:
    """Task name -> why it has no schedule."""
    from .discovery import app_modules

    return {name: why for _app, module in app_modules("tasks") for name, why in getattr(module, "ON_DEMAND", {}).items()}


def sync(using: str = DEFAULT_DB_ALIAS) -> int:
    """Write the declared schedule into django-celery-beat; returns the number of entries changed."""
    from django.conf import settings
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    changed, names = 0, set()
    for entry in declared():
        names.add(entry.name)
        crontab, _ = CrontabSchedule.objects.using(using).get_or_create(**entry.crontab, timezone=settings.CELERY_TIMEZONE)
        wanted = {"task": entry.task, "crontab": crontab, "interval": None, "solar": None, "clocked": None,
                  "one_off": False, "description": MARK + entry.description}
        task = PeriodicTask.objects.using(using).filter(name=entry.name).first()
        if task is None:
            PeriodicTask.objects.using(using).create(name=entry.name, enabled=True, **wanted)
            changed += 1
        elif any(getattr(task, k) != v for k, v in wanted.items()):
            for k, v in wanted.items():
                setattr(task, k, v)
            task.save(using=using)
            changed += 1
    stale = PeriodicTask.objects.using(using).filter(description__startswith=MARK).exclude(name__in=names)
    changed += stale.count()
    for task in stale:
        task.delete()
    return changed


def sync_after_migrate(using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """``post_migrate`` receiver: sync when django-celery-beat's tables exist (not after a
    migration back to before them)."""
    from django.db import connections
    from django_celery_beat.models import PeriodicTask

    if PeriodicTask._meta.db_table in connections[using].introspection.table_names():
        sync(using)
