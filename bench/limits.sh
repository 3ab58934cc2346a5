#!/usr/bin/env bash
# Per-request cost of rate limits + budgets (admit+settle) and of response-cache lookups, in 1 and 2
# concurrent tasks; prints a table of p50/p99 latencies. Target: <= 5 µs p50 each.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
swift build -c release --package-path "$here/limits" --product LimitsBench >&2
exec "$here/limits/.build/release/LimitsBench" "$@"
