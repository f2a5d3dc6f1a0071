#!/usr/bin/env bash
# Create .venv (if needed) and install requirements-dev.txt into it. Called by `make venv`.
# On a bare Debian python3, `python3 -m venv` needs the python3-venv package; install it when
# root. A half-created .venv (no pip) from an earlier failure is rebuilt.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/pip ]; then
    rm -rf .venv
    if ! python3 -m venv .venv 2>/dev/null; then
        rm -rf .venv
        if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
            export DEBIAN_FRONTEND=noninteractive
            apt-get update -qq
            apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
            python3 -m venv .venv
        else
            echo "venv.sh: 'python3 -m venv' failed; install python3-venv" >&2
            exit 1
        fi
    fi
fi
.venv/bin/python -m pip install --disable-pip-version-check -q -r requirements-dev.txt
