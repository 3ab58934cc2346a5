#!/usr/bin/env bash
# Crash test of the audit trail against the real gateway: load, SIGKILL mid-load, restart, repeat; then
#   - every request the client saw answered has a finished trail (complete, begin+end or begin+aborted),
#   - every begin has an end or `aborted`,
#   - every request the mock upstream (the provider) received has a durable begin record,
#   - `portcullis audit verify` passes with the public key the gateway served before the first crash
#     (strict: no key served is a failure, never a fallback to the keys stored in the database).
#
#   PORTCULLIS_BIN=.build/debug/portcullis tests/audit/crash.sh
#
# It runs `portcullis mock-upstream` (which lives through every gateway kill and records what it received)
# and `portcullis serve` with tests/audit/crash-config.yaml.in (or CRASH_CONFIG_TEMPLATE; placeholders
# @GW_PORT@ @MOCK_URL@ @DATA@ @MODEL@ @ISSUER@). Tokens come from the development issuer: `portcullis demo`
# is started once to create its keys, its JWKS is copied for `serve`, and `portcullis token` signs.
#
# Environment: CRASH_KILLS (rounds, default 3), CRASH_SECONDS (load per round before the kill, default 4),
# CRASH_WORKERS (default 16), CRASH_MODEL (default gpt-4o-mini), GW_PORT / MOCK_PORT (18480 / 18481),
# KEEP_WORK=1 keeps the work directory.
set -euo pipefail

BIN=${PORTCULLIS_BIN:?set PORTCULLIS_BIN to the portcullis binary}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
HERE=$(cd "$(dirname "$0")" && pwd)
MODEL=${CRASH_MODEL:-gpt-4o-mini}
KILLS=${CRASH_KILLS:-3}
SECONDS_PER_ROUND=${CRASH_SECONDS:-4}
WORKERS=${CRASH_WORKERS:-16}
GW_PORT=${GW_PORT:-18480}
MOCK_PORT=${MOCK_PORT:-18481}
TEMPLATE=${CRASH_CONFIG_TEMPLATE:-$HERE/crash-config.yaml.in}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/portcullis-crash.XXXXXX")
DATA=$WORK/data
mkdir -p "$DATA"
ANSWERED=$WORK/answered.jsonl
: > "$ANSWERED"
MOCK_PID="" GW_PID="" LOAD_PID=""
BASE=http://127.0.0.1:$GW_PORT
ISSUER=$BASE/dev-idp
export PORTCULLIS_CRASH_UPSTREAM_KEY="crash-upstream-$RANDOM$RANDOM"

cleanup() {
    for pid in $LOAD_PID $GW_PID $MOCK_PID; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [ "${KEEP_WORK:-0}" = 1 ]; then echo "[crash] work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
log() { echo "[crash] $*"; }
fail() { echo "[crash] FAIL: $*" >&2; KEEP_WORK=1; exit 1; }

wait_http() {  # any HTTP answer counts as up; start-up compiles the scanner databases (seconds in a
    # debug build, more on a loaded machine), and a restart under load also closes the open begins first
    for _ in $(seq 1 1200); do
        code=$(curl -s -o /dev/null -w '%{http_code}' "$1" || true)
        [ "$code" != "000" ] && return 0
        sleep 0.1
    done
    echo "no answer from $1 after 120 s (see $WORK/gateway.log)" >&2
    KEEP_WORK=1
    return 1
}

# The development issuer: `portcullis demo` creates its keys; its JWKS becomes serve's jwks_file.
(cd "$WORK" && exec "$BIN" demo --port "$GW_PORT" --data-dir "$DATA/idp") > "$WORK/idp.log" 2>&1 &
GW_PID=$!
wait_http "$ISSUER/jwks"
curl -sf "$ISSUER/jwks" > "$DATA/jwks.json" || fail "the demo served no JWKS"
kill "$GW_PID"; wait "$GW_PID" 2>/dev/null || true; GW_PID=""

printf '%s\n' 'permit(principal, action, resource);' > "$DATA/policies.cedar"
sed -e "s|@GW_PORT@|$GW_PORT|g" -e "s|@MOCK_URL@|http://127.0.0.1:$MOCK_PORT|g" -e "s|@DATA@|$DATA|g" \
    -e "s|@MODEL@|$MODEL|g" -e "s|@ISSUER@|$ISSUER|g" "$TEMPLATE" > "$WORK/portcullis.yaml"
DB=$(sed -n 's/^  path: *//p' "$WORK/portcullis.yaml" | head -1)
case "$DB" in /*) ;; *) DB=$WORK/$DB ;; esac
"$BIN" mock-upstream --port "$MOCK_PORT" --api-key env:PORTCULLIS_CRASH_UPSTREAM_KEY --record-limit 1000000 \
    > "$WORK/mock.log" 2>&1 &
MOCK_PID=$!
wait_http "http://127.0.0.1:$MOCK_PORT/v1/models"

start_gateway() {
    (cd "$WORK" && exec "$BIN" serve --config "$WORK/portcullis.yaml") >> "$WORK/gateway.log" 2>&1 &
    GW_PID=$!
    wait_http "$BASE/v1/models"
}

start_gateway
TOKEN=${CRASH_TOKEN:-}
if [ -z "$TOKEN" ] && [ -n "${CRASH_TOKEN_CMD:-}" ]; then TOKEN=$(eval "$CRASH_TOKEN_CMD"); fi
if [ -z "$TOKEN" ]; then TOKEN=$("$BIN" token --data-dir "$DATA/idp" --user crash-test --ttl 3600); fi
# Strict: the key a witness would have fetched before anything went wrong. No key, no pass.
curl -sf "$BASE/audit/public-key" > "$WORK/public.key" || fail "GET /audit/public-key failed"
grep -q . "$WORK/public.key" || fail "GET /audit/public-key returned nothing"

python3 "$HERE/crash_load.py" --url "$BASE" --model "$MODEL" --token "$TOKEN" --workers "$WORKERS" \
    --seconds 3600 --answered "$ANSWERED" &
LOAD_PID=$!

for round in $(seq 1 "$KILLS"); do
    sleep "$SECONDS_PER_ROUND"
    log "round $round: SIGKILL gateway (pid $GW_PID) after $(wc -l < "$ANSWERED") answers"
    kill -9 "$GW_PID"
    wait "$GW_PID" 2>/dev/null || true
    start_gateway
    log "round $round: gateway restarted (pid $GW_PID)"
done
sleep "$SECONDS_PER_ROUND"  # load against the restarted gateway too
kill -TERM "$LOAD_PID" 2>/dev/null || true
wait "$LOAD_PID" 2>/dev/null || true
LOAD_PID=""
log "load finished: $(wc -l < "$ANSWERED") answered requests"
kill -TERM "$GW_PID"
wait "$GW_PID" 2>/dev/null || true
GW_PID=""

curl -sf "http://127.0.0.1:$MOCK_PORT/mock/requests" > "$WORK/upstream.json" || fail "cannot read the mock's requests"

status=0
"$BIN" audit verify --db "$DB" --public-key "$WORK/public.key" || status=1
"$BIN" audit export --db "$DB" --format jsonl > "$WORK/export.jsonl"
python3 "$HERE/crash_check.py" --upstream "$WORK/upstream.json" "$WORK/export.jsonl" "$ANSWERED" || status=1
python3 - "$ANSWERED" <<'PY' || status=1
import collections, json, sys
codes = collections.Counter()
for l in open(sys.argv[1]):
    try:
        codes[json.loads(l)["status"]] += 1
    except ValueError:
        pass
print("[crash] answers by status:", dict(sorted(codes.items())))
sys.exit(0 if codes.get(200, 0) > 0 else 1)  # the test must exercise forwarded requests
PY
if [ $status = 0 ]; then log PASS; else log "FAIL (work dir $WORK)"; KEEP_WORK=1; fi
exit $status
