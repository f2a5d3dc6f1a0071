"""The aggregation engine: every indicator for every area of the city, for one period, at once.

Each distinct measure query runs once, grouped by the row's area (``GROUP BY area_id``); measures
over the same rows share that query. The sums are then rolled up the area tree in Python (the
territory is a few thousand rows, loaded once), so a community, its street, its district and the
city all get their value from the same rows, and no query is ever made per area.

A median is not a sum of its parts: a ``Distribution`` indicator's query counts rows per value and
area (``GROUP BY area, value``), the counts are summed up the tree into one histogram per area, and
the quantile is read from each area's histogram (``evaluate_distributions``).
"""

import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F
from django.utils.translation import gettext as _

from core.choices import LEVEL_ORDER, LEVEL_PREFIX
from core.models import Area

from .periods import Period
from .registry import UNIT_FACTOR, Distribution, Indicator, Measure, is_distribution, quantile_of

FOUR_PLACES = Decimal("0.0001")


@dataclass
class AreaRow:
    id: int
    code: str
    level: str
    prefix: str
    depth: int
    chain: tuple  # ids of the area and all its ancestors
    in_period: bool = True  # valid on some day of the period (Area.valid_during)


@dataclass
class Computed:
    """One value before it is stored."""

    indicator: str
    area_id: int
    numerator: Decimal
    denominator: Decimal | None
    value: Decimal | None
    note: str = ""


@dataclass
class Result:
    values: list[Computed] = field(default_factory=list)
    queries: int = 0
    areas: int = 0
    timings: dict = field(default_factory=dict)


def load_areas(period: Period | None = None) -> dict[int, AreaRow]:
    """The whole territory in one query, with each area's chain of ancestors. With a period, an area
    retired before it or created after it is marked ``in_period=False``: its rows still roll up to its
    parents (records keep the area they were made in), but it gets no value of its own."""
    rows = list(Area.objects.order_by().values_list("id", "code", "level", "parent_id", "valid_from", "valid_to"))
    parent = {r[0]: r[3] for r in rows}
    out = {}
    for area_id, code, level, _parent, valid_from, valid_to in rows:
        chain, cursor = [], area_id
        while cursor is not None and len(chain) < 8:
            chain.append(cursor)
            cursor = parent.get(cursor)
        depth = LEVEL_ORDER.index(level)
        in_period = period is None or (
            (valid_from is None or valid_from <= period.end) and (valid_to is None or valid_to >= period.start)
        )
        out[area_id] = AreaRow(area_id, code, level, code[: LEVEL_PREFIX[level]], depth, tuple(chain), in_period)
    return out


def _to_decimal(value) -> Decimal:
    if value is None:
        return Decimal(0)
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _grouped(measures: list[Measure], period: Period):
    """Measures over the same rows (same queryset SQL and area path) share one GROUP BY query."""
    groups: dict[tuple, list] = {}
    for measure in measures:
        qs = measure.queryset(period).order_by().values(area_key=F(measure.area_path))
        sql, params = qs.query.sql_with_params()
        key = (qs.model._meta.label, sql, repr(params))
        entry = groups.setdefault(key, [qs, []])
        if not any(m is measure for m in entry[1]):
            entry[1].append(measure)
    return list(groups.values())


def evaluate(measures: list[Measure], period: Period, areas: dict[int, AreaRow]):
    """{id(measure): {area_id: rolled-up total}} and the number of queries made.

    Areas with no row at all are absent from a measure's totals: "missing", not zero.
    """
    totals: dict[int, dict[int, Decimal]] = {}
    queries = 0
    for qs, group in _grouped(measures, period):
        names = {f"m{i}": m.aggregate for i, m in enumerate(group)}
        rolled = [defaultdict(Decimal) for _ in group]
        for row in qs.annotate(**names).values_list("area_key", *names):
            area = areas.get(row[0])
            if area is None:
                continue
            for i, raw in enumerate(row[1:]):
                if raw is None:
                    continue
                amount = _to_decimal(raw)
                target = rolled[i]
                for area_id in area.chain:
                    target[area_id] += amount
        queries += 1
        for measure, result in zip(group, rolled, strict=True):
            totals[id(measure)] = result
    return totals, queries


def evaluate_distributions(distributions: list[Distribution], period: Period, areas: dict[int, AreaRow]):
    """{id(distribution): {area_id: {value: rows}}}, rolled up the tree, and the number of queries made.

    One query per distribution: ``SELECT area, value, COUNT(*) … GROUP BY area, value`` (a few rows per
    area: one per distinct whole number), then each count is added to the area and its ancestors."""
    histograms: dict[int, dict[int, dict]] = {}
    queries = 0
    for dist in distributions:
        if id(dist) in histograms:
            continue
        qs = (dist.queryset(period).order_by().annotate(dist_value=dist.value)
              .values(area_key=F(dist.area_path), bucket=F("dist_value")).annotate(rows=Count("pk")))
        rolled: dict[int, dict] = defaultdict(lambda: defaultdict(int))
        for area_key, bucket, rows in qs.values_list("area_key", "bucket", "rows"):
            if bucket is not None and area_key in areas:
                rolled[area_key][bucket] += rows
        # Up the tree level by level, deepest first: each area's histogram is added once to its parent's
        # (not each row to every ancestor), so the cost follows the number of (area, value) pairs.
        for length in sorted({len(a.chain) for a in areas.values()}, reverse=True):
            for area_id in [a for a in rolled if len(areas[a].chain) == length]:
                chain = areas[area_id].chain
                if len(chain) > 1:
                    parent = rolled[chain[1]]
                    for bucket, rows in rolled[area_id].items():
                        parent[bucket] += rows
        histograms[id(dist)] = rolled
        queries += 1
    return histograms, queries


def _distribution_values(ind: Indicator, histograms, areas, period: Period, factor: Decimal):
    dist = ind.numerator
    lowest = LEVEL_ORDER.index(ind.lowest_level)
    rolled = histograms[id(dist)]
    for area in areas.values():
        if area.depth > lowest or not area.in_period:
            continue
        histogram = rolled.get(area.id) or {}
        total = sum(histogram.values())
        figure = quantile_of(histogram, total, dist.quantile)
        if figure is None:
            template = dist.missing_reason or _("no record for %(indicator)s in %(area)s in %(period)s")
            reason = str(template) % {"area": area.prefix, "period": period.key, "indicator": ind.code}
            yield Computed(ind.code, area.id, Decimal(0), None, None, reason[:300])
            continue
        value = (_to_decimal(figure) * factor).quantize(FOUR_PLACES, ROUND_HALF_UP)
        yield Computed(ind.code, area.id, Decimal(total), None, value)


def _reason(indicator: Indicator, area: AreaRow, period: Period) -> str:
    template = (indicator.denominator.missing_reason if indicator.denominator else "") or _(
        "the denominator of %(indicator)s is zero or missing for %(area)s in %(period)s"
    )
    return str(template) % {"area": area.prefix, "period": period.key, "indicator": indicator.code}


def compute(indicators: list[Indicator], period: Period) -> Result:
    result = Result()
    started = time.perf_counter()
    areas = load_areas(period)
    result.areas = len(areas)
    result.timings["load_areas"] = round((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    measures, distributions = [], []
    for ind in indicators:
        if is_distribution(ind):
            distributions.append(ind.numerator)
            continue
        measures.append(ind.numerator)
        if ind.denominator is not None:
            measures.append(ind.denominator)
    totals, result.queries = evaluate(measures, period, areas)
    histograms, queries = evaluate_distributions(distributions, period, areas)
    result.queries += queries
    result.timings["queries"] = round((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    for ind in indicators:
        lowest = LEVEL_ORDER.index(ind.lowest_level)
        factor = Decimal(UNIT_FACTOR.get(ind.unit, 1))
        if is_distribution(ind):
            result.values.extend(_distribution_values(ind, histograms, areas, period, factor))
            continue
        nums = totals[id(ind.numerator)]
        dens = totals[id(ind.denominator)] if ind.denominator is not None else None
        for area in areas.values():
            if area.depth > lowest or not area.in_period:
                continue
            numerator = nums.get(area.id, Decimal(0))
            if dens is None and area.id not in nums and ind.numerator.absent_is_missing:
                reason = str(ind.numerator.missing_reason) % {"area": area.prefix, "period": period.key}
                result.values.append(Computed(ind.code, area.id, numerator, None, None, reason[:300]))
                continue
            if dens is None:
                result.values.append(Computed(ind.code, area.id, numerator, None,
                                              (numerator * factor).quantize(FOUR_PLACES, ROUND_HALF_UP)))
                continue
            denominator = dens.get(area.id)
            if not denominator:
                result.values.append(Computed(ind.code, area.id, numerator, denominator, None,
                                              _reason(ind, area, period)[:300]))
                continue
            value = (numerator * factor / denominator).quantize(FOUR_PLACES, ROUND_HALF_UP)
            result.values.append(Computed(ind.code, area.id, numerator, denominator, value))
    result.timings["compute"] = round((time.perf_counter() - started) * 1000)
    return result
