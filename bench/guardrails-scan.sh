#!/usr/bin/env bash
# In-process per-request cost of the data guardrails (request inspect, streaming response filter) on the
# gateway benchmark's 2 KB chat body and on 2 KB / 100 KB prompts from the fixtures; prints a table.
# (bench/guardrails.sh measures the `portcullis scan` CLI against Presidio.)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
swift build -c release --package-path "$here/guardrails" --product GuardrailsBench >&2
exec "$here/guardrails/.build/release/GuardrailsBench" --fixtures "$here/../tests/fixtures/guardrails" "$@"
