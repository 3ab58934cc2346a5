#!/usr/bin/env bash
# Crash test of the audit trail: load against the real gateway, SIGKILL it mid-load, restart it, and check
# that every request the client saw answered has a complete trail, every begin has an end or `aborted`,
# and `portcullis audit verify` passes (with the public key the gateway served before the crash).
#
#   PORTCULLIS_BIN=.build/debug/portcullis tests/audit/crash.sh
#
# Environment (all optional but PORTCULLIS_BIN):
#   CRASH_CONFIG_TEMPLATE  portcullis.yaml template with @GW_PORT@ @MOCK_URL@ @DATA@ (default: crash-config.yaml.in)
#   CRASH_TOKEN            bearer token for the load (or CRASH_TOKEN_CMD: a command printing one)
#   CRASH_MODEL            model name the template serves (default mock-chat)
#   CRASH_KILLS            how many SIGKILL/restart rounds (default 2)
#   CRASH_SECONDS          seconds of load per round before the kill (default 4)
#   CRASH_WORKERS          concurrent clients (default 16)
#   GW_PORT / MOCK_PORT    ports (default 18480 / 18481)
set -euo pipefail

BIN=${PORTCULLIS_BIN:?set PORTCULLIS_BIN to the portcullis binary}
HERE=$(cd "$(dirname "$0")" && pwd)
TEMPLATE=${CRASH_CONFIG_TEMPLATE:-$HERE/crash-config.yaml.in}
MODEL=${CRASH_MODEL:-mock-chat}
KILLS=${CRASH_KILLS:-2}
SECONDS_PER_ROUND=${CRASH_SECONDS:-4}
WORKERS=${CRASH_WORKERS:-16}
GW_PORT=${GW_PORT:-18480}
MOCK_PORT=${MOCK_PORT:-18481}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/portcullis-crash.XXXXXX")
DATA=$WORK/data
mkdir -p "$DATA"
ANSWERED=$WORK/answered.jsonl
: > "$ANSWERED"
MOCK_PID=""
GW_PID=""
LOAD_PID=""

cleanup() {
    for pid in $LOAD_PID $GW_PID $MOCK_PID; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [ "${KEEP_WORK:-0}" = 1 ]; then echo "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

log() { echo "[crash] $*"; }

wait_http() {  # any HTTP answer on the port counts as up
    local url=$1
    for _ in $(seq 1 200); do
        code=$(curl -s -o /dev/null -w '%{http_code}' "$url" || true)
        [ "$code" != "000" ] && return 0
        sleep 0.1
    done
    echo "no answer from $url" >&2
    return 1
}

sed -e "s|@GW_PORT@|$GW_PORT|g" -e "s|@MOCK_URL@|http://127.0.0.1:$MOCK_PORT|g" -e "s|@DATA@|$DATA|g" \
    -e "s|@MODEL@|$MODEL|g" "$TEMPLATE" > "$WORK/portcullis.yaml"

# The template names file:@DATA@/audit-signing.key: an Ed25519 seed (any 32 random bytes), base64.
[ -f "$DATA/audit-signing.key" ] || python3 -c 'import os,base64;print(base64.b64encode(os.urandom(32)).decode())' > "$DATA/audit-signing.key"

TOKEN=${CRASH_TOKEN:-}
if [ -z "$TOKEN" ] && [ -n "${CRASH_TOKEN_CMD:-}" ]; then TOKEN=$(eval "$CRASH_TOKEN_CMD"); fi

"$BIN" mock-upstream --port "$MOCK_PORT" > "$WORK/mock.log" 2>&1 &
MOCK_PID=$!
wait_http "http://127.0.0.1:$MOCK_PORT/v1/models"

start_gateway() {
    "$BIN" serve --config "$WORK/portcullis.yaml" >> "$WORK/gateway.log" 2>&1 &
    GW_PID=$!
    wait_http "http://127.0.0.1:$GW_PORT/healthz"
}

start_gateway
curl -sf "http://127.0.0.1:$GW_PORT/audit/public-key" > "$WORK/public.key" || rm -f "$WORK/public.key"

python3 "$HERE/crash_load.py" --url "http://127.0.0.1:$GW_PORT" --model "$MODEL" --token "$TOKEN" \
    --workers "$WORKERS" --seconds $(( (KILLS + 1) * (SECONDS_PER_ROUND + 3) )) --answered "$ANSWERED" &
LOAD_PID=$!

for round in $(seq 1 "$KILLS"); do
    sleep "$SECONDS_PER_ROUND"
    log "round $round: SIGKILL gateway (pid $GW_PID) after $(wc -l < "$ANSWERED") answers"
    kill -9 "$GW_PID"
    wait "$GW_PID" 2>/dev/null || true
    start_gateway
    log "round $round: gateway restarted (pid $GW_PID)"
done
wait "$LOAD_PID" || true
LOAD_PID=""
log "load finished: $(wc -l < "$ANSWERED") answered requests"
kill -TERM "$GW_PID"
wait "$GW_PID" 2>/dev/null || true
GW_PID=""

DB=$DATA/audit.sqlite
status=0
if [ -f "$WORK/public.key" ]; then
    "$BIN" audit verify --db "$DB" --public-key "$WORK/public.key" || status=1
else
    log "gateway served no public key: verifying against the keys recorded in the database"
    "$BIN" audit verify --db "$DB" || status=1
fi
"$BIN" audit export --db "$DB" --format jsonl > "$WORK/export.jsonl"
python3 "$HERE/crash_check.py" "$WORK/export.jsonl" "$ANSWERED" || status=1
[ "$(wc -l < "$ANSWERED")" -gt 0 ] || { log "no request was answered: the test proved nothing"; status=1; }
[ $status = 0 ] && log "PASS" || { log "FAIL (logs in $WORK)"; KEEP_WORK=1; }
exit $status
