#!/bin/sh
# Precision/recall of the data guardrails. Needs only python3 (standard library) and a built portcullis.
set -eu
cd "$(dirname "$0")/.."
exec python3 scripts/guardrails-quality.py "$@"
