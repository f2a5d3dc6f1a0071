"""Reporting periods: a year ("2020"), a quarter ("2020Q3") or a month ("2020-07")."""

import calendar
import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Period:
    key: str
    kind: str  # "year" | "quarter" | "month"
    year: int
    start: datetime.date
    end: datetime.date  # inclusive

    def __str__(self):
        return self.key

    @classmethod
    def parse(cls, text: str) -> "Period":
        text = (text or "").strip().upper()
        if m := _YEAR.match(text):
            y = int(m[1])
            period = cls(text, "year", y, datetime.date(y, 1, 1), datetime.date(y, 12, 31))
        elif m := _QUARTER.match(text):
            y, q = int(m[1]), int(m[2])
            last = q * 3
            period = cls(text, "quarter", y, datetime.date(y, last - 2, 1),
                         datetime.date(y, last, calendar.monthrange(y, last)[1]))
        elif m := _MONTH.match(text):
            y, mo = int(m[1]), int(m[2])
            period = cls(text, "month", y, datetime.date(y, mo, 1), datetime.date(y, mo, calendar.monthrange(y, mo)[1]))
        else:
            raise ValidationError(
                _("Unknown period “%(p)s”: use a year (2020), a quarter (2020Q3) or a month (2020-07).") % {"p": text},
                code="period",
            )
        if not 1949 <= period.year <= 2100:
            raise ValidationError(_("Period %(p)s is out of range.") % {"p": text}, code="period")
        return period
