"""Benchmark: recomputing every volunteer's approved hours and stars from 5,000,000 hour records.

Needs the volunteers of bench/volunteers_import.py (1,000,000 of them) in the bench PostgreSQL:

    source /tmp/benchpg/env
    .venv/bin/python bench/volunteers_totals.py --records 5000000

Inserts the records set-wise with generate_series (approved, spread over 51% of the volunteers,
1–4 hours each), times the grouped SUM alone as the baseline, zeroes the totals, then times
``ledger.recompute_totals`` (one grouped UPDATE) from scratch and once more when nothing changed.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from core.models import Area  # noqa: E402
from volunteers import ledger, services  # noqa: E402
from volunteers.models import ServiceHourRecord, Team, Volunteer  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=5_000_000)
    args = parser.parse_args()
    count = Volunteer.objects.count()
    assert count, "run bench/volunteers_import.py first"
    street = Area.objects.filter(level="township").order_by("code").first()
    team = Team.objects.filter(name="基准测试志愿服务队").first() or services.create_team(
        actor=None, name="基准测试志愿服务队", area=street)
    existing = ServiceHourRecord.objects.count()
    if existing < args.records:
        first = Volunteer.objects.order_by("id").values_list("id", flat=True).first()
        active = int(count * 0.51)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("""
                INSERT INTO volunteers_servicehourrecord (volunteer_id, team_id, area_id, service_date, hours,
                    description, source, status, recorded_at, approved_at, external_ref, prev_hash, record_hash)
                SELECT v.id, %s, %s, DATE '2020-01-01' + (g %% 365), 1 + (g %% 4), '', 'import', 'approved',
                       now(), now(), '', '', ''
                FROM generate_series(1, %s) g
                JOIN volunteers_volunteer v ON v.id = %s + ((g::bigint * 7919) %% %s)
            """, [team.pk, street.pk, args.records - existing, first, active])
            cursor.execute("ANALYZE volunteers_servicehourrecord")
        print(f"inserted {args.records - existing:,} records in {time.perf_counter() - started:.1f} s (setup)")
    with connection.cursor() as cursor:  # baseline: only reading the sums, nothing written
        started = time.perf_counter()
        cursor.execute("SET work_mem = '256MB'")
        cursor.execute("SELECT COUNT(*), SUM(total) FROM (SELECT volunteer_id, SUM(hours) AS total "
                       "FROM volunteers_servicehourrecord WHERE status = 'approved' GROUP BY volunteer_id) t")
        cursor.fetchone()
        cursor.execute("RESET work_mem")
        baseline = time.perf_counter() - started
    print(f"baseline: the grouped SUM alone (read, nothing written): {baseline:.1f} s")
    Volunteer.objects.update(approved_hours=0, star_level=0)
    started = time.perf_counter()
    changed = ledger.recompute_totals()
    first_run = time.perf_counter() - started
    print(f"recompute totals and stars: {count:,} volunteers, {ServiceHourRecord.objects.count():,} records: "
          f"{first_run:.1f} s ({changed:,} volunteers changed; target < 30 s; {first_run / baseline:.1f}× the read alone)")
    started = time.perf_counter()
    changed = ledger.recompute_totals()
    print(f"again, nothing to change: {time.perf_counter() - started:.1f} s ({changed} changed)")
    stars = dict(Volunteer.objects.values_list("star_level").annotate(n=django.db.models.Count("id")))
    print(f"volunteers per star level: {stars}")


if __name__ == "__main__":
    main()
