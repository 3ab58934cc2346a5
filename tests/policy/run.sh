#!/usr/bin/env bash
# Differential test of the Cedar engine against the reference implementation (cedarpy, pinned): first the
# `policy eval` contract over random Cedar (≥ 2,000 decision comparisons), then the gateway form
# (PolicyEngine.decide with its prefilter and request-local entities, 1,000 decisions).
# Usage: tests/policy/run.sh [PORTCULLIS_BIN] [differential.py options, e.g. --cases 5000 --seed 7]
# Python: $PORTCULLIS_VENV when it is given (it must hold cedarpy==4.12.2), else .venv-policy in the repo.
# Binary: the argument, else $PORTCULLIS_BIN, else `portcullis` is built (debug) first.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
venv="${PORTCULLIS_VENV:-$root/.venv-policy}"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c "import cedarpy" 2>/dev/null ||
  "$venv/bin/pip" install --quiet --disable-pip-version-check "cedarpy==4.12.2"
bin="${PORTCULLIS_BIN:-}"
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then bin="$1"; shift; fi
if [ -z "$bin" ]; then
  (cd "$root" && swift build --product portcullis)
  bin="$root/.build/debug/portcullis"
fi
"$venv/bin/python" "$root/tests/policy/differential.py" "$bin" "$@"
exec "$venv/bin/python" "$root/tests/policy/gateway_differential.py" "$bin"
