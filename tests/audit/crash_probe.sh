#!/usr/bin/env bash
# The crash test without the HTTP stack: `portcullis audit probe` (hidden) writes trails exactly as the
# gateway does and prints a request id once its end/complete record returned. It is SIGKILLed mid-load
# several times and restarted; then every printed request must have a finished trail (strict: answered
# requests may not be `aborted`), every begin an end or `aborted`, and `audit verify` must pass.
#   PORTCULLIS_BIN=.build/debug/portcullis tests/audit/crash_probe.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=${PORTCULLIS_BIN:?set PORTCULLIS_BIN to the portcullis binary}
ROUNDS=${CRASH_KILLS:-5}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/audit-probe.XXXXXX")
DB=$WORK/audit.sqlite
python3 -c 'import os,base64;print(base64.b64encode(os.urandom(32)).decode())' > "$WORK/signing.key"
: > "$WORK/answered.jsonl"
for round in $(seq 1 "$ROUNDS"); do
    "$BIN" audit probe --db "$DB" --signing-key "$WORK/signing.key" --workers 32 >> "$WORK/answered.jsonl" 2> "$WORK/probe.err" &
    pid=$!
    for _ in $(seq 1 200); do grep -q ready "$WORK/probe.err" 2>/dev/null && break; sleep 0.05; done
    sleep "0.$((RANDOM % 9 + 1))"
    kill -9 "$pid"
    wait "$pid" 2>/dev/null || true
    echo "[probe] round $round: SIGKILL after $(wc -l < "$WORK/answered.jsonl") answers"
done
# A last start with no load closes what the last kill left open, then stops cleanly.
"$BIN" audit probe --db "$DB" --signing-key "$WORK/signing.key" --workers 0 2> "$WORK/probe.err"
# The kill can cut the last printed line: keep whole lines only.
python3 - "$WORK/answered.jsonl" <<'PY'
import json, sys
good = []
for l in open(sys.argv[1]):
    try: good.append(json.dumps(json.loads(l)))
    except ValueError: pass
open(sys.argv[1], "w").write("\n".join(good) + "\n")
PY
status=0
"$BIN" audit verify --db "$DB" || status=1
"$BIN" audit export --db "$DB" --format jsonl > "$WORK/export.jsonl"
python3 "$HERE/crash_check.py" --strict "$WORK/export.jsonl" "$WORK/answered.jsonl" || status=1
if [ $status = 0 ]; then echo "[probe] PASS"; rm -rf "$WORK"; else echo "[probe] FAIL: $WORK"; fi
exit $status
