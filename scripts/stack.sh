#!/usr/bin/env bash
# `make stack`: the production shape on one machine. PostgreSQL + Redis (scripts/services.sh,
# data kept in var/stack between runs), DEBUG=0, gunicorn + Celery worker + beat under honcho.
#
# Secrets: SECRET_KEY, PORTAL_DATA_KEY and PORTAL_INDEX_KEY come from the environment when set;
# otherwise they are generated once into var/stack/secrets.env and reused, because personal
# data in the kept database is encrypted and indexed with those keys.
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=scripts/services.sh
. scripts/services.sh

STACK_DIR=var/stack
mkdir -p "$STACK_DIR"

SECRETS="$STACK_DIR/secrets.env"
if [ ! -f "$SECRETS" ]; then
    (
        umask 077
        .venv/bin/python - >"$SECRETS.tmp" <<'PY'
import secrets
for name in ("SECRET_KEY", "PORTAL_DATA_KEY", "PORTAL_INDEX_KEY"):
    print(f"{name}={secrets.token_urlsafe(48)}")
PY
        mv "$SECRETS.tmp" "$SECRETS"
    )
    echo "stack: generated secrets in $SECRETS (keep it: the stack database is encrypted with it)"
fi
# Values already in the environment win over the file.
while IFS='=' read -r name value; do
    [ -n "$name" ] || continue
    if [ -z "${!name:-}" ]; then
        export "$name=$value"
    fi
done <"$SECRETS"

cleanup() { services_stop "$STACK_DIR" || true; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

services_start "$STACK_DIR"
# shellcheck disable=SC1091
. "$STACK_DIR/env"

export DEBUG=0
export PORT="${PORT:-8000}"
# gunicorn listens on plain HTTP on 127.0.0.1; in real production TLS ends at a proxy in front
# (set BEHIND_TLS_PROXY=1 and SECURE_SSL_REDIRECT=1 there). Locally, an HTTPS redirect would
# make the stack unreachable.
export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-0}"
export SECURE_COOKIES="${SECURE_COOKIES:-0}"

.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py collectstatic --noinput -v 0
.venv/bin/python manage.py seed_demo --if-empty

echo "stack: http://127.0.0.1:$PORT/ (Ctrl-C stops everything)"
# Not exec: the trap must stop PostgreSQL and Redis when honcho ends.
status=0
.venv/bin/honcho start -f Procfile || status=$?
exit "$status"
