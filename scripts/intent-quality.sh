#!/usr/bin/env bash
# Intent guardrail quality through the repo's own binary (see scripts/intent-quality.py).
#   scripts/intent-quality.sh [PATH/TO/portcullis] [--sample N] [--gate] [--json OUT]
# Default binary: .build/release/portcullis, else .build/debug/portcullis.
# CI (about a minute on 2 cores): scripts/intent-quality.sh .build/debug/portcullis --sample 4 --gate
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
bin="${1:-}"
if [ -z "$bin" ] || [ "${bin#--}" != "$bin" ]; then
  bin="$repo/.build/release/portcullis"; [ -x "$bin" ] || bin="$repo/.build/debug/portcullis"
else
  shift
fi
exec python3 "$repo/scripts/intent-quality.py" --bin "$bin" --eval-dir "${EVAL_DIR:-$repo/../shared/eval-dev}" "$@"
