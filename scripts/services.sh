#!/usr/bin/env bash
# Throwaway PostgreSQL 15 + Redis for tests and for `make stack`.
#
#   scripts/services.sh start DIR   -> cluster in DIR/pg, redis in DIR/redis, env in DIR/env
#   scripts/services.sh stop DIR    -> stops both; safe to call twice or on a half-started DIR
#
# An existing cluster in DIR/pg/data is reused (restarted on a new free port) so `make stack`
# keeps its data between runs; tests always pass a fresh temporary DIR. Redis keeps nothing.
#
# Why our own cluster: the Debian "15 main" cluster is down on these machines and CI is a clean
# root machine, so tests must not depend on it. initdb/postgres refuse to run as root, hence
# runuser -u postgres when we are root. Ports are picked free on 127.0.0.1 so parallel runs
# (and a developer's own PostgreSQL on 5432) never collide.
#
# Can also be sourced: it defines services_start / services_stop and does nothing else.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

_svc_log() { echo "services: $*" >&2; }

_svc_is_root() { [ "$(id -u)" -eq 0 ]; }

# Run a command as the postgres user when root, directly otherwise.
_svc_as_pg() {
    if _svc_is_root; then
        # cd /: the postgres user may not be allowed into the caller's working directory.
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

_svc_apt_updated=0
# Install Debian packages that are not installed yet (root only). Skips apt entirely when warm.
svc_ensure_packages() {
    local missing=() p
    for p in "$@"; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if ! _svc_is_root; then
        _svc_log "missing system packages: ${missing[*]} (not root, cannot apt-get install them)"
        return 1
    fi
    _svc_log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if [ "$_svc_apt_updated" -eq 0 ]; then
        apt-get update -qq
        _svc_apt_updated=1
    fi
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

_svc_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

services_start() {
    local dir=${1:?usage: services.sh start DIR}
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)

    svc_ensure_packages postgresql-15 redis-server
    if [ ! -x "$PG_BIN/initdb" ]; then
        _svc_log "no PostgreSQL 15 binaries in $PG_BIN"
        return 1
    fi

    # Still running from an earlier start in the same DIR: stop it first.
    services_stop "$dir" 2>/dev/null || true
    rm -rf "$dir/redis" "$dir/env"
    local reuse=0
    if [ -f "$dir/pg/data/PG_VERSION" ]; then
        reuse=1
    else
        rm -rf "$dir/pg"
    fi
    mkdir -p "$dir/pg" "$dir/redis"

    local pg_port redis_port
    pg_port=$(_svc_free_port)
    redis_port=$(_svc_free_port)
    while [ "$redis_port" = "$pg_port" ]; do redis_port=$(_svc_free_port); done

    # PostgreSQL: the postgres user must own DIR/pg and be able to reach it.
    if _svc_is_root; then
        chown -R postgres: "$dir/pg"
        chmod 755 "$dir"
    fi
    if [ "$reuse" -eq 0 ]; then
        _svc_as_pg "$PG_BIN/initdb" -D "$dir/pg/data" -A trust -U postgres -E UTF8 --no-locale \
            >"$dir/pg/initdb.log" 2>&1 || { cat "$dir/pg/initdb.log" >&2; return 1; }
    fi
    local pg_opts="-p $pg_port -k $dir/pg -c listen_addresses=127.0.0.1"
    # SERVICES_FAST=1 (tests): no durability needed for a throwaway cluster, and tests get faster.
    if [ "${SERVICES_FAST:-0}" = 1 ]; then
        pg_opts="$pg_opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    fi
    # PG_OPTS: extra server settings, e.g. a production-sized memory and WAL for the benchmarks
    # (PG_OPTS="-c shared_buffers=1GB -c max_wal_size=8GB"); durability stays on unless SERVICES_FAST.
    if [ -n "${PG_OPTS:-}" ]; then
        pg_opts="$pg_opts $PG_OPTS"
    fi
    _svc_as_pg "$PG_BIN/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/log" -w -t 60 -o "$pg_opts" \
        start >/dev/null || { cat "$dir/pg/log" >&2; return 1; }

    # Redis.
    redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
        --daemonize yes --pidfile "$dir/redis/redis.pid" --logfile "$dir/redis/log" \
        --dir "$dir/redis"
    echo "$redis_port" >"$dir/redis/port"

    # Wait until both answer.
    local i
    for i in $(seq 1 100); do
        "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$pg_port" && break
        sleep 0.1
    done
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$pg_port" || { _svc_log "PostgreSQL did not answer"; cat "$dir/pg/log" >&2; return 1; }
    for i in $(seq 1 100); do
        [ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null)" = PONG ] && break
        sleep 0.1
    done
    [ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null)" = PONG ] || { _svc_log "Redis did not answer"; cat "$dir/redis/log" >&2; return 1; }

    if [ "$("$PG_BIN/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -Atc \
            "select 1 from pg_database where datname = 'portal'")" != 1 ]; then
        "$PG_BIN/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres portal
    fi

    cat >"$dir/env" <<EOF
export DATABASE_URL=postgres://postgres@127.0.0.1:$pg_port/portal
export REDIS_URL=redis://127.0.0.1:$redis_port/0
EOF
    _svc_log "PostgreSQL on 127.0.0.1:$pg_port, Redis on 127.0.0.1:$redis_port (env in $dir/env)"
}

services_stop() {
    local dir=${1:?usage: services.sh stop DIR}
    [ -d "$dir" ] || return 0
    dir=$(cd "$dir" && pwd)

    if [ -f "$dir/pg/data/postmaster.pid" ]; then
        _svc_as_pg "$PG_BIN/pg_ctl" -D "$dir/pg/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
    fi

    local pidfile="$dir/redis/redis.pid" pid port
    if [ -f "$pidfile" ]; then
        pid=$(cat "$pidfile" 2>/dev/null || true)
        port=$(cat "$dir/redis/port" 2>/dev/null || true)
        if [ -n "$port" ]; then
            redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || true
        fi
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
            # shutdown is asynchronous; give it a moment, then insist.
            for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill "$pid" 2>/dev/null || true
        fi
        rm -f "$pidfile"
    fi
    return 0
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    case "${1:-}" in
        start) services_start "${2:?usage: $0 start DIR}" ;;
        stop) services_stop "${2:?usage: $0 stop DIR}" ;;
        *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
    esac
fi
