"""Supervision checks: rules that raise findings into officers' inboxes.

Each app declares its checks in ``<app>/supervision.py`` with ``@check("app.rule_name")``; a
check yields ``Raise`` items for the records that break the rule *now*. The runner opens a
finding for each new one and closes the findings whose condition no longer holds, so running it
twice changes nothing.
"""

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from . import services
from .choices import AreaLevel, FindingStatus, Severity
from .discovery import app_modules

log = logging.getLogger(__name__)


@dataclass
class Raise:
    target: object
    area: object
    title: str
    detail: str = ""
    severity: str = Severity.WARNING
    due_date: datetime.date | None = None
    url: str = ""


REGISTRY: dict[str, Callable[[datetime.date], Iterable[Raise]]] = {}


def check(rule: str):
    def register(fn):
        if rule in REGISTRY and REGISTRY[rule] is not fn:
            raise RuntimeError(f"Two supervision checks are named {rule}")
        REGISTRY[rule] = fn
        return fn

    return register


def discover() -> None:
    app_modules("supervision")


def run_all(today: datetime.date | None = None, only: Iterable[str] | None = None) -> dict[str, dict]:
    discover()
    today = today or timezone.localdate()
    summary = {}
    for rule, fn in sorted(REGISTRY.items()):
        if only and rule not in only:
            continue
        # Set-wise: the rule's open findings read once, the new ones written in bulk (a query and an
        # audit row per record made 100,000 organisations' first night take minutes).
        raised, keys = services.raise_findings(rule=rule, items=fn(today))
        resolved = services.resolve_stale_findings(rule=rule, still_true=keys)
        summary[rule] = {"open": len(keys), "raised": raised, "resolved": resolved}
        log.info("supervision %s: %s", rule, summary[rule])
    if not only:
        summary["core.escalation"] = {"escalated": escalate_overdue(today)}
    return summary


# An unresolved finding past its due date moves one level up (community → street → district → city)
# with a new due date this many working days ahead; never above ESCALATION_TOP.
ESCALATION_WORKING_DAYS = 5
ESCALATION_TOP = AreaLevel.CITY


def escalate_overdue(today: datetime.date | None = None) -> int:
    """Raise every open finding whose due date has passed one level up; returns how many moved.
    Safe to run twice a day: the escalated finding's new due date lies ahead."""
    from .models import Finding
    from .workdays import add_working_days

    today = today or timezone.localdate()
    new_due = add_working_days(today, ESCALATION_WORKING_DAYS)
    moved = 0
    overdue = Finding.objects.filter(status=FindingStatus.OPEN, due_date__lt=today).exclude(level=ESCALATION_TOP)
    for finding in overdue.only("pk").iterator():
        moved += services.escalate_finding(finding=finding, today=today, new_due_date=new_due,
                                           top_level=ESCALATION_TOP) is not None
    if moved:
        log.info("supervision: %s overdue findings escalated", moved)
    return moved


@check("core.population_missing")
def population_missing(today):
    """Every community/village needs its population for the latest year recorded anywhere:
    indicators divide by it."""
    from .models import Area, AreaPopulation

    latest = AreaPopulation.objects.aggregate(y=Max("year"))["y"]
    if latest is None:
        return
    missing = (
        Area.objects.filter(level=AreaLevel.COMMUNITY)
        .exclude(populations__year=latest)
        .select_related("parent")
    )
    for area in missing:
        yield Raise(
            target=area, area=area,
            title=_("No population recorded for %(area)s in %(year)s") % {"area": area.name, "year": latest},
            detail=_("Indicators that divide by population cannot be computed for this area."),
            due_date=today + datetime.timedelta(days=30), url=area.get_absolute_url(),
        )
