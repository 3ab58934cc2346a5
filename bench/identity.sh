#!/usr/bin/env bash
# Verification cost per request with cached keys: IdentityVerifier.authenticate on a realistic access token
# (12 groups, 2 roles, 3 scopes) for RS256 and ES256; prints p50/p99/mean in µs. Target: <= 50 µs p50.
# Usage: bench/identity.sh [iterations]
#        bench/identity.sh verify ISSUER "AUD1 AUD2" [LIST_SEPARATOR]  < tokens   (check tokens of a live IdP)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
swift build -c release --package-path "$here/identity" --product IdentityBench >&2
if [ "${1:-}" = verify ]; then exec "$here/identity/.build/release/IdentityBench" "$@"; fi
exec "$here/identity/.build/release/IdentityBench" bench "$@"
