"""Calendar arithmetic of the rules (months and years, clamped to the month's end)."""

import bisect
import calendar
import datetime


def add_months(date: datetime.date, months: int) -> datetime.date:
    month0 = date.month - 1 + months
    year, month = date.year + month0 // 12, month0 % 12 + 1
    return date.replace(year=year, month=month, day=min(date.day, calendar.monthrange(year, month)[1]))


class WorkingDays:
    """The working days of a span read once (the national calendar and one query of the local
    overrides), so that a nightly check over thousands of organisations asks ``add(date, n)`` by
    bisection instead of a walk and a query per row. Same answers as
    ``core.workdays.add_working_days`` for ``n >= 0``; a date whose answer lies beyond the span is
    asked of core."""

    def __init__(self, start: datetime.date, end: datetime.date, *, margin_days: int = 60):
        from core.models import WorkdayOverride
        from core.workdays import national_is_working_day

        last = end + datetime.timedelta(days=margin_days)
        overrides = dict(WorkdayOverride.objects.filter(date__range=(start, last)).values_list("date", "is_workday"))
        self.start, self.days = start, []
        day = start
        while day <= last:
            override = overrides.get(day)
            if (national_is_working_day(day) if override is None else override):
                self.days.append(day)
            day += datetime.timedelta(days=1)

    def add(self, date: datetime.date, n: int) -> datetime.date:
        index = bisect.bisect_left(self.days, date) if n == 0 else bisect.bisect_right(self.days, date) + n - 1
        if date < self.start or n < 0 or index >= len(self.days):
            from core.workdays import add_working_days

            return add_working_days(date, n)
        return self.days[index]
