"""Working days of mainland China: statutory holidays and adjusted working days (调休).

The national calendar comes from the ``chinese-calendar`` package (pinned in requirements.txt;
a new release each December adds the next year's State Council notice). Local exceptions are
``core.WorkdayOverride`` rows, edited by the city administrator in the admin; an override wins
over the package. For a year the package does not cover, Monday to Friday are working days and a
warning is logged once per year and process: upgrade the package.

Deadlines are counted in working days: ``add_working_days(date, n)`` is the n-th working day after
``date`` (before it, for negative n; ``date`` itself, or the next working day, for n = 0).
"""

import datetime
import logging

import chinese_calendar

log = logging.getLogger(__name__)

_warned_years: set[int] = set()
_MAX_STEPS = 3660  # ten years of days: a runaway loop is a bug, not a deadline


def national_is_working_day(date: datetime.date) -> bool:
    """The national calendar alone (no local overrides)."""
    try:
        return chinese_calendar.is_workday(date)
    except NotImplementedError:
        if date.year not in _warned_years:
            _warned_years.add(date.year)
            log.warning(
                "chinese-calendar %s has no holiday data for %s: counting Monday to Friday as working days "
                "(upgrade the package or add WorkdayOverride rows)",
                getattr(chinese_calendar, "__version__", "?"), date.year,
            )
        return date.weekday() < 5


def _overrides(start: datetime.date, end: datetime.date) -> dict[datetime.date, bool]:
    from .models import WorkdayOverride

    return dict(WorkdayOverride.objects.filter(date__range=(start, end)).values_list("date", "is_workday"))


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def is_working_day(date: datetime.date) -> bool:
    date = _as_date(date)
    override = _overrides(date, date).get(date)
    return national_is_working_day(date) if override is None else override


class _Calendar:
    """Overrides of a window of dates read in one query, widened when a walk leaves the window."""

    def __init__(self, around: datetime.date, span: int = 60):
        self.start = self.end = around
        self.known: dict[datetime.date, bool] = {}
        self._load(around - datetime.timedelta(days=span), around + datetime.timedelta(days=span))

    def _load(self, start, end):
        self.known.update(_overrides(start, end))
        self.start, self.end = min(self.start, start), max(self.end, end)

    def __call__(self, date: datetime.date) -> bool:
        if date < self.start:
            self._load(date - datetime.timedelta(days=120), self.start - datetime.timedelta(days=1))
        elif date > self.end:
            self._load(self.end + datetime.timedelta(days=1), date + datetime.timedelta(days=120))
        override = self.known.get(date)
        return national_is_working_day(date) if override is None else override


def add_working_days(date: datetime.date, n: int) -> datetime.date:
    """The n-th working day after ``date`` (n > 0), before it (n < 0), or ``date`` itself when it
    is a working day and the next working day otherwise (n = 0)."""
    date = _as_date(date)
    working = _Calendar(date)
    step = 1 if n >= 0 else -1
    if n == 0:
        for _ in range(_MAX_STEPS):
            if working(date):
                return date
            date += datetime.timedelta(days=1)
        raise ValueError("no working day within ten years")
    remaining = abs(n)
    for _ in range(_MAX_STEPS * max(1, remaining)):
        date += datetime.timedelta(days=step)
        if working(date):
            remaining -= 1
            if remaining == 0:
                return date
    raise ValueError("no working day within ten years")


def working_days_between(a: datetime.date, b: datetime.date) -> int:
    """Working days after ``a`` up to and including ``b`` (negative when ``b`` is before ``a``):
    ``add_working_days(a, working_days_between(a, b)) == b`` whenever ``b`` is a working day."""
    a, b = _as_date(a), _as_date(b)
    if b < a:
        return -working_days_between(b, a)
    overrides = _overrides(a, b)
    count, day = 0, a
    while day < b:
        day += datetime.timedelta(days=1)
        override = overrides.get(day)
        count += national_is_working_day(day) if override is None else override
    return count
