#!/usr/bin/env bash
# Throughput and latency of the mock upstream itself (the baseline of the gateway benchmarks), per API.
# For each scenario wrk runs 2 threads × 50 connections (max throughput) and 1 connection (unloaded
# latency). Prints a markdown table. No thresholds: numbers move ±20% with other load on the machine.
#   bench/mock-upstream.sh [--bin PATH] [--duration 5s] [--record-limit N]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
bin="$repo/.build/release/portcullis"
duration=5s
record=0
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) bin="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --record-limit) record="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 1; }
if [ ! -x "$bin" ]; then
  swift build -c release --package-path "$repo" --product portcullis >&2
fi
work="$(mktemp -d)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" mock-upstream --port "$port" --record-limit "$record" > "$work/mock.log" 2>&1 &
mock=$!
trap 'kill $mock 2>/dev/null; wait $mock 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
system = "You are a careful assistant for the finance team. " * 20          # ~1 KB
history = "Summarise the quarterly figures for the board, briefly. " * 18   # ~1 KB
def chat(last, stream=False):
    return {"model": "mock-gpt", "stream": stream, "messages": [
        {"role": "system", "content": system}, {"role": "user", "content": history},
        {"role": "assistant", "content": "Here is the summary."}, {"role": "user", "content": last}]}
bodies = {
    "chat": chat("#lorem 60"),
    "chat-stream": chat("#lorem 60", stream=True),
    "responses": {"model": "mock-gpt", "instructions": system, "input": history + " #lorem 60"},
    "responses-stream": {"model": "mock-gpt", "stream": True, "input": "#lorem 60"},
    "messages-stream": {"model": "mock-claude", "max_tokens": 1000, "stream": True,
                        "messages": [{"role": "user", "content": "#lorem 60"}]},
    "embeddings": {"model": "mock-embedding", "input": history, "encoding_format": "base64"},
}
for name, body in bodies.items():
    with open(f"{work}/{name}.json", "w") as f:
        json.dump(body, f)
PY

lua="$repo/bench/lib/wrk_post.lua"
run() {  # scenario path threads connections → BENCH_JSON line
  headers=""
  case "$2" in /v1/messages*) headers="anthropic-version: 2023-06-01" ;; esac  # required, as by the real API
  BENCH_BODY="$work/$1.json" BENCH_HEADERS="$headers" wrk -t"$3" -c"$4" -d"$duration" -s "$lua" "http://127.0.0.1:$port$2" \
    | grep '^BENCH_JSON' | sed 's/^BENCH_JSON //'
}
echo "| scenario | route | RPS (2×50 conns) | p50 / p99 ms (50 conns) | p50 / p99 ms (1 conn) | non-2xx |"
echo "|---|---|---|---|---|---|"
for spec in "chat /v1/chat/completions" "chat-stream /v1/chat/completions" "responses /v1/responses" \
            "responses-stream /v1/responses" "messages-stream /v1/messages" "embeddings /v1/embeddings"; do
  set -- $spec
  loaded=$(run "$1" "$2" 2 50)
  single=$(run "$1" "$2" 1 1)
  python3 - "$1" "$2" "$loaded" "$single" <<'PY'
import json, sys
name, route, loaded, single = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4])
rps = loaded["requests"] / (loaded["duration_us"] / 1e6)
ms = lambda us: f"{us / 1000:.2f}"
bad = loaded["non2xx"] + single["non2xx"] + loaded["read"] + loaded["timeout"]
print(f"| {name} | {route} | {rps:,.0f} | {ms(loaded['p50_us'])} / {ms(loaded['p99_us'])} | "
      f"{ms(single['p50_us'])} / {ms(single['p99_us'])} | {bad} |")
PY
done
echo
echo "mock: $bin, record-limit $record, ${duration} per run; chat bodies ~2.2 KB, replies '#lorem 60' (~380 chars, 95 deltas of 4 chars); embeddings 1536-d base64"
