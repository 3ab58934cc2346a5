"""bench/mcp: what the MCP gateway costs per call. The mock upstream's MCP server answers directly and through
/mcp/mock (stateless revision 2026-07-28, so wrk can send every request alone); wrk -t2 -c16 per case.
Prints Markdown: req/s, p50, p99 (ms), errors and the gateway's CPU per call."""
import argparse
import base64
import json
import os
import re
import string
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from targets import GATEWAY_DIR, REPO, cpu_seconds, free_port, tree_pids, wait_http  # noqa: E402

import jwt  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402

VERSION = "2026-07-28"
META = {"io.modelcontextprotocol/protocolVersion": VERSION, "io.modelcontextprotocol/clientCapabilities": {}}


def body(method, params):
    return json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": {**params, "_meta": META}}).encode()


CASES = [
    ("tools/list", body("tools/list", {}), {"Mcp-Method": "tools/list"}),
    ("tools/call word_count", body("tools/call", {"name": "word_count", "arguments": {"text": "one two three four"}}),
     {"Mcp-Method": "tools/call", "Mcp-Name": "word_count"}),
    ("tools/call lookup_order (result redacted)", body("tools/call", {"name": "lookup_order", "arguments": {"order_id": "A-1"}}),
     {"Mcp-Method": "tools/call", "Mcp-Name": "lookup_order"}),
]


def wrk(url, payload, headers, duration, work, pids):
    body_file = work / "body.json"
    body_file.write_bytes(payload)
    env = dict(os.environ, BENCH_BODY=str(body_file), BENCH_HEADERS="\n".join(f"{k}: {v}" for k, v in headers.items()))
    cpu0 = cpu_seconds(pids)
    out = subprocess.run(["wrk", "-t2", "-c16", f"-d{duration}s", "-s", str(Path(__file__).with_name("wrk_post.lua")), url],
                         env=env, capture_output=True, text=True, timeout=duration + 60)
    cpu = cpu_seconds(pids) - cpu0
    m = re.search(r"BENCH_JSON (\{.*\})", out.stdout)
    if not m:
        raise RuntimeError(out.stdout + out.stderr)
    j = json.loads(m.group(1))
    errors = j["non2xx"] + j["connect"] + j["read"] + j["write"] + j["timeout"]
    good = max(1, j["requests"] - j["non2xx"])
    return {"rps": j["requests"] / (j["duration_us"] / 1e6), "p50": j["p50_us"] / 1000, "p99": j["p99_us"] / 1000,
            "errors": errors, "cpu_us": cpu / good * 1e6}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--profile", action="store_true", help="perf profile of the gateway under the tools/call load")
    a = ap.parse_args()
    duration = 2 if a.smoke else a.duration
    work = Path(a.work)
    key = ec.generate_private_key(ec.SECP256R1())
    jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key()))
    jwk.update({"kid": "bench", "alg": "ES256", "use": "sig"})
    (work / "jwks.json").write_text(json.dumps({"keys": [jwk]}))
    upstream_key = "bench-upstream-key"
    env = dict(os.environ, BENCH_UPSTREAM_KEY=upstream_key, BENCH_AUDIT_KEY=base64.b64encode(os.urandom(32)).decode())
    mock_port, port = free_port(), free_port()
    logs = open(work / "processes.log", "w")
    mock = subprocess.Popen([a.bin, "mock-upstream", "--port", str(mock_port), "--api-key", "env:BENCH_UPSTREAM_KEY",
                             "--mcp-token", "env:BENCH_UPSTREAM_KEY"], env=env, stdout=logs, stderr=subprocess.STDOUT)
    cfg = work / "portcullis-mcp.yaml"
    cfg.write_text(string.Template((GATEWAY_DIR / "mcp.yaml").read_text()).substitute(
        port=port, mock_port=mock_port, work=work, repo=REPO))
    gateway = None
    try:
        wait_http(f"http://127.0.0.1:{mock_port}/healthz", mock, 30)
        gateway = subprocess.Popen([a.bin, "serve", "--config", str(cfg)], env=env, stdout=logs, stderr=subprocess.STDOUT)
        wait_http(f"http://127.0.0.1:{port}/healthz", gateway, 60)
        now = int(time.time())
        token = jwt.encode({"iss": "https://idp.bench.test", "sub": "bench", "aud": f"http://127.0.0.1:{port}/mcp/mock",
                            "iat": now, "nbf": now, "exp": now + 3600, "groups": ["staff"], "client_id": "bench"},
                           key, algorithm="ES256", headers={"kid": "bench", "typ": "at+jwt"})
        common = {"Accept": "application/json, text/event-stream", "MCP-Protocol-Version": VERSION}
        if a.profile:
            name, payload, headers = CASES[1]
            perf = subprocess.Popen(["perf", "record", "-F", "999", "-g", "-o", str(work / "perf.data"), "-p", str(gateway.pid)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wrk(f"http://127.0.0.1:{port}/mcp/mock", payload, {**common, **headers, "Authorization": f"Bearer {token}"},
                duration, work, tree_pids(gateway.pid))
            perf.send_signal(2)
            perf.wait(60)
            report = subprocess.run(["perf", "report", "-i", str(work / "perf.data"), "--no-children", "--sort", "dso,symbol",
                                     "--stdio", "--percent-limit", "0.7"], capture_output=True, text=True)
            print("\n".join(line for line in report.stdout.splitlines() if line.strip() and not line.startswith("#") and "--" not in line)[:12000])
            return
        rows = []
        for name, payload, headers in CASES:
            direct = wrk(f"http://127.0.0.1:{mock_port}/mcp", payload, {**common, **headers, "Authorization": f"Bearer {upstream_key}"},
                         duration, work, [mock.pid])
            via = wrk(f"http://127.0.0.1:{port}/mcp/mock", payload, {**common, **headers, "Authorization": f"Bearer {token}"},
                      duration, work, tree_pids(gateway.pid))
            rows.append((name, direct, via))
        print(f"\nMCP gateway, stateless {VERSION}, wrk -t2 -c16 -d{duration}s, binary {a.bin}\n")
        print("| call | direct req/s | direct p50 / p99 ms | via gateway req/s | via p50 / p99 ms | gateway CPU per call | errors |")
        print("|---|---|---|---|---|---|---|")
        for name, d, v in rows:
            print(f"| {name} | {d['rps']:,.0f} | {d['p50']:.2f} / {d['p99']:.2f} | {v['rps']:,.0f} | {v['p50']:.2f} / {v['p99']:.2f} "
                  f"| {v['cpu_us']:,.0f} µs | {d['errors'] + v['errors']} |")
        if any(d["errors"] or v["errors"] for _, d, v in rows):
            sys.exit(1)
    finally:
        for p in (gateway, mock):
            if p and p.poll() is None:
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()


if __name__ == "__main__":
    main()
