"""The indicator registry: each app declares its indicators in ``<app>/indicators.py``.

``period`` arguments are ``reports.periods.Period`` (key, kind, year, start, end).

An indicator is a numerator over a denominator (or a plain count), each a ``Measure``: a
queryset of one app's rows for a period, the path from those rows to their ``core.Area``, and an
aggregate. The aggregation engine (reports.services) evaluates each measure with ONE grouped query
(GROUP BY the row's area), then rolls the sums up the area tree by code prefix, so every
area from grid to city gets a value from the same rows. Example::

    # volunteers/indicators.py
    from django.db.models import Count
    from reports.registry import Indicator, Measure, Unit, register, resident_population

    register(Indicator(
        code="volunteers.registered_share",
        name=_("Real-name volunteers as a share of resident population"),
        unit=Unit.PERCENT,
        numerator=Measure(lambda period: Volunteer.objects.filter(registered_on__lte=period.end),
                          area_path="home_area", aggregate=Count("id")),
        denominator=resident_population(),
        lowest_level=AreaLevel.COMMUNITY,
        target=Target(">=", 25.3),
        source=_("2020 figure reported by the Civil Affairs Bureau"),
    ))
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Aggregate, Count, Func, IntegerField, QuerySet, Sum
from django.db.models.enums import TextChoices
from django.utils.translation import gettext_lazy as _

from core.choices import AreaLevel
from core.discovery import app_modules


class Unit(TextChoices):
    COUNT = "count", _("count")
    PERCENT = "percent", "%"
    PERMILLE = "permille", "‰"
    YUAN = "yuan", _("yuan")
    RATIO = "ratio", _("per unit")


# Multiplier from numerator/denominator to the displayed value.
UNIT_FACTOR = {Unit.COUNT: 1, Unit.PERCENT: 100, Unit.PERMILLE: 1000, Unit.YUAN: 1, Unit.RATIO: 1}


@dataclass(frozen=True)
class Measure:
    """``queryset(period)`` → rows; ``area_path`` → the lookup from a row to its core.Area
    (e.g. "area", "home_area", "team__area"); ``aggregate`` → Count("id"), Sum("hours"), …"""

    queryset: Callable[..., QuerySet]
    area_path: str = "area"
    aggregate: Aggregate = field(default_factory=lambda: Count("id"))
    # Text shown when this measure is the denominator and is zero or missing for an area,
    # e.g. "no resident population recorded for %(area)s in %(period)s".
    missing_reason: str = ""
    # For a measure that is data rather than a count of records (population figures): an area
    # with no row at all has no value (with ``missing_reason``), not zero, even as a numerator.
    absent_is_missing: bool = False


@dataclass(frozen=True)
class Distribution:
    """A figure that is not a sum of its parts — a median, a percentile — of a whole number per row (days
    from filing to closing, say). The engine counts the rows per value and area with ONE grouped query
    (``GROUP BY area, value``), sums those counts up the area tree (a histogram per area: counts do add
    up) and reads ``quantile`` from each area's histogram, so a street's median is the median of its
    rows, not an average of its communities' medians. Use as an indicator's numerator, with no
    denominator; an area without a row has no value (``missing_reason``)::

        register(Indicator(code="social_orgs.median_days_to_exit", unit=Unit.COUNT,
                           numerator=Distribution(lambda period: ..., value=DaysBetween(F("left_on"), F("listed_on"))),
                           ...))

    The stored value row keeps the number of rows in ``numerator`` (``denominator`` empty)."""

    queryset: Callable[..., QuerySet]
    value: object  # an expression giving a whole number (or None: the row is left out) per row
    area_path: str = "area"
    quantile: float = 0.5
    missing_reason: str = ""


class DaysBetween(Func):
    """Whole days from the second date to the first, for a ``Distribution``'s value: PostgreSQL's
    date - date; julianday on SQLite (the development database), where a date is text."""

    arity = 2
    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="CAST(ROUND(julianday(%(expressions)s)) AS INTEGER)",
                           arg_joiner=") - julianday(", **extra)


def quantile_of(histogram: dict, total: int, q: float):
    """The ``q`` quantile of the values counted in ``histogram`` ({value: rows}), interpolated between the
    two nearest ranks as numpy's default does (the median of 2, 4 is 3). None when there is no row."""
    if total <= 0:
        return None
    position = (total - 1) * q
    low_rank, fraction = int(position), position - int(position)
    low = high = None
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if low is None and seen > low_rank:
            low = value
        if seen > low_rank + (1 if fraction else 0):
            high = value
            break
    return low + (high - low) * fraction


@dataclass(frozen=True)
class Target:
    op: str  # ">=", "<=", "=="
    value: float
    # The area level the target is set for ("city", "county", …). Empty: a share or rate (%, ‰,
    # per unit) applies at every level, a count only at the city (a city's 1,000 disputes a year
    # are not a village's target).
    level: str = ""

    def applies_at(self, level: str, unit: str) -> bool:
        if self.level:
            return level == self.level
        return unit != Unit.COUNT or level == AreaLevel.CITY

    def met(self, value) -> bool | None:
        if value is None:
            return None
        return {">=": value >= self.value, "<=": value <= self.value, "==": value == self.value}[self.op]

    def __str__(self):
        return f"{self.op} {self.value:g}"


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str
    numerator: "Measure | Distribution"
    denominator: Measure | None = None
    lowest_level: str = AreaLevel.GRID
    target: Target | None = None
    source: str = ""  # where the target/figure comes from
    description: str = ""
    order: int = 100  # position on the dashboard, lowest first
    # A permission ("app.codename") needed, besides seeing indicator values, to see this one at an
    # area, for figures narrower roles may not read (children's data, say). Empty: whoever sees values.
    permission: str = ""


def ordered() -> list[Indicator]:
    """Every registered indicator in dashboard order."""
    return sorted(REGISTRY.values(), key=lambda i: (i.order, i.code))


def is_distribution(indicator: Indicator) -> bool:
    """A median-like indicator (``Distribution`` numerator): its value is not numerator / denominator."""
    return isinstance(indicator.numerator, Distribution)


def get(code: str) -> Indicator | None:
    return REGISTRY.get(code)


REGISTRY: dict[str, Indicator] = {}


def register(indicator: Indicator) -> Indicator:
    if is_distribution(indicator) and indicator.denominator is not None:
        raise ImproperlyConfigured(f"{indicator.code}: a Distribution indicator has no denominator")
    if indicator.code in REGISTRY and REGISTRY[indicator.code] != indicator:
        raise ImproperlyConfigured(f"Two indicators are registered with the code {indicator.code!r}")
    REGISTRY[indicator.code] = indicator
    return indicator


def declared_permissions() -> set[str]:
    """The permissions some indicator is restricted by."""
    return {ind.permission for ind in REGISTRY.values() if ind.permission}


def permissions_held(user, area_code: str) -> tuple[str, ...]:
    """Which of the indicators' permissions ``user`` holds over ``area_code``: what decides which
    indicators they see there (and so part of the key of any cached fragment of them; the same
    for everyone who holds the same ones, so the cache stays shared)."""
    from core.scope import scope_for

    scope = scope_for(user)
    return tuple(sorted(p for p in declared_permissions() if scope.covers(p, area_code)))


def visible(indicator: "Indicator | None", held) -> bool:
    """Whether an indicator may be shown to someone holding the permissions ``held`` over its area."""
    return indicator is None or not indicator.permission or indicator.permission in held


def restrict_values(queryset, user, area_field: str = "area__code"):
    """Stored values (``IndicatorValue``) without those of restricted indicators at areas where the
    user lacks their permission: for lists that span areas (API, exports)."""
    from django.db.models import Q

    from core.scope import scope_for

    scope = scope_for(user)
    for ind in REGISTRY.values():
        if not ind.permission:
            continue
        prefixes = scope.prefixes_for(ind.permission)
        if prefixes is None:  # held city-wide
            continue
        allowed = Q(pk__in=[])
        for prefix in prefixes:
            allowed |= Q(**{f"{area_field}__startswith": prefix})
        queryset = queryset.exclude(Q(indicator=ind.code) & ~allowed)
    return queryset


def autodiscover() -> dict[str, Indicator]:
    """Import ``<app>.indicators`` of every installed app (called at start-up, like the admin)."""
    app_modules("indicators")
    return REGISTRY


# --- population measures every app may divide by ---------------------------------------------------
def _population(field_name):
    def queryset(period):
        from core.models import AreaPopulation

        return AreaPopulation.objects.filter(year=period.year)

    return queryset


def resident_population() -> Measure:
    return Measure(_population("resident"), area_path="area", aggregate=Sum("resident"),
                   missing_reason=_("no resident population recorded for %(area)s in %(period)s"),
                   absent_is_missing=True)


def registered_population() -> Measure:
    return Measure(_population("registered"), area_path="area", aggregate=Sum("registered"),
                   missing_reason=_("no registered population recorded for %(area)s in %(period)s"),
                   absent_is_missing=True)
