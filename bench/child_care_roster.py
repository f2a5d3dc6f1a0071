"""Benchmark: a school roster reconciled against the registry (学籍比对), beside reading the same file.

    source /tmp/benchpg/env   # the registry of bench/child_care_due.py (made here if missing: --children)
    .venv/bin/python bench/child_care_roster.py --rows 50000
    .venv/bin/python bench/child_care_roster.py --rows 500000

Writes a CSV with the education bureau's Chinese headers for ``--rows`` children of the bench county:
90 % with their ID number (matched on it), 4 % without an ID and with a homophone or traditional
variant of the name (matched on pinyin + birth date + sex), 1 % with a mistyped ID, 5 % unknown to
the registry (half flagged left-behind); every 50th row says 退学. Then times, in one process:
the baseline (``core.tabular.read_table`` over the file: parsing alone), ``stage_roster`` (read,
check every cell, encrypt and index the IDs, store) and ``reconcile_roster`` (match, sort into the
four buckets, open the proposals). Each is printed with its rows/s and its multiple of the baseline,
with the load average before and after (the machine may be shared) and the process's peak memory.
Target: the whole < 5 minutes for 500,000 rows.
"""

import argparse
import datetime
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from child_care import services  # noqa: E402
from child_care.models import Person  # noqa: E402
from core.models import Area  # noqa: E402
from core.tabular import read_table  # noqa: E402

VARIANTS = str.maketrans({"童": "僮"})  # same sound (tóng): a homophone the school typed


def write_roster(path, rows):
    import csv

    people = (Person.objects.filter(area__code__startswith="349901").select_related("area")
              .order_by("id")[:rows])
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        out = csv.writer(fh)
        out.writerow(["姓名", "身份证号", "出生日期", "性别", "学校", "当前状态", "是否农村留守儿童", "户籍地区划代码"])
        n = 0
        for n, p in enumerate(people.iterator(chunk_size=5000)):
            number = str(p.id_number.reveal_unchecked())
            kind = n % 100
            name, shown = p.name, number
            if kind < 4:
                name, shown = p.name.translate(VARIANTS), ""
            elif kind == 4:
                shown = number[:-1] + ("0" if number[-1] != "0" else "1")
            elif kind < 10:
                name, shown = f"新生{n}", ""
            out.writerow([name, shown, p.birth_date.isoformat(), "男" if p.sex == "male" else "女", "基准小学",
                          "退学" if n % 50 == 0 else "在读", "是" if kind in (5, 6) else "否", p.area.code])
    return n + 1


def registry(children):
    """The registry of bench/child_care_due.py (one planned visit per child when it has to be made here)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from child_care_due import make_registry, territory

    if Person.objects.filter(area__code__startswith="349901").count() >= children:
        return
    _county, villages = territory()
    make_registry(villages, children, children, datetime.date.today())


def main():
    from django.contrib.auth import get_user_model

    from core import services as core_services
    from core.choices import Role

    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--children", type=int, default=0,
                        help="make the bench registry first if it has fewer children (default: --rows)")
    args = parser.parse_args()
    loads = [os.getloadavg()]
    registry(max(args.children, args.rows))
    county = Area.objects.get(code="349901000000")
    User = get_user_model()
    user = User.objects.filter(username="bench_county_sup").first() or core_services.add_staff(
        actor=None, username="bench_county_sup", role=Role.CHILD_SUPERVISOR, area_code=county.code,
        password="Bench-pass-2020!", full_name="督导员")
    path = Path(tempfile.mkdtemp()) / "学籍名册.csv"
    rows = write_roster(path, args.rows)
    from django.conf import settings

    from core.tabular import ImportLimits

    settings.PORTAL_IMPORT_MAX_ROWS = max(settings.PORTAL_IMPORT_MAX_ROWS, rows + 10)
    settings.PORTAL_IMPORT_MAX_SECONDS = max(settings.PORTAL_IMPORT_MAX_SECONDS, 3600)
    settings.PORTAL_IMPORT_MAX_UPLOAD_MB = max(settings.PORTAL_IMPORT_MAX_UPLOAD_MB, 500)
    ImportLimits.from_settings()
    t = time.perf_counter()
    read = sum(1 for _ in read_table(str(path), services.ROSTER_COLUMNS, required=services.ROSTER_REQUIRED))
    baseline = time.perf_counter() - t
    t = time.perf_counter()
    with open(path, "rb") as fh:
        roster = services.stage_roster(actor=user, area=county, source=fh, filename=path.name)
    staged = time.perf_counter() - t
    t = time.perf_counter()
    roster = services.reconcile_roster(actor=user, roster=roster, today=datetime.date.today())
    reconciled = time.perf_counter() - t
    import resource

    loads.append(os.getloadavg())
    total = staged + reconciled

    def line(what, seconds):
        return (f"{what}: {seconds:.1f} s, {rows / max(seconds, 0.001):,.0f} rows/s, "
                f"{seconds / max(baseline, 0.001):.1f}× the baseline")

    print(f"roster of {rows:,} rows ({read:,} read), registry {Person.objects.count():,} children")
    print(f"baseline: read_table over the file (parsing only): {baseline:.1f} s, {rows / max(baseline, 0.001):,.0f} rows/s")
    print(line("stage_roster (check cells, encrypt + index IDs, store)", staged) + f"; bad rows {len(roster.errors)}")
    print(line("reconcile_roster (match, buckets, proposals)", reconciled) + f"; result {roster.counts}")
    print(line("total", total) + "; target < 300 s for 500,000 rows (1,667 rows/s for a smaller file: "
          f"{'met' if rows / total >= 500_000 / 300 else 'not met'} at {rows / total:,.0f} rows/s)")
    print(f"peak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB; "
          "load average (1, 5, 15 min) before: " + " ".join(f"{x:.2f}" for x in loads[0])
          + ", after: " + " ".join(f"{x:.2f}" for x in loads[1]))


if __name__ == "__main__":
    main()
