"""Benchmark of the indicator aggregation at city scale (run by hand against PostgreSQL, never in CI).

    bash scripts/services.sh start /tmp/benchpg-reports
    . /tmp/benchpg-reports/env
    .venv/bin/python manage.py migrate --noinput
    .venv/bin/python bench/reports_aggregate.py            # --rows 1000000 --period 2020
    bash scripts/services.sh stop /tmp/benchpg-reports

What it does:
1. Builds the demo territory (core.demo at scale 1: 7 districts/counties, 100 streets/townships,
   1,288 communities and villages, 2,461 grids, 3.4 M residents) if the database has none.
2. Fills a benchmark-only table ``bench_service_record`` (created here, unlogged, never migrated) with
   ``--rows`` rows (1,000,000 by default) spread over grids and villages, and registers four
   bench-only indicators over it next to every indicator the apps declare.
3. Times a full aggregation run (``reports.services.run_now``: every indicator, every area, one period,
   values written), and the engine's grouped queries and roll-up alone.
4. Times the same grouped numbers computed by hand-written SQL with GROUPING SETS over the same tables
   (one statement per source table, every level at once), checks that both give the same numbers,
   and prints both times and their ratio.
5. Times the dashboard of a district (stored values only) from 8 concurrent clients, idle and while
   an aggregation runs, and prints p50/p95 beside the p95 of ``/healthz`` from the same clients in
   the same run, and their ratio.

Targets (issue 3): full run < 20 s on 2 cores; engine within 3x of the GROUPING SETS baseline;
dashboard p95 < 100 ms at 8 concurrent clients, not blocked by a run; (issue 16) dashboard p95
within 1.5x of /healthz's p95 in the same run.
"""

import argparse
import os
import statistics
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("REDIS_URL", "")  # the run happens in this process either way
os.environ.setdefault("PORTAL_OTP_REQUIRED", "0")  # the bench user signs in without a second factor

import django  # noqa: E402

django.setup()

from django.db import connection, models  # noqa: E402
from django.db.models import Count, Sum  # noqa: E402

from core.choices import AreaLevel  # noqa: E402
from core.models import Area, AreaPopulation  # noqa: E402
from reports import engine, registry, services  # noqa: E402
from reports.choices import RunTrigger  # noqa: E402
from reports.periods import Period  # noqa: E402
from reports.registry import Indicator, Measure, Unit, resident_population  # noqa: E402

TABLE = "bench_service_record"


class BenchServiceRecord(models.Model):
    """A service record of the benchmark only: an area, hours, a date (no migration, no app)."""

    area = models.ForeignKey(Area, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    hours = models.DecimalField(max_digits=8, decimal_places=2)
    served_on = models.DateField()

    class Meta:
        app_label = "reports"
        db_table = TABLE
        managed = False

    def __str__(self):
        return f"{self.area_id} {self.served_on}"


def _records(period):
    return BenchServiceRecord.objects.filter(served_on__range=(period.start, period.end))


BENCH_INDICATORS = [
    Indicator(code="bench.service_records", name="service records", unit=Unit.COUNT,
              numerator=Measure(_records, area_path="area", aggregate=Count("id")), lowest_level=AreaLevel.GRID),
    Indicator(code="bench.service_hours", name="service hours", unit=Unit.COUNT,
              numerator=Measure(_records, area_path="area", aggregate=Sum("hours")), lowest_level=AreaLevel.GRID),
    Indicator(code="bench.hours_per_resident", name="hours per resident", unit=Unit.RATIO,
              numerator=Measure(_records, area_path="area", aggregate=Sum("hours")),
              denominator=resident_population(), lowest_level=AreaLevel.COMMUNITY),
    Indicator(code="bench.records_per_thousand", name="records per thousand residents", unit=Unit.PERMILLE,
              numerator=Measure(_records, area_path="area", aggregate=Count("id")),
              denominator=resident_population(), lowest_level=AreaLevel.COMMUNITY),
]


def build_territory():
    if Area.objects.exists():
        return
    from core import demo

    started = time.perf_counter()
    demo.load(scale=1)
    print(f"territory built in {time.perf_counter() - started:.1f} s")


def build_records(rows: int, year: int):
    with connection.cursor() as cur:
        cur.execute(f"CREATE UNLOGGED TABLE IF NOT EXISTS {TABLE} (id bigserial PRIMARY KEY, "
                    "area_id bigint NOT NULL, hours numeric(8,2) NOT NULL, served_on date NOT NULL)")
        cur.execute(f"SELECT count(*) FROM {TABLE}")
        if cur.fetchone()[0] == rows:
            return
        started = time.perf_counter()
        cur.execute(f"TRUNCATE {TABLE}")
        cur.execute(f"""
            WITH places AS (
                SELECT id, row_number() OVER (ORDER BY code) - 1 AS n FROM core_area
                WHERE level = 'grid' OR (level = 'community' AND kind = 'rural'))
            INSERT INTO {TABLE} (area_id, hours, served_on)
            SELECT p.id, round((1 + (s.g * 7919 %% 800) / 100.0)::numeric, 2), make_date(%s, 1, 1) + (s.g %% 366)::int
            FROM (SELECT g, (g * 104729) %% (SELECT count(*) FROM places) AS n
                  FROM generate_series(1::bigint, %s::bigint) AS g) s
            JOIN places p ON p.n = s.n""", [year, rows])
        cur.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_served ON {TABLE} (served_on)")
        cur.execute(f"ANALYZE {TABLE}")
        print(f"{rows:,} rows in {TABLE} built in {time.perf_counter() - started:.1f} s")


LEVEL_SETS = """GROUPING SETS ((substr(a.code, 1, 4)), (substr(a.code, 1, 6)), (substr(a.code, 1, 9)),
                               (substr(a.code, 1, 12)), (a.code))"""


def _level_key_sql(select_aggs: str, source: str, where: str = ""):
    # One statement per source table: every level of the tree at once. The grouping key is the
    # significant prefix of the level (4/6/9/12 digits) or the area's own code (communities, grids).
    return f"""
        SELECT CASE GROUPING(substr(a.code, 1, 4), substr(a.code, 1, 6), substr(a.code, 1, 9),
                             substr(a.code, 1, 12), a.code)
                 WHEN 15 THEN substr(a.code, 1, 4) WHEN 23 THEN substr(a.code, 1, 6)
                 WHEN 27 THEN substr(a.code, 1, 9) WHEN 29 THEN substr(a.code, 1, 12)
                 ELSE a.code END AS key, {select_aggs}
        FROM {source} JOIN core_area a ON a.id = x.area_id {where}
        GROUP BY {LEVEL_SETS}"""


def baseline(period: Period):
    """The same grouped numbers by hand-written SQL: {measure: {prefix or code: number}}."""
    queries = {
        "records": (_level_key_sql("count(*), sum(x.hours)", f"{TABLE} x",
                                   "WHERE x.served_on BETWEEN %s AND %s"), [period.start, period.end]),
        "population": (_level_key_sql("sum(x.resident), sum(x.registered)", "core_areapopulation x",
                                      "WHERE x.year = %s"), [period.year]),
        "areas": (_level_key_sql(
            "count(*) FILTER (WHERE a.level = 'township'), "
            "count(*) FILTER (WHERE a.level = 'community' AND a.kind = 'urban'), "
            "count(*) FILTER (WHERE a.level = 'community' AND a.kind = 'rural'), "
            "count(*) FILTER (WHERE a.level = 'grid')",
            "(SELECT id AS area_id FROM core_area) x"), []),
    }
    out = {}
    with connection.cursor() as cur:
        for name, (sql, params) in queries.items():
            cur.execute(sql, params)
            out[name] = {row[0]: row[1:] for row in cur.fetchall()}
    return out


def _key(area):
    return area.prefix if area.level in (AreaLevel.CITY, AreaLevel.COUNTY, AreaLevel.TOWNSHIP) else area.code


def check_same_numbers(period: Period, base):
    areas = engine.load_areas()
    measures = [BENCH_INDICATORS[0].numerator, BENCH_INDICATORS[1].numerator]
    totals, _q = engine.evaluate(measures, period, areas)
    mismatches = 0
    for area in areas.values():
        expect = base["records"].get(_key(area), (0, None))
        count = totals[id(measures[0])].get(area.id, Decimal(0))
        hours = totals[id(measures[1])].get(area.id, Decimal(0))
        if count != (expect[0] or 0) or hours != (expect[1] or 0):
            mismatches += 1
    return mismatches


def timed(fn, repeat=3):
    best = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PROXY = {"X-Forwarded-Proto": "https"}  # what the TLS proxy in front of production adds


def start_server(workers: int):
    """gunicorn, as in production (Procfile), on a free port; returns (process, base url)."""
    import subprocess
    import urllib.request

    from django.conf import settings

    port = _free_port()
    root = Path(__file__).resolve().parent.parent
    # As production runs it: DEBUG off (hashed static files, so collected first), persistent
    # database connections, behind a TLS proxy (the clients send its X-Forwarded-Proto).
    env = {**os.environ, "DEBUG": "0", "CONN_MAX_AGE": "60", "BEHIND_TLS_PROXY": "1",
           "SECRET_KEY": settings.SECRET_KEY, "PORTAL_DATA_KEY": settings.PORTAL_DATA_KEY,
           "PORTAL_INDEX_KEY": settings.PORTAL_INDEX_KEY}
    subprocess.run([sys.executable, str(root / "manage.py"), "collectstatic", "--noinput", "-v", "0"], cwd=root,
                   env=env, check=True)
    proc = subprocess.Popen([str(root / ".venv" / "bin" / "gunicorn"), "portal.wsgi", "-w", str(workers),
                             "-b", f"127.0.0.1:{port}", "--log-level", "warning"], cwd=root, env=env)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(urllib.request.Request(f"{url}/healthz", headers=PROXY), timeout=1)
            return proc, url
        except OSError:
            time.sleep(0.1)
    proc.terminate()
    sys.exit("gunicorn did not start")


def session_cookie(username: str) -> str:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return f"sessionid={client.cookies['sessionid'].value}"


def dashboard_load(url: str, cookie: str, clients: int, requests_each: int, district: str, period: str,
                   during_run: bool, page: str = "", marker: bytes = b"indicator-cards"):
    """``clients`` threads each fetching the district page (or ``page``) ``requests_each`` times over HTTP."""
    import http.client
    from urllib.parse import urlsplit

    host = urlsplit(url)
    page = page or f"/reports/?area={district}&period={period}"
    latencies, errors = [], []
    lock = threading.Lock()

    def worker():
        # One connection per client, reopened when the server closes it (gunicorn's sync workers
        # close after each response): a cheap client, so the figures are the server's.
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)

        def fetch():
            conn.request("GET", page, headers={"Cookie": cookie, "Host": "127.0.0.1", **PROXY})
            response = conn.getresponse()
            return response.status, response.read()

        fetch()  # warm-up: the session's first request writes it
        for _ in range(requests_each):
            started = time.perf_counter()
            status, body = fetch()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if status != 200 or marker not in body:
                    errors.append(status)

    runner = None
    run_time = []
    if during_run:
        # The run in a process of its own, as a Celery worker would do it (in a thread here it
        # would hold this process's GIL against the clients and slow the clients, not the server).
        import subprocess

        def run():
            started = time.perf_counter()
            subprocess.run([sys.executable, __file__, "--run-only", "--period", period], check=True)
            run_time.append(time.perf_counter() - started)

        runner = threading.Thread(target=run)
        runner.start()
        time.sleep(1.0)  # the child has started computing
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    if runner:
        runner.join()
    latencies.sort()
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
    return statistics.median(latencies), p95, wall, errors, run_time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--period", default="2020")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--run-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers for the dashboard test")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL: set DATABASE_URL (see the docstring).")
    period = Period.parse(args.period)
    if args.run_only:  # the child of the dashboard test: one full run with the bench indicators
        for ind in BENCH_INDICATORS:
            registry.register(ind)
        services.run_now(actor=None, period=period.key, trigger=RunTrigger.COMMAND)
        return
    build_territory()
    build_records(args.rows, period.year)
    for ind in BENCH_INDICATORS:
        registry.register(ind)
    print(f"areas: {Area.objects.count():,}; population rows {period.year}: "
          f"{AreaPopulation.objects.filter(year=period.year).count():,}; "
          f"indicators: {len(registry.REGISTRY)}; cores: {os.cpu_count()}")

    run = services.run_now(actor=None, period=period.key, trigger=RunTrigger.COMMAND)
    started = time.perf_counter()
    run = services.run_now(actor=None, period=period.key, trigger=RunTrigger.COMMAND)
    full = time.perf_counter() - started
    print(f"full run (every indicator, every area, values written): {full:.2f} s  "
          f"[{run.status}; {run.values_written:,} values; {run.queries} grouped queries; timings ms {run.timings}]")

    indicators = registry.ordered()
    engine_time, result = timed(lambda: engine.compute(indicators, period))
    base_time, base = timed(lambda: baseline(period))
    print(f"engine, grouped queries + roll-up + values (no write): {engine_time:.3f} s")
    print(f"hand-written SQL, GROUPING SETS over the same tables:  {base_time:.3f} s")
    print(f"ratio engine / GROUPING SETS: {engine_time / base_time:.2f}x (target <= 3x)")
    mismatches = check_same_numbers(period, base)
    print(f"same numbers as the GROUPING SETS baseline: {'yes' if not mismatches else f'NO ({mismatches} areas differ)'}")
    city = Area.objects.get(level=AreaLevel.CITY)
    print("city:", {v.indicator: str(v.value) for v in result.values if v.area_id == city.pk
                    and v.indicator.startswith(("bench.", "territory.resident"))})

    district = "340302000000"  # 龙子湖区, as its district officer "longzihu" of the demo sees it
    proc, url = start_server(args.workers)
    try:
        cookie = session_cookie("longzihu")
        for during_run in (False, True):
            # /healthz first, in the same run, from the same clients and under the same conditions (idle, or
            # while a full run of its own takes a core): the floor of any request (the dashboard is to stay
            # within 1.5x of its p95, issue 16). Until 2026-12-01 the "during a run" line compared with an
            # idle /healthz, which measured the run's weight, not the dashboard's.
            _h50, h95, _hw, herrors, hrun = dashboard_load(url, cookie, args.clients, args.requests, district,
                                                           period.key, during_run, page="/healthz", marker=b'"ok"')
            p50, p95, wall, errors, run_time = dashboard_load(url, cookie, args.clients, args.requests, district,
                                                              period.key, during_run)
            label = f"while a full run takes {run_time[0]:.1f} s" if during_run else "idle"
            print(f"dashboard {district} over HTTP (gunicorn -w {args.workers}; {label}), {args.clients} clients "
                  f"x {args.requests}: p50 {p50:.1f} ms, p95 {p95:.1f} ms (target < 100 ms), wall {wall:.1f} s, "
                  f"failed requests {len(errors)}")
            hlabel = f", while a full run takes {hrun[0]:.1f} s" if during_run else ""
            print(f"  /healthz in the same run{hlabel}, {args.clients} clients x {args.requests}: p95 {h95:.1f} ms "
                  f"(failed {len(herrors)}); dashboard p95 / healthz p95 = {p95 / h95:.2f}x (target <= 1.5x)")
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()
