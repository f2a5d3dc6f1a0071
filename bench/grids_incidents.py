"""Benchmark: a year of a city's incidents (2,461 grids, 1 M incidents, 5 M state changes): a street
officer's scoped incident list (API, token) at 8 clients beside /healthz in the same run, and the city's
incident indicators (by on-time class) beside a plain COUNT(*) of the same table.

    bash scripts/services.sh start /tmp/benchpg && source /tmp/benchpg/env
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/grids_incidents.py --incidents 1000000 --events 5 --seconds 20

Makes (once; kept for the next run, topped up when ``--incidents`` grows) a bench city 349800 of 4
districts × 10 streets × 6 communities with 2,461 grids, a department per district, and the incidents of
``--year`` with ``INSERT … SELECT generate_series`` (set-wise, like a COPY: the services would take hours
for a million rows, and the numbers measured here are reads): states spread as a year's would be (most
closed, some overdue), due dates, units, and ``--events`` state changes each (filed, routed, in progress,
handled, closed), in chunks of 250,000 with the plain indexes dropped and rebuilt once (1 M incidents and
5 M state changes in about 35 s). Then VACUUM ANALYZE, the city's incident indicators (on-time classes,
the median days to close, reopen rate) beside a COUNT(*), and gunicorn as production runs it: ``/healthz``
as the baseline, then a street officer's and a district officer's incident list, API (token) and page
(signed in, first page, default order), each from ``--clients`` clients for ``--seconds``.
``--incidents 100000`` for a smaller run; ``--build-only`` to make the data and stop; ``--explain`` prints
the plans of the API's and the page's queries.
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from core.models import Area  # noqa: E402
from grids.models import HandlingUnit, Incident, IncidentCategory, IncidentEvent  # noqa: E402

CITY = "349800000000"
DISTRICTS, STREETS, COMMUNITIES, GRIDS = 4, 10, 6, 2_461


def territory():
    """The bench city: 4 districts × 10 streets × 6 communities (240), 2,461 grids over them."""
    if Area.objects.filter(code=CITY).exists():
        return list(Area.objects.filter(code__startswith="3498", level="grid").order_by("code"))
    city = Area.objects.create(code=CITY, name="基准市", level="city")
    districts = Area.objects.bulk_create([Area(code=f"3498{d:02d}000000", name=f"基准{d}区", level="county",
                                               parent=city) for d in range(1, DISTRICTS + 1)])
    streets = Area.objects.bulk_create([Area(code=f"{d.code[:6]}{s:03d}000", name=f"{d.name}{s}街道", level="township",
                                             parent=d) for d in districts for s in range(1, STREETS + 1)])
    communities = Area.objects.bulk_create([
        Area(code=f"{s.code[:9]}{c:03d}", name=f"{s.name}{c}社区", level="community", kind="urban", parent=s)
        for s in streets for c in range(1, COMMUNITIES + 1)])
    per, extra = divmod(GRIDS, len(communities))
    grids = Area.objects.bulk_create([
        Area(code=f"{c.code}{g:03d}", name=f"第{g}网格", level="grid", kind="urban", parent=c)
        for i, c in enumerate(communities) for g in range(1, per + (1 if i < extra else 0) + 1)])
    for d in districts:
        HandlingUnit.objects.create(area=d, name=f"{d.name}城市管理局", kind="department")
    return grids


CHUNK = 250_000  # incidents per transaction: a long build shows progress and survives an interruption


def _secondary_indexes(cur, table):
    """The plain (non-constraint) indexes of ``table``: dropped for a bulk load, rebuilt after it."""
    cur.execute("""
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename = %s AND NOT EXISTS (
            SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""", [table])
    return cur.fetchall()


def make_incidents(incidents: int, events: int, year: int):
    """Top the bench city's incidents up to ``incidents`` (and their ``events`` state changes each).

    Set-wise (``INSERT … SELECT generate_series``) in chunks of ``CHUNK``, with the foreign-key
    triggers off for the session (the rows are made consistent by construction) and the plain
    indexes of both tables dropped during a large load and rebuilt once at the end: maintaining
    ten indexes row by row is most of the cost of five million inserts."""
    prefix = f"SJB{year}-"
    have = Incident.objects.filter(ref__startswith=prefix).count()
    if have >= incidents:
        return have
    cats = list(IncidentCategory.objects.filter(parent__isnull=False).values_list("id", "time_limit_days"))
    begun = time.perf_counter()
    bulk = incidents - have > 50_000
    with connection.cursor() as cur:
        cur.execute("SET session_replication_role = replica")  # no FK trigger per row
        dropped = []
        if bulk:
            for table in ("grids_incident", "grids_incidentevent"):
                for name, definition in _secondary_indexes(cur, table):
                    cur.execute(f'DROP INDEX "{name}"')
                    dropped.append(definition)
        try:
            done = have
            while done < incidents:
                upto = min(incidents, done + CHUNK)
                started = time.perf_counter()
                with transaction.atomic():
                    written = _chunk(cur, prefix, cats, done + 1, upto, incidents, events, year)
                done = upto
                print(f"incidents {done:,}/{incidents:,} (+{written:,} state changes) in "
                      f"{time.perf_counter() - started:.0f} s", flush=True)
        finally:
            started = time.perf_counter()
            cur.execute("SET maintenance_work_mem = '512MB'")
            for definition in dropped:
                cur.execute(definition)
            if dropped:
                print(f"{len(dropped)} indexes rebuilt in {time.perf_counter() - started:.0f} s", flush=True)
            cur.execute("SET session_replication_role = DEFAULT")
        started = time.perf_counter()
        cur.execute("VACUUM (ANALYZE) grids_incident")  # also the visibility map, for index-only scans
        cur.execute("VACUUM (ANALYZE) grids_incidentevent")
        cur.execute("ANALYZE core_area")
        print(f"vacuum/analyze {time.perf_counter() - started:.0f} s; build {time.perf_counter() - begun:.0f} s",
              flush=True)
    return incidents


def _chunk(cur, prefix, cats, start, stop, total, events, year):
    """Incidents ``start``..``stop`` (of ``total`` over the year) and their state changes."""
    # One row per incident; grid, category and state from the sequence number, spread over the year.
    cur.execute("""
        CREATE TEMP TABLE bench_grid ON COMMIT DROP AS
        SELECT row_number() OVER (ORDER BY a.code) - 1 AS n, a.id AS area_id, u.id AS unit_id
        FROM core_area a JOIN core_area d ON d.code = substr(a.code, 1, 6) || '000000'
        JOIN grids_handlingunit u ON u.area_id = d.id
        WHERE a.code LIKE '3498%%' AND a.level = 'grid'""")
    cur.execute("SELECT count(*) FROM bench_grid")
    n_grids = cur.fetchone()[0]
    cur.execute("CREATE TEMP TABLE bench_cat (n int, id int, days int) ON COMMIT DROP")
    cur.executemany("INSERT INTO bench_cat VALUES (%s, %s, %s)", [(i, c, d) for i, (c, d) in enumerate(cats)])
    cur.execute(f"""
        INSERT INTO grids_incident (ref, external_ref, area_id, source, category_id, place, description,
            priority, reporter_name, photo, visit_id, state, unit_id, filed_at, due_on, closed_on,
            duplicate_of_id, reason, reopened_count, satisfaction)
        SELECT %(prefix)s || lpad(g::text, 7, '0'), '', bg.area_id,
            (ARRAY['patrol','resident','hotline','department'])[1 + g %% 4], bc.id, (g %% 30 + 1) || '栋',
            '居民反映问题，请核实处置', CASE WHEN g %% 10 = 0 THEN 'urgent' ELSE 'normal' END, '', '', NULL,
            CASE WHEN f.day > %(open_from)s::date THEN (ARRAY['routed','in_progress','resolved','verified'])[1 + g %% 4]
                 WHEN g %% 50 = 0 THEN 'unable' ELSE 'closed' END,
            bg.unit_id, f.day + time '09:00' + (g %% 480) * interval '1 minute', f.day + bc.days + 2,
            CASE WHEN f.day > %(open_from)s::date THEN NULL ELSE f.day + (g %% 9) + (g %% 7) * (g %% 5) END,
            NULL, '', CASE WHEN g %% 40 = 0 THEN 1 ELSE 0 END, CASE WHEN g %% 3 = 0 THEN 3 + g %% 3 END
        FROM generate_series(%(start)s, %(stop)s) g
        JOIN bench_grid bg ON bg.n = g %% {n_grids}
        JOIN bench_cat bc ON bc.n = g %% {len(cats)}
        CROSS JOIN LATERAL (SELECT %(jan1)s::date + (g::bigint * 365 / %(total)s)::int AS day) f
        ORDER BY g  -- ids follow the filing time, as in life (not clustered by grid, which misleads plans)
        RETURNING id
    """, {"prefix": prefix, "start": start, "stop": stop, "total": total,
          "jan1": datetime.date(year, 1, 1), "open_from": datetime.date(year, 12, 15)})
    ids = [r[0] for r in cur.fetchall()]
    if not events or not ids:
        return 0
    cur.execute("""
        INSERT INTO grids_incidentevent (incident_id, at, actor_id, from_state, to_state, unit_id, note)
        SELECT i.id, i.filed_at + s.k * interval '1 day', NULL, s.f, s.t, i.unit_id, ''
        FROM grids_incident i
        CROSS JOIN LATERAL (VALUES (1, 0, '', 'filed'), (2, 0, 'filed', 'routed'), (3, 1, 'routed', 'in_progress'),
                                   (4, 2, 'in_progress', 'resolved'), (5, 3, 'verified', 'closed'))
            AS s(n, k, f, t)
        WHERE i.id BETWEEN %(lo)s AND %(hi)s AND s.n <= %(events)s
        ORDER BY i.id, s.n
    """, {"lo": min(ids), "hi": max(ids), "events": events})
    return cur.rowcount


def officer(area, username, role):
    from django.contrib.auth import get_user_model

    from core import services as core_services

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        user = core_services.add_staff(actor=None, username=username, role=role, area_code=area.code,
                                       password="Bench-pass-2020!", full_name="基准")
    return user


def session_cookie(user) -> str:
    """A signed-in session for the list page (as a browser holds it after signing in)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def explain(sql, params):
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(r[0] for r in cur.fetchall())


def main():
    import http.client
    import subprocess

    from rest_framework.authtoken.models import Token
    from volunteers_api import free_port, load, production_env, report  # the other benches' harness

    from core.choices import Role
    from reports import engine, registry
    from reports.periods import Period

    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=5, help="state changes per incident (0-5)")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--explain", action="store_true", help="print the plans of the list's queries")
    parser.add_argument("--build-only", action="store_true", help="make the data and stop")
    args = parser.parse_args()
    grids = territory()
    make_incidents(args.incidents, args.events, args.year)
    if args.build_only:
        return
    street = grids[0].parent.parent
    district = street.parent
    officers = {"street": officer(street, "bench_grids_street", Role.TOWNSHIP_OFFICER),
                "district": officer(district, "bench_grids_district", Role.COUNTY_OFFICER)}
    tokens = {k: Token.objects.get_or_create(user=u)[0].key for k, u in officers.items()}
    cookies = {k: session_cookie(u) for k, u in officers.items()}
    in_street = Incident.objects.filter(area__code__startswith=street.prefix).count()
    in_district = Incident.objects.filter(area__code__startswith=district.prefix).count()
    total, changes = Incident.objects.count(), IncidentEvent.objects.count()
    if args.explain:  # the API's page and the list page's, restricted as they are
        user = officers["street"]
        api = Incident.objects.restrict(user, "view").select_related("area", "category", "unit").order_by("-id")[:51]
        print(explain(*api.query.sql_with_params()))
        page = Incident.objects.restrict(user, "view").select_related("area", "category__parent", "unit").order_by(
            "-filed_at", "-id")[:50]
        print(explain(*page.query.sql_with_params()))

    # The city's incident indicators (four on-time classes; one grouped query) beside COUNT(*).
    period = Period.parse(str(args.year))
    incident_indicators = [i for i in registry.autodiscover().values()  # on-time classes, median, reopen rate
                           if i.code.startswith(("grids.incidents_", "grids.incident_"))]
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM grids_incident")
        cur.fetchone()
    count_time = time.perf_counter() - started
    started = time.perf_counter()
    result = engine.compute(incident_indicators, period)
    indicators_time = time.perf_counter() - started
    city = Area.objects.get(code=CITY)
    values = {c.indicator.removeprefix("grids.").removeprefix("incidents_"): c.value for c in result.values
              if c.area_id == city.pk}
    print(f"baseline: SELECT count(*) FROM grids_incident: {count_time * 1000:.0f} ms")
    print(f"city incident indicators ({len(incident_indicators)}: on-time classes, median days to close, reopen "
          f"rate; every area of the tree, {args.year}): {indicators_time:.2f} s ({result.queries} queries) "
          f"{ {k: str(v) for k, v in values.items()} }", flush=True)

    port = free_port()
    # DEBUG off serves hashed static files: the pages need them collected first.
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v", "0"], cwd=ROOT,
                   env={**os.environ, **production_env()}, check=True)
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "portal.wsgi", "-w", str(args.workers),
                               "-b", f"127.0.0.1:{port}", "--keep-alive", "30", "--log-level", "warning"],
                              cwd=ROOT, env={**os.environ, **production_env()})
    base = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}
    api = "/api/v1/grids/incidents/?page_size=50"
    runs = [  # (label, path, headers)
        ("baseline: /healthz", "/healthz", base),
        ("street officer's incident list, API (token, scoped, 50 rows)", api, {**base, "Authorization": f"Token {tokens['street']}"}),
        ("the same, filtered to in progress", api + "&state=in_progress",
         {**base, "Authorization": f"Token {tokens['street']}"}),
        ("street officer's incident list page (signed in, first page, default order, counters)", "/grids/incidents/",
         {**base, "Cookie": cookies["street"]}),
        ("the same page, filtered to urgent", "/grids/incidents/?priority=urgent", {**base, "Cookie": cookies["street"]}),
        ("district officer's incident list, API", api, {**base, "Authorization": f"Token {tokens['district']}"}),
        ("district officer's incident list page", "/grids/incidents/", {**base, "Cookie": cookies["district"]}),
    ]
    figures = []
    try:
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", "/healthz", headers=base)
                conn.getresponse().read()
                break
            except (ConnectionRefusedError, OSError):
                time.sleep(0.2)
        for label, path, headers in runs:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            body = response.read()
            assert response.status == 200, (label, response.status, body[:300])
            figures.append((label, load(port, path, headers, args.clients, args.seconds)))
    finally:
        server.terminate()
        server.wait()
    print(f"city {CITY}: {len(grids):,} grids, {total:,} incidents, {changes:,} state changes; street "
          f"{street.name}: {in_street:,} incidents; district {district.name}: {in_district:,}; {args.clients} clients, "
          f"gunicorn -w {args.workers}, {args.seconds} s each; load average {os.getloadavg()[0]:.2f}")
    for label, result in figures:
        if result[1]:
            report(label, *result)
        else:  # every client still warming up when the time ran out (a very busy machine)
            print(f"{label}: no request measured within {args.seconds} s; use more --seconds")
    print("targets: list p95 < 100 ms at 8 clients; city indicators < 10 s")


if __name__ == "__main__":
    main()
