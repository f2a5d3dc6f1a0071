"""Benchmark: a child director's due list (overdue + due within 7 days) over a province-sized registry,
read-audited, 8 clients, beside /healthz in the same run.

    bash scripts/services.sh start /tmp/benchpg && source /tmp/benchpg/env
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/child_care_due.py --children 500000 --visits 5000000 --seconds 20

Makes (once; kept for the next run) a bench county 349901 of 100 townships × 13 villages, ``--children``
children with encrypted ID numbers spread over the villages, each village's child director (one account
per village) as their visitor, and ``--visits`` visits (one planned per child, the rest done, history
spread over ten years) with ``INSERT … SELECT generate_series``. Then starts gunicorn as production
runs it and has ``--clients`` keep-alive clients request ``/api/v1/child-care/visits/due/`` as one
village's director (a token): every request writes its ``core.read`` audit event.
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

from child_care.models import Person, Visit  # noqa: E402
from core.models import Area  # noqa: E402
from core.personal import make_id_number  # noqa: E402

COUNTY = "349901000000"
TOWNSHIPS, VILLAGES = 100, 13


def territory():
    """The bench county: 100 townships × 13 villages (1,300 villages, as the city's 1,288)."""
    county = Area.objects.filter(code=COUNTY).first()
    if county is not None:
        return county, list(Area.objects.filter(code__startswith="349901", level="community").order_by("code"))
    city = Area.objects.get_or_create(code="349900000000", defaults={"name": "基准市", "level": "city"})[0]
    county = Area.objects.create(code=COUNTY, name="基准县", level="county", parent=city)
    towns = Area.objects.bulk_create([Area(code=f"349901{t:03d}000", name=f"基准乡{t}", level="township",
                                           parent=county) for t in range(1, TOWNSHIPS + 1)])
    villages = Area.objects.bulk_create([Area(code=f"{town.code[:9]}{v:03d}", name=f"{town.name}{v}村",
                                              level="community", kind="rural", parent=town)
                                         for town in towns for v in range(1, VILLAGES + 1)])
    return county, villages


def directors(villages):
    """One child director per village; one password hash for all (hashing 1,300 times takes minutes)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from core import services as core_services
    from core.choices import Role

    User = get_user_model()
    known = {u.username: u for u in User.objects.filter(username__startswith="bench_cd_")}
    password = make_password("Bench-pass-2020!")
    out = {}
    for village in villages:
        name = f"bench_cd_{village.code}"
        user = known.get(name)
        if user is None:
            user = User.objects.create(username=name, password=password, first_name="儿童主任")
            core_services.grant_role(actor=None, user=user, role=Role.CHILD_DIRECTOR, area=village)
        out[village.pk] = user
    return out


def make_registry(villages, children, visits, today):
    have = Person.objects.filter(area__code__startswith="349901").count()
    if have >= children and Visit.objects.exists():
        return have
    staff = directors(villages)
    started = time.perf_counter()
    batch = []
    for i in range(have, max(have, children)):
        village = villages[i % len(villages)]
        born = datetime.date(2009, 1, 1) + datetime.timedelta(days=i % 5000)
        batch.append(Person(kind="child", name=f"童{i}", id_number=make_id_number("349901", born, (i // 5000) % 1000),
                            birth_date=born, sex="male" if ((i // 5000) % 1000) % 2 else "female", hukou="rural",
                            area=village, director=staff[village.pk], risk_tier="high" if i % 10 == 0 else "low"))
        if len(batch) == 10_000:
            Person.objects.bulk_create(batch)
            batch = []
    Person.objects.bulk_create(batch)
    print(f"registry: {children:,} children in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    per_child = max(1, visits // children)
    with transaction.atomic(), connection.cursor() as cur:
        # one planned visit per child: due from 20 days ago to 200 days ahead (some overdue, some due soon)
        cur.execute("""
            INSERT INTO child_care_visit (person_id, area_id, visitor_id, due_on, status, life, study, safety,
                                          guardianship, next_steps, created_at)
            SELECT p.id, p.area_id, p.director_id, %s::date - 20 + (p.id %% 220)::int, 'planned', '', '', '', '', '', now()
            FROM child_care_person p WHERE p.area_id IN (SELECT id FROM core_area WHERE code LIKE '349901%%')""",
                    [today])
        cur.execute("""
            INSERT INTO child_care_visit (person_id, area_id, visitor_id, due_on, done_on, status, life, study,
                                          safety, guardianship, next_steps, created_at)
            SELECT p.id, p.area_id, p.director_id, %s::date - 30 * g, %s::date - 30 * g, 'done', '生活正常', '', '',
                   '', '', now()
            FROM child_care_person p CROSS JOIN generate_series(1, %s) g
            WHERE p.area_id IN (SELECT id FROM core_area WHERE code LIKE '349901%%')""",
                    [today, today, per_child - 1])
    with connection.cursor() as cur:
        cur.execute("ANALYZE child_care_visit; ANALYZE child_care_person")
    print(f"visits: {Visit.objects.count():,} in {time.perf_counter() - started:.0f} s")
    return children


def main():
    import http.client
    import subprocess

    from rest_framework.authtoken.models import Token
    from volunteers_api import free_port, load, production_env, report  # same harness as the other benches

    from core.models import AuditEvent

    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=500_000)
    parser.add_argument("--visits", type=int, default=5_000_000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    today = datetime.date.today()
    _county, villages = territory()
    make_registry(villages, args.children, args.visits, today)
    village = villages[0]
    user = directors([village])[village.pk]
    token = Token.objects.get_or_create(user=user)[0].key
    port = free_port()
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "portal.wsgi", "-w", str(args.workers),
                               "-b", f"127.0.0.1:{port}", "--keep-alive", "30", "--log-level", "warning"],
                              cwd=ROOT, env={**os.environ, **production_env()})
    path = "/api/v1/child-care/visits/due/"
    headers = {"Authorization": f"Token {token}", "Host": "127.0.0.1", "X-Forwarded-Proto": "https"}
    reads_before = AuditEvent.objects.filter(actor=user, action="core.read").count()
    try:
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                body = response.read()
                assert response.status == 200, body[:300]
                break
            except (ConnectionRefusedError, OSError):
                time.sleep(0.2)
        baseline = load(port, "/healthz", {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}, args.clients,
                        args.seconds)
        measured = load(port, path, headers, args.clients, args.seconds)
    finally:
        server.terminate()
        server.wait()
    mine = Visit.objects.filter(visitor=user, status="planned").count()
    reads = AuditEvent.objects.filter(actor=user, action="core.read").count() - reads_before
    print(f"registry {Person.objects.count():,} children, {Visit.objects.count():,} visits; director of "
          f"{village.name}: {mine} planned visits; {args.clients} clients, gunicorn -w {args.workers}, "
          f"{args.seconds} s each; read-audit events written: {reads:,}")
    report("baseline: /healthz", *baseline)
    report("child director's due list (API, token, read-audited)", *measured)
    print("target: p95 < 100 ms")


if __name__ == "__main__":
    main()
