"""Rules of the hours ledger shared by the service (one record) and the import (a file, set-wise).

One place decides how many hours a day may hold and which records count towards it, so a file
cannot credit what the form would refuse.
"""

from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from .choices import RecordStatus

MAX_HOURS_PER_DAY = Decimal(24)
# The records that hold a volunteer's day: awaiting approval and approved (rejected ones do not).
COUNTED_STATUSES = (RecordStatus.SUBMITTED, RecordStatus.APPROVED)


def hours_in_range(hours: Decimal) -> bool:
    """One record: more than nothing, at most a whole day."""
    return Decimal(0) < hours <= MAX_HOURS_PER_DAY


def day_total(volunteer_id: int, day) -> Decimal:
    """The hours already counted for the volunteer on ``day``."""
    from .models import ServiceHourRecord

    return ServiceHourRecord.objects.filter(
        volunteer_id=volunteer_id, service_date=day, status__in=COUNTED_STATUSES,
    ).aggregate(s=Sum("hours"))["s"] or Decimal(0)


def day_exceeded(already: Decimal, adding: Decimal) -> bool:
    return already + adding > MAX_HOURS_PER_DAY


def day_exceeded_message() -> str:
    return _("This would make more than 24 hours on one day.")


def over_the_day_sql(new_rows: str, records: str) -> str:
    """SQL selecting the lines of ``new_rows`` (a query of columns line, volunteer_id,
    service_date, hours: the records a file adds) that would take their volunteer's day past the
    limit: the day's counted records plus the file's rows up to and including that line, in file
    order. Parameters: those of ``new_rows``, then ``over_the_day_params()``."""
    return f"""
        WITH new AS ({new_rows}), running AS (
            SELECT line, volunteer_id, service_date,
                   SUM(hours) OVER (PARTITION BY volunteer_id, service_date ORDER BY line) AS upto
            FROM new
        ), counted AS (
            SELECT r.volunteer_id, r.service_date, SUM(r.hours) AS total FROM {records} r
            JOIN (SELECT DISTINCT volunteer_id, service_date FROM new) d
              ON d.volunteer_id = r.volunteer_id AND d.service_date = r.service_date
            WHERE r.status IN (%s, %s)
            GROUP BY r.volunteer_id, r.service_date
        )
        SELECT running.line FROM running LEFT JOIN counted
          ON counted.volunteer_id = running.volunteer_id AND counted.service_date = running.service_date
        WHERE running.upto + COALESCE(counted.total, 0) > CAST(%s AS NUMERIC)
        ORDER BY running.line
    """


def over_the_day_params() -> list:
    return [*COUNTED_STATUSES, MAX_HOURS_PER_DAY]
