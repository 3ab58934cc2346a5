#!/usr/bin/env bash
# Audit trail write path: records/s the SQLite store sustains with group commit (1, 16, 64 concurrent
# writers; hash and encrypted content) and the latency a begin record adds (p50/p99), plus the trail's
# own CPU cost with a discarding store. Writes under ./bench-data (the real disk: fsync matters).
# `bench/audit.sh --pieces` prints the per-record cost of Foundation's JSONEncoder vs. SHA-256.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
swift build -c release --package-path "$here/audit" --product AuditBench >&2
exec "$here/audit/.build/release/AuditBench" "$@"
