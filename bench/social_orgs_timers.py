"""Benchmark: a province-sized social-organisation registry — the nightly credit-list timers and a
random-inspection draw over 100,000 organisations.

Run by hand on a throwaway PostgreSQL (never in CI):

    PG_OPTS="-c shared_buffers=1GB -c max_wal_size=8GB" bash scripts/services.sh start /tmp/benchpg
    source /tmp/benchpg/env && .venv/bin/python manage.py migrate
    .venv/bin/python bench/social_orgs_timers.py --orgs 100000 --years 10
    bash scripts/services.sh stop /tmp/benchpg

Set-wise setup (generate_series): ``--orgs`` active organisations of the three types in one
county, founded over the ``--years`` before the run, each with an annual report for every year
since its founding (about 3 % of last year's missing, 1 % of the organisations never active),
plus list events: 2 % on the abnormal list whose two years are up today (escalation), 2 % listed
for a warning whose six months are up (automatic exit), 2 % listed and not yet due. Then:

* baselines of the same run: ``/healthz`` through the WSGI handler (the app's floor per request),
  and the missed-report anti-join in plain SQL (reading only, nothing written);
* ``services.run_timers(today)`` from cold, then again (idempotent: nothing listed, moved or
  removed a second time);
* the app's supervision checks as the night runs them (core's runner: a finding per item), first
  and again (nothing raised or resolved a second time), beside the checks' own queries alone;
* the plan over the whole county frozen, then the draw (the pure function and the service),
  beside hashing every code once (the draw's irreducible work).
"""

import argparse
import datetime
import hashlib
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from core import supervision  # noqa: E402
from core.models import Area  # noqa: E402
from social_orgs import draws, rules, services  # noqa: E402
from social_orgs.models import CreditListing, Organisation  # noqa: E402

TODAY = datetime.date(2026, 6, 15)


def setup(n: int, years: int):
    city = Area.objects.filter(code="340300000000").first() or Area.objects.create(
        code="340300000000", name="基准市", level="city")
    county = Area.objects.filter(code="340399000000").first() or Area.objects.create(
        code="340399000000", name="基准县", level="county", parent=city)
    have = Organisation.objects.filter(area=county).count()
    if have >= n:
        return county
    assert not have, "start from an empty registry (a fresh database)"
    started = time.perf_counter()
    span = years * 365
    with connection.cursor() as c:
        c.execute("""
            INSERT INTO social_orgs_organisation (name, uscc, org_type, kind, registration_level, sponsor_unit,
                is_industry_association, legal_rep_name, founded_on, purpose, business_scope, address, status,
                pending_changes, first_activity_on, party_commitment, party_members, has_party_org,
                full_time_staff, created_at, updated_at, area_id)
            SELECT '基准社会组织' || g, '51340399MJ' || lpad(g::text, 8, '0'),
                   (ARRAY['group','service','foundation'])[1 + g %% 3], 'ordinary', 'county', '', g %% 17 = 0,
                   '张三', %s::date - (30 + (g * 7919) %% %s), '', '', '', 'active', '{}'::jsonb,
                   CASE WHEN g %% 100 = 0 THEN NULL ELSE %s::date - (20 + (g * 7919) %% %s) END,
                   true, g %% 5, g %% 5 >= 3, 0, now(), now(), %s
            FROM generate_series(%s, %s) g
        """, [TODAY, span, TODAY, span, county.pk, have + 1, n])
        # A report for each year since founding, filed in April; 3 % miss last year's, 1 % (never active) all.
        c.execute("""
            INSERT INTO social_orgs_annualreport (organisation_id, year, sponsor_submitted_on, sponsor_opinion,
                sponsor_opinion_note, submitted_on, audit_report, work_summary, charter_party_clause, result,
                result_reason, created_at)
            SELECT o.id, y, NULL, '', '', make_date(y + 1, 3, 20), true, '', true, 'pass', '', now()
            FROM social_orgs_organisation o
            CROSS JOIN LATERAL generate_series(extract(year FROM o.founded_on)::int, %s) y
            WHERE o.area_id = %s AND o.first_activity_on IS NOT NULL
              AND NOT (y = %s AND o.id %% 33 = 0)
        """, [TODAY.year - 1, county.pk, TODAY.year - 1])
        # List events: due for escalation today, due for the automatic exit, and not yet due.
        c.execute("""
            INSERT INTO social_orgs_creditlisting (organisation_id, list_type, reason, reason_text, basis_ref,
                listed_on, clock_from, events, restart_count, rectifiable, escalates_on, auto_exit_on,
                earliest_exit_on, on_behalf_of, rectification_note, status, exit_reason, exit_note, created_at)
            SELECT o.id, 'abnormal', r.reason, '基准', 'bench:' || o.id, r.listed, r.listed,
                   jsonb_build_array(jsonb_build_object('on', r.listed::text, 'reason', r.reason, 'basis',
                                                        'bench:' || o.id)),
                   0, r.reason <> 'warning_or_small_fine', r.listed + 730,
                   CASE WHEN r.reason = 'warning_or_small_fine' THEN r.listed + 183 END, NULL, '', '', 'listed', '',
                   '', now()
            FROM social_orgs_organisation o
            CROSS JOIN LATERAL (SELECT CASE o.id %% 50 WHEN 1 THEN 'unreachable' WHEN 2 THEN 'warning_or_small_fine'
                                             ELSE 'no_party_org' END AS reason,
                                        CASE o.id %% 50 WHEN 1 THEN %s::date - 730 WHEN 2 THEN %s::date - 190
                                             ELSE %s::date - 100 END AS listed) r
            WHERE o.area_id = %s AND o.id %% 50 IN (1, 2, 3) AND o.first_activity_on IS NOT NULL
        """, [TODAY, TODAY, TODAY, county.pk])
        c.execute("ANALYZE social_orgs_organisation; ANALYZE social_orgs_annualreport; "
                  "ANALYZE social_orgs_creditlisting")
    print(f"setup: {Organisation.objects.count():,} organisations, "
          f"{Organisation.objects.get(pk=Organisation.objects.order_by('id').first().pk).annual_reports.model.objects.count():,} "
          f"annual reports, {CreditListing.objects.count():,} listings in {time.perf_counter() - started:.1f} s")
    return county


def healthz_baseline(requests=200):
    client = Client()
    client.get("/healthz")
    started = time.perf_counter()
    for _ in range(requests):
        client.get("/healthz")
    elapsed = time.perf_counter() - started
    return requests / elapsed, elapsed / requests * 1000


def missed_sql_baseline():
    started = time.perf_counter()
    with connection.cursor() as c:
        c.execute("""
            SELECT count(*) FROM social_orgs_organisation o
            WHERE o.status IN ('active', 'changing') AND extract(year FROM o.founded_on) <= %s
              AND NOT EXISTS (SELECT 1 FROM social_orgs_annualreport r WHERE r.organisation_id = o.id
                              AND r.year = %s AND r.submitted_on <= %s)
        """, [TODAY.year - 1, TODAY.year - 1, datetime.date(TODAY.year, 6, 1)])
        missed = c.fetchone()[0]
    return time.perf_counter() - started, missed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=10)
    args = parser.parse_args()
    county = setup(args.orgs, args.years)
    print("load average at the start: {:.2f} {:.2f} {:.2f} on {} cores".format(*os.getloadavg(), os.cpu_count()))

    rps, ms = healthz_baseline()
    sql_s, missed = missed_sql_baseline()
    print(f"baseline /healthz (same run, in-process WSGI): {rps:.0f} req/s, {ms:.1f} ms each")
    print(f"baseline missed-report anti-join in SQL (read only): {sql_s:.2f} s, {missed:,} organisations")

    started = time.perf_counter()
    first = services.run_timers(TODAY)
    t1 = time.perf_counter() - started
    print(f"nightly timers, first run: {t1:.1f} s {first} (target < 60 s; {t1 / sql_s:.0f}x the SQL read)")
    started = time.perf_counter()
    second = services.run_timers(TODAY)
    t2 = time.perf_counter() - started
    print(f"nightly timers, again (idempotent): {t2:.1f} s {second}")
    assert not any(second.values()), "the second run changed something"

    # The nightly supervision as it runs (core's runner over the app's checks): what the checks
    # themselves cost (their queries and the Raise items), then the whole run with the findings.
    supervision.discover()
    ours = sorted(rule for rule in supervision.REGISTRY if rule.startswith("social_orgs."))
    started = time.perf_counter()
    items = sum(len(list(supervision.REGISTRY[rule](TODAY))) for rule in ours)
    own_s = time.perf_counter() - started
    print(f"the app's supervision checks alone (their queries, {items:,} items, nothing written): {own_s:.1f} s")
    for night in ("first", "again (idempotent)"):
        started = time.perf_counter()
        summary = supervision.run_all(TODAY, only=ours)
        elapsed = time.perf_counter() - started
        totals = {key: sum(row[key] for row in summary.values()) for key in ("open", "raised", "resolved")}
        print(f"supervision through core's runner, {night}: {elapsed:.1f} s {totals} "
              f"({elapsed - own_s:.1f} s of it core's finding per item)")
    assert not totals["raised"] and not totals["resolved"], "the second supervision run changed something"

    started = time.perf_counter()
    year = 2000 + (int(time.time()) % 90)
    plan = services.create_plan(actor=None, area=county, year=year, level="county", items=["年度报告", "财务管理"],
                                inspectors=[{"name": f"检查员{i}", "conflicts": [f"51340399MJ{i:08d}"]}
                                            for i in range(1, 41)])
    print(f"plan frozen: pool of {len(plan.org_pool):,}, {plan.sample_size:,} to draw, "
          f"{time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    for _pk, code in plan.org_pool:
        hashlib.sha256(code.encode()).hexdigest()
    hash_s = time.perf_counter() - started
    started = time.perf_counter()
    result = draws.draw(seed="2026-06-15 福彩3D", pools_hash_=plan.pools_hash, org_pool=plan.org_pool,
                        inspector_pool=plan.inspector_pool, size=plan.sample_size,
                        per_task=rules.rule("inspectors_per_task"))
    draw_s = time.perf_counter() - started
    started = time.perf_counter()
    services.draw_plan(actor=None, plan=plan, seed="2026-06-15 福彩3D")
    service_s = time.perf_counter() - started
    print(f"draw over {len(plan.org_pool):,}: pure function {draw_s:.2f} s, service (lock, hash check, draw, save, "
          f"audit) {service_s:.2f} s (target < 1 s); baseline hashing every code once: {hash_s:.2f} s; "
          f"{len(result)} drawn")
    print("load average at the end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
