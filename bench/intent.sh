#!/bin/sh
# Intent guardrail latency per prompt (normalise, classifier, signatures, whole detector), as a Markdown
# table, from a release build: IntentBenchmark through `portcullis scan --intent-benchmark`.
# Usage: bench/intent.sh [PATH_TO_RELEASE_PORTCULLIS]
set -eu
cd "$(dirname "$0")/.."
bin="${1:-}"
if [ -z "$bin" ]; then
    swift build -c release --product portcullis >/dev/null
    bin=.build/release/portcullis
fi
exec "$bin" scan --intent-benchmark
