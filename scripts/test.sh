#!/usr/bin/env bash
# What `make test` runs: the whole suite against a real PostgreSQL 15 and Redis, browser tests
# on the system Chromium. Arguments are passed to pytest.
#
# CI is a clean root Debian 12 machine: system packages the tests need are installed here when
# missing (dpkg -s first, so a warm machine never touches apt). Services are throwaway, on free
# ports, and stopped by the trap whatever happens.
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=scripts/services.sh
. scripts/services.sh

# postgresql-15 / redis-server: services; chromium: Playwright (its own download fails here);
# fonts-noto-cjk + pango: WeasyPrint PDFs with Chinese text; gettext: compilemessages;
# poppler-utils: pdftotext/pdftoppm to look inside generated PDFs.
svc_ensure_packages postgresql-15 redis-server chromium fonts-noto-cjk \
    libpango-1.0-0 libpangoft2-1.0-0 gettext poppler-utils

if [ ! -x .venv/bin/python ]; then
    echo "test.sh: .venv missing; run 'make venv' (or 'make test')" >&2
    exit 1
fi

# Lint and migrations first: a missing migration or a lint error fails the run in seconds.
.venv/bin/ruff check .
DATABASE_URL= REDIS_URL= .venv/bin/python manage.py makemigrations --check --dry-run >/dev/null || {
    echo "test.sh: a model change has no migration (manage.py makemigrations)" >&2; exit 1; }

SVC_DIR=$(mktemp -d "${TMPDIR:-/tmp}/portal-test.XXXXXX")
cleanup() {
    services_stop "$SVC_DIR" || true
    rm -rf "$SVC_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

SERVICES_FAST=1 services_start "$SVC_DIR"
# shellcheck disable=SC1091
. "$SVC_DIR/env"
export PLAYWRIGHT_CHROMIUM_EXECUTABLE=/usr/bin/chromium
# Every service is here: a test skipped for want of PostgreSQL, Redis or Chromium is a failure.
export PORTAL_FULL_STACK=1

# Two test processes on CI's two cores (TEST_WORKERS=1 for one; at most 4 by default), each with its
# own test database and Redis database (portal/settings.py). `--dist load`, not `loadfile`: pytest-django
# sorts transactional tests (browser, Celery worker) last, and `load` hands each process its tests in that
# order, so a flush never empties the reference rows under an ordinary test; `loadfile` sends a file's
# transactional test along with its ordinary ones, early (63 failures when tried).
cpus=$(nproc 2>/dev/null || echo 1)
workers=${TEST_WORKERS:-$(( cpus < 4 ? cpus : 4 ))}
xdist=()
if [ "$workers" -gt 1 ] && ! printf '%s\n' "$@" | grep -qE '^(-n|--numprocesses)'; then
    xdist=(-n "$workers" --dist load)
fi

status=0
.venv/bin/python -m pytest "${xdist[@]}" "$@" || status=$?
if [ "$status" -eq 5 ]; then
    echo "test.sh: pytest collected no tests (exit 5); treating that as a failure." >&2
    exit 1
fi
exit "$status"
