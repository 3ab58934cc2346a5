#!/usr/bin/env bash
# Intent guardrail quality over ../shared/eval-dev: TPR per attack corpus, FPR per benign corpus, the
# threshold sweep and the held-out training numbers.
#   scripts/intent-quality.sh PATH/TO/portcullis [SWEEP_CONFIG]
# SWEEP_CONFIG: a portcullis.yaml whose intent thresholds are all 0 (for the ROC sweep); optional.
# A dev binary that takes `--sweep` instead (the scratch IntentScan) works too: pass "--dev".
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
bin="${1:?usage: intent-quality.sh PATH/TO/portcullis [SWEEP_CONFIG|--dev]}"
mode="${2:-}"
eval_dir="${EVAL_DIR:-$repo/../shared/eval-dev}"
if [ "$mode" = "--dev" ]; then
  scan="$bin"; sweep="$bin --sweep"
elif [ -n "$mode" ]; then
  scan="$bin scan"; sweep="$bin scan --config $mode"
else
  scan="$bin scan"; sweep=""
fi
args=(--scan "$scan" --eval-dir "$eval_dir")
[ -n "$sweep" ] && args+=(--sweep-scan "$sweep")
exec python3 "$repo/scripts/intent-quality.py" "${args[@]}"
