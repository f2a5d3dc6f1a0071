"""The workbench (工作台): what awaits the signed-in user (待办) and what they did (已办).

Each app contributes its items in ``<app>/workbench.py`` as ``ITEMS = [WorkItem(...)]``, like
navigation and indicators. An item is shown to whoever holds its permission somewhere:

* ``todo(user)`` returns the records awaiting the user's step — already restricted to their areas
  (``Model.objects.restrict(user, ...)``) — counted and linked to ``url`` (a URL name) plus ``query``;
* ``done_actions`` are the audit actions that count as the user's own work (已办): the user's
  audit events of those actions in the last ``DONE_DAYS`` days, counted from the append-only log.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .discovery import app_modules
from .scope import scope_for

DONE_DAYS = 30


@dataclass(frozen=True)
class WorkItem:
    key: str
    label: str
    perm: str
    url: str
    todo: Callable | None = None
    query: str = ""
    done_actions: tuple[str, ...] = ()
    order: int = 100


def _open_findings(user):
    from .choices import FindingStatus
    from .models import Finding

    return Finding.objects.inbox(user).filter(status=FindingStatus.OPEN)


CORE_ITEMS = [
    WorkItem("core.findings", _("Findings in my inbox"), "core.view_finding", "finding-list",
             todo=_open_findings, query="status=open",
             done_actions=("core.finding.resolved", "core.finding.dismissed"), order=90),
]


def all_items() -> list[WorkItem]:
    items = list(CORE_ITEMS)
    for _app, module in app_modules("workbench"):
        items.extend(getattr(module, "ITEMS", []))
    return sorted(items, key=lambda i: (i.order, i.key))


def _link(item: WorkItem) -> str:
    try:
        url = reverse(item.url)
    except NoReverseMatch:
        return ""
    return f"{url}?{item.query}" if item.query else url


def workbench_for(user) -> dict:
    """{"todo": [...], "done": [...], "todo_total", "done_total"} for the items the user may see."""
    from .models import AuditEvent

    scope = scope_for(user)
    since = timezone.now() - datetime.timedelta(days=DONE_DAYS)
    items = [i for i in all_items() if scope.has_perm_somewhere(i.perm)]
    done_actions = {a for i in items for a in i.done_actions}
    done_counts = {}
    if done_actions:
        rows = (AuditEvent.objects.filter(actor_id=user.pk, action__in=done_actions, created_at__gte=since)
                .order_by().values_list("action"))
        for (action,) in rows:
            done_counts[action] = done_counts.get(action, 0) + 1
    todo, done = [], []
    for item in items:
        link = _link(item)
        if item.todo is not None:
            todo.append({"key": item.key, "label": item.label, "count": item.todo(user).count(), "url": link})
        if item.done_actions:
            done.append({"key": item.key, "label": item.label,
                         "count": sum(done_counts.get(a, 0) for a in item.done_actions), "url": link})
    return {"todo": todo, "done": done, "todo_total": sum(t["count"] for t in todo),
            "done_total": sum(d["count"] for d in done), "done_days": DONE_DAYS}


def recent_done(user, limit=10):
    """The user's own latest recorded actions (reads excluded), for the 已办 list."""
    from .models import AuditEvent

    return list(AuditEvent.objects.filter(actor_id=user.pk).exclude(action="core.read")
                .order_by("-created_at", "-id")[:limit])
