#!/usr/bin/env bash
# Audit trail write path: records/s the SQLite store sustains with group commit (1, 16, 64 concurrent
# writers; hash and encrypted content) and the latency a begin record adds (p50/p99), plus the trail's
# own CPU cost with a discarding store. Writes under ./bench-data (the real disk: fsync matters).
# `bench/audit.sh --pieces` prints the per-record cost of Foundation's JSONEncoder vs. SHA-256.
# `bench/audit.sh --postgres [records]`: the shared chain — 1 and 3 replicas appending to one PostgreSQL
# store (a private server with TLS started under .tmp/bench-postgres, stopped afterwards).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
swift build -c release --package-path "$here/audit" --product AuditBench >&2
if [ "${1:-}" = "--postgres" ]; then
    shift
    source "$here/../scripts/lib/setup.sh"
    source "$here/../scripts/lib/postgres.sh"
    dir="$here/../.tmp/bench-postgres"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    rm -rf "$dir"
    dsn=$(portcullis_pg_start "$dir" "$port")
    trap 'portcullis_pg_stop "$dir"; rm -rf "$dir"' EXIT
    "$here/audit/.build/release/AuditBench" "${1:-20000}" --postgres "$dsn"
    exit 0
fi
exec "$here/audit/.build/release/AuditBench" "$@"
