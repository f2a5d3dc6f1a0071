"""Calendar arithmetic of the rules (months and years, clamped to the month's end)."""

import calendar
import datetime


def add_months(date: datetime.date, months: int) -> datetime.date:
    month0 = date.month - 1 + months
    year, month = date.year + month0 // 12, month0 % 12 + 1
    return date.replace(year=year, month=month, day=min(date.day, calendar.monthrange(year, month)[1]))
