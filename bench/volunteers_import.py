"""Benchmark: importing a 1,000,000-row volunteer file vs a plain PostgreSQL COPY of the same rows.

Run by hand on PostgreSQL (never in CI):

    bash scripts/services.sh start /tmp/benchpg && source /tmp/benchpg/env
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/volunteers_import.py --rows 1000000

Prints: the COPY baselines (the already prepared rows into the volunteer table itself, emptied,
with its indexes and foreign keys, committed; and into a ``LIKE … INCLUDING ALL`` copy, which has
the same indexes but no foreign keys to check), the full import (parse, validate, encrypt, blind-index, COPY to staging, set-wise merge)
as a separate process with its peak memory, the re-import of the same file, and the ratios.
"""

import argparse
import csv
import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from core import demo as core_demo  # noqa: E402
from core.models import Area, AreaPopulation  # noqa: E402
from volunteers import demo, imports  # noqa: E402

HEADER = ["姓名", "证件号码", "手机号码", "区划代码", "注册时间", "服务技能", "监护人", "监护人同意日期"]


def ensure_territory():
    if not Area.objects.exists():
        core_demo.load(scale=1)


def write_file(path: Path, rows: int):
    if path.exists() and sum(1 for _ in path.open(encoding="utf-8")) == rows + 1:
        return
    communities = sorted(AreaPopulation.objects.filter(year=2020, area__level="community")
                         .values_list("area__code", "resident"))
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(demo.volunteer_rows(communities, rows))


def prepared_tsv(source: Path, target: Path) -> float:
    """The same rows, validated and encrypted, in the column order of the volunteer table (untimed)."""
    areas, today, errors, sealer = imports._AreaLookup(None), datetime.date.today(), [], imports.Sealer()
    started = time.perf_counter()
    now = datetime.datetime.now(datetime.UTC).isoformat()
    with target.open("w", encoding="utf-8") as out:
        rows = imports.read_table(str(source), imports.VOLUNTEER_COLUMNS, required=imports.VOLUNTEER_REQUIRED)
        for line, row in rows:
            p = imports._prepare_volunteer(line, row, areas, today, errors, sealer)
            if p is None:
                continue
            (_line, key, id_enc, name, phone_enc, phone_index, birth, sex, area_id, registered, skills, fields,
             status, guardian, consent, id_masked, phone_masked) = p
            values = [name, id_enc, key, phone_enc, phone_index, birth, sex, area_id, registered, skills, fields, status,
                      guardian, consent, id_masked, phone_masked, 0, 0, now, now]
            out.write("\t".join(imports._copy_text(v) for v in values) + "\n")
    return time.perf_counter() - started


COPY_COLUMNS = ("name, id_number, id_number_index, phone, phone_index, birth_date, sex, area_id, registered_on, "
                "skills, service_fields, status, guardian_name, guardian_consent_on, id_number_masked, phone_masked, "
                "approved_hours, star_level, "
                "created_at, updated_at")


def timed_copy(tsv: Path, table: str, before: str, after: str) -> float:
    """One plain COPY of the prepared rows into ``table``; autocommit, so the time includes the
    commit (where PostgreSQL checks deferred foreign keys). ``before``/``after`` are untimed."""
    with connection.cursor() as cursor:
        cursor.execute(before)
        started = time.perf_counter()
        with tsv.open("rb") as f:
            cursor.copy_expert(f"COPY {table} ({COPY_COLUMNS}) FROM STDIN", f)
        elapsed = time.perf_counter() - started
        cursor.execute(after)
        cursor.execute("CHECKPOINT")
    return elapsed


def copy_into_the_table(tsv: Path) -> float:
    """Into the emptied volunteer table itself: its indexes, its foreign key to the area."""
    # The cascade reaches the hours ledger, which refuses TRUNCATE (migration 0007); on this throwaway
    # database the ledger's triggers are switched off for the statement (a superuser's session setting).
    empty = ("SET session_replication_role = replica; TRUNCATE volunteers_volunteer CASCADE; "
             "SET session_replication_role = DEFAULT")
    return timed_copy(tsv, "volunteers_volunteer", empty, empty)


def copy_baseline(tsv: Path) -> float:
    """Into a LIKE … INCLUDING ALL copy: the same indexes, no foreign keys."""
    return timed_copy(tsv, "bench_volunteer_copy",
                      "DROP TABLE IF EXISTS bench_volunteer_copy; "
                      "CREATE TABLE bench_volunteer_copy (LIKE volunteers_volunteer INCLUDING ALL)",
                      "DROP TABLE bench_volunteer_copy")


def run_import(path: Path) -> tuple[float, int, str]:
    """The management command in its own process: wall time, peak RSS (MB), its summary line."""
    started = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "MAXRSS %M", sys.executable, str(ROOT / "manage.py"),
                           "import_volunteers", str(path), "--max-errors", "5"],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    elapsed = time.perf_counter() - started
    rss = next(int(line.split()[1]) for line in proc.stderr.splitlines() if line.startswith("MAXRSS"))
    return elapsed, rss // 1024, proc.stdout.strip().splitlines()[-1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--dir", default="/tmp")
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "run with DATABASE_URL pointing at PostgreSQL"
    ensure_territory()
    source = Path(args.dir) / f"bench_volunteers_{args.rows}.csv"
    tsv = Path(args.dir) / f"bench_volunteers_{args.rows}.tsv"
    write_file(source, args.rows)
    prep = prepared_tsv(source, tsv)
    print(f"rows: {args.rows:,}; single-process Python preparation (validate+encrypt+index): {prep:.1f} s "
          f"({prep / args.rows * 1e6:.0f} µs/row)")
    like = copy_baseline(tsv)
    print(f"plain COPY of the prepared rows into a LIKE copy of the table (its indexes, no foreign keys): {like:.1f} s")
    baseline = copy_into_the_table(tsv)
    print(f"plain COPY of the prepared rows into the volunteer table itself (indexes, foreign keys, commit): "
          f"{baseline:.1f} s")
    elapsed, rss, summary = run_import(source)
    print(f"import_volunteers (fresh table): {elapsed:.1f} s, peak memory {rss} MB — {summary}")
    print(f"ratio import / COPY into the table: {elapsed / baseline:.2f}× (target ≤ 3×, and < 60 s, < 500 MB); "
          f"/ COPY into the LIKE copy: {elapsed / like:.2f}×")
    again, rss2, summary2 = run_import(source)
    print(f"re-import of the same file: {again:.1f} s, peak memory {rss2} MB — {summary2}")


if __name__ == "__main__":
    main()
