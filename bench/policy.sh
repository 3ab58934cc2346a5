#!/usr/bin/env bash
# Decision time of the policy engine (PolicyEngine.decide with the gateway's request mapping) for
# 0/10/100/500 policies over a three-level group hierarchy; prints p50/p90/p99 and CPU time per
# decision. Target: <= 10 µs p50 with 100 policies. Usage: bench/policy.sh [decisions per row]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
swift build -c release --package-path "$here/policy" --product PolicyBench >&2
exec "$here/policy/.build/release/PolicyBench" "$@"
