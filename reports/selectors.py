"""Reads of stored indicator values, shared by the dashboard, its export and the API.

Pages read only ``IndicatorValue`` rows (never the records behind them), so a dashboard costs a
handful of indexed queries whatever the size of the city, and a run in progress never blocks it.
"""

import contextlib
from dataclasses import dataclass, field

from django.db.models import Max, Q
from django.http import Http404
from django.utils.translation import gettext as _

from core.models import Area
from core.scope import scope_for
from core.selectors import top_areas, visible_ancestors

from .choices import RunStatus
from .models import IndicatorValue, ReportRun
from .periods import Period
from .registry import UNIT_FACTOR, Indicator, Unit, is_distribution, ordered

VIEW_PERM = "reports.view_indicatorvalue"


# Area rows by code, kept per process under the shared access version (which any saved or deleted
# area bumps, core.scope): the dashboard then reads no area row per request.
_AREAS: dict = {}


def _area(code: str):
    from django.db import connection

    from core.scope import shared_version

    version = shared_version()
    if version is None or connection.in_atomic_block:  # nothing read inside a transaction is kept
        return Area.objects.filter(code=code).first()
    key = (version, code)
    if key not in _AREAS:
        if len(_AREAS) > 5000:
            _AREAS.clear()
        _AREAS[key] = Area.objects.filter(code=code).first()
    return _AREAS[key]


def area_in_scope(user, code: str) -> Area:
    """The area ``code`` if the user may see its values; 404 otherwise (unknown or out of scope)."""
    area = _area(code)
    if area is None or not scope_for(user).covers(VIEW_PERM, area.code):
        raise Http404(_("No such area."))
    return area


def default_area(user) -> Area | None:
    roots = top_areas(user)
    return roots[0] if roots else None


PERIODS_KEY = "reports:periods"
PERIODS_TTL = 300  # a bound on staleness should an invalidation ever be lost


def periods_with_values() -> tuple[list[str], int]:
    """Periods some run has computed, newest first, and the id of the latest finished run (the
    version of every stored value: cached dashboards are keyed by it).

    Kept in the cache between runs (a finished run forgets it, ``forget_periods``): a dashboard
    request then reads no run row. Inside a transaction nothing is read from or kept in the cache
    (what it reads may be rolled back)."""
    from django.core.cache import cache
    from django.db import connection

    keep = not connection.in_atomic_block
    if keep:
        try:
            found = cache.get(PERIODS_KEY)
        except Exception:  # a cache outage: read the database
            keep, found = False, None
        if found is not None:
            return list(found[0]), found[1]
    rows = (ReportRun.objects.filter(status=RunStatus.DONE).order_by().values("period")
            .annotate(last=Max("id")).values_list("period", "last"))
    latest = dict(rows)
    result = sorted(latest, key=_period_sort_key, reverse=True), max(latest.values(), default=0)
    if keep:
        with contextlib.suppress(Exception):  # a cache outage: nothing kept
            cache.set(PERIODS_KEY, (tuple(result[0]), result[1]), PERIODS_TTL)
    return result


def forget_periods() -> None:
    """A run finished (or runs changed): the next dashboard reads the periods afresh."""
    from django.core.cache import cache

    with contextlib.suppress(Exception):  # unreachable: the TTL bounds how long the old list is served
        cache.delete(PERIODS_KEY)


def _period_sort_key(key: str):
    p = Period.parse(key)
    return (p.start, p.end)


def format_value(value, unit: str) -> str:
    if value is None:
        return "—"
    if unit == Unit.COUNT:
        return f"{int(value):,}" if value == int(value) else f"{value:,.2f}"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text + {Unit.PERCENT: "%", Unit.PERMILLE: "‰", Unit.YUAN: " " + _("yuan")}.get(unit, "")


def _plain(value):
    if value is None:
        return None
    return int(value) if value == int(value) else float(value)


@dataclass
class Card:
    indicator: Indicator
    value: IndicatorValue | None
    children: list = field(default_factory=list)
    trend: list = field(default_factory=list)

    @property
    def display(self):
        return format_value(self.value.value if self.value else None, self.indicator.unit)

    @property
    def target(self):
        """The indicator's target where it applies to this card's area (see ``Target.applies_at``)."""
        t = self.indicator.target
        if t is None or self.value is None or not t.applies_at(self.value.area.level, self.indicator.unit):
            return None
        return t

    @property
    def met(self):
        if self.target is None or self.value is None or self.value.value is None:
            return None
        return self.target.met(float(self.value.value))

    @property
    def explanation(self) -> str:
        v = self.value
        if v is None:
            return _("Not computed for this area and period yet.")
        if v.value is None:
            return v.note
        if is_distribution(self.indicator):  # numerator: how many records the median was read from
            return _("median of %(n)s records of this area and the areas below it") % {
                "n": format_value(v.numerator, Unit.COUNT)}
        if v.denominator is None:
            return _("total of the records of this area and the areas below it")
        factor = UNIT_FACTOR.get(self.indicator.unit, 1)
        text = f"{format_value(v.numerator, Unit.COUNT)} / {format_value(v.denominator, Unit.COUNT)}"
        return text + (f" × {factor}" if factor != 1 else "")

    def chart(self) -> dict:
        return {
            "code": self.indicator.code, "name": str(self.indicator.name), "unit": self.indicator.unit,
            "target": self.target.value if self.target else None,
            "share": self.indicator.unit == Unit.COUNT,
            "children": [{"code": c["area__code"], "name": c["area__name"], "value": _plain(c["value"]),
                          "note": c["note"]} for c in self.children],
            "trend": [{"period": t["period"], "value": _plain(t["value"])} for t in self.trend],
        }


def dashboard(user, area: Area, period: Period) -> list[Card]:
    """Cards for ``area`` in ``period``: its values, its children's, and its trend over periods."""
    values = IndicatorValue.objects.restrict(user).select_related("run", "area")
    own = {v.indicator: v for v in values.filter(area=area, period=period.key)}
    cards = {ind.code: Card(ind, own.get(ind.code)) for ind in ordered() if ind.code in own}
    children = (IndicatorValue.objects.restrict(user).filter(area__parent=area, period=period.key)
                .order_by("area__code").values("indicator", "area__code", "area__name", "value", "note"))
    for row in children:
        if row["indicator"] in cards:
            cards[row["indicator"]].children.append(row)
    same_kind = [
        row for row in IndicatorValue.objects.restrict(user).filter(area=area).values("indicator", "period", "value")
        if Period.parse(row["period"]).kind == period.kind
    ]
    for row in sorted(same_kind, key=lambda r: _period_sort_key(r["period"])):
        if row["indicator"] in cards:
            cards[row["indicator"]].trend.append(row)
    return list(cards.values())


def area_choices(user, current: Area) -> list[Area]:
    """The area picker: the user's own areas and the areas right below them, plus the current one."""
    roots = top_areas(user)
    areas = {a.pk: a for a in roots}
    for child in Area.objects.filter(parent__in=roots).order_by("code"):
        areas.setdefault(child.pk, child)
    areas.setdefault(current.pk, current)
    return sorted(areas.values(), key=lambda a: a.code)


def breadcrumbs(user, area: Area) -> list[Area]:
    return [a for a in visible_ancestors(user, area) if scope_for(user).covers(VIEW_PERM, a.code)]


def export_rows(user, area: Area, period: Period):
    """The dashboard's table: the area and its children, every indicator."""
    qs = (IndicatorValue.objects.restrict(user).filter(period=period.key)
          .filter(Q(area=area) | Q(area__parent=area))
          .select_related("area").order_by("area__code", "indicator"))
    order = {ind.code: i for i, ind in enumerate(ordered())}
    return sorted(qs, key=lambda v: (v.area.code != area.code, v.area.code, order.get(v.indicator, 999)))


def child_rows(cards: list[Card]) -> list[dict]:
    """The children table: one row per child area, one cell per card (empty where not computed)."""
    names, by_code = {}, {}
    for i, card in enumerate(cards):
        for row in card.children:
            names[row["area__code"]] = row["area__name"]
            by_code.setdefault(row["area__code"], {})[i] = row
    out = []
    for code in sorted(names):
        cells = []
        for i, card in enumerate(cards):
            row = by_code[code].get(i)
            cells.append({"display": format_value(row["value"], card.indicator.unit) if row else "",
                          "note": row["note"] if row else ""})
        out.append({"code": code, "name": names[code], "cells": cells})
    return out
