"""Benchmark: one street's page of the volunteer list API, signed in and scoped, 8 clients.

Needs the volunteers of bench/volunteers_import.py in the bench PostgreSQL:

    source /tmp/benchpg/env
    .venv/bin/python bench/volunteers_api.py --seconds 20 --workers 3

Starts gunicorn as production runs it (DEBUG off, persistent database connections, behind a TLS
proxy) on a free port, signs a street officer in with a token, and has 8 keep-alive clients
request ``/api/v1/volunteers/volunteers/?area=<street>&page_size=50`` (cursor-paginated, 50 rows,
IDs and phones masked) for the given time. Prints requests/s and latency percentiles.
"""

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db.models import Count  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from core import services as core_services  # noqa: E402
from core.choices import Role  # noqa: E402
from core.models import Area  # noqa: E402
from volunteers.models import Volunteer  # noqa: E402


def production_env() -> dict:
    """The web server as production runs it: DEBUG off (no query log, production middleware
    settings), persistent database connections, behind a TLS proxy (the clients send the proxy's
    ``X-Forwarded-Proto``). The keys are the development ones the benchmark data was written with."""
    from django.conf import settings

    return {"DEBUG": "0", "CONN_MAX_AGE": "60", "BEHIND_TLS_PROXY": "1", "SECRET_KEY": settings.SECRET_KEY,
            "PORTAL_DATA_KEY": settings.PORTAL_DATA_KEY, "PORTAL_INDEX_KEY": settings.PORTAL_INDEX_KEY}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def busiest_street() -> Area:
    row = (Volunteer.objects.values("area__parent").annotate(n=Count("id")).order_by("-n").first())
    return Area.objects.get(pk=row["area__parent"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="> 1: gthread workers (HTTP keep-alive)")
    args = parser.parse_args()
    street = busiest_street()
    User = get_user_model()
    user = User.objects.filter(username="bench_street").first()
    if user is None:
        user = core_services.add_staff(actor=None, username="bench_street", role=Role.TOWNSHIP_OFFICER,
                                       area_code=street.code, password="Bench-pass-2020!", full_name="基准")
    token = Token.objects.get_or_create(user=user)[0].key
    in_street = Volunteer.objects.filter(area__code__startswith=street.prefix).count()
    port = free_port()
    env = {**os.environ, **production_env()}
    threads = ["-k", "gthread", "--threads", str(args.threads)] if args.threads > 1 else []
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "portal.wsgi", "-w", str(args.workers), *threads,
                               "-b", f"127.0.0.1:{port}", "--keep-alive", "30", "--log-level", "warning"],
                              cwd=ROOT, env=env)
    path = f"/api/v1/volunteers/volunteers/?area={street.code}&page_size=50"
    headers = {"Authorization": f"Token {token}", "Host": "127.0.0.1", "X-Forwarded-Proto": "https"}
    try:
        for _ in range(50):
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
    print(f"street {street.name} ({street.code}): {in_street:,} volunteers of {Volunteer.objects.count():,}; "
          f"{args.clients} clients, gunicorn -w {args.workers}{f' gthread x{args.threads}' if threads else ' sync'}, "
          f"{args.seconds} s each")
    report("baseline: /healthz (no sign-in; SELECT 1 and a Redis ping)", *baseline)
    report("volunteer list, one street, 50 rows, token, scoped", *measured)
    print(f"ratio list / baseline throughput: {measured[0] / max(baseline[0], 1):.2f}; targets: ≥ 150 req/s, p95 < 100 ms")


def load(port, path, headers, clients, seconds):
    """``clients`` keep-alive connections requesting ``path`` for ``seconds``: (req/s, sorted latencies, errors)."""
    latencies, errors, stop = [], [], time.perf_counter() + seconds

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine = []
        for _ in range(5):  # warm up this connection and the worker's
            conn.request("GET", path, headers=headers)
            conn.getresponse().read()
        while time.perf_counter() < stop:
            t = time.perf_counter()
            conn.request("GET", path, headers=headers)
            r = conn.getresponse()
            r.read()
            mine.append(time.perf_counter() - t)
            if r.status != 200:
                errors.append(r.status)
        latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return len(latencies) / elapsed, latencies, errors


def report(label, rate, latencies, errors):
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    print(f"{label}: {rate:.0f} req/s; latency ms p50 {p(0.5):.1f}, p95 {p(0.95):.1f}, p99 {p(0.99):.1f}, "
          f"mean {statistics.mean(latencies) * 1000:.1f}; errors {len(errors)}")


if __name__ == "__main__":
    main()
