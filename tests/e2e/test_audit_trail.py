"""Issue 5 through the real binary: concurrent requests of every outcome leave exactly one complete trail
each, with the right outcome, and `audit verify` passes; the settled cost is recorded; `fail_mode` closed
refuses with 503 and forwards nothing when the store cannot take a begin record, `open` forwards, logs and
counts. Trails are read back with `portcullis audit export` / `audit show`, never from gateway internals."""
import concurrent.futures
import json
import socket
import sqlite3
import struct
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest
import requests

from conftest import BIN, Stack

POLICIES = """
@id("models-list") permit(principal, action == Action::"models.list", resource is Model);
@id("general-use") @max_tokens("512")
permit(principal, action in Action::"inference", resource is Model) unless { principal in Group::"strict" };
@id("strict-use") @guardrails("strict")
permit(principal in Group::"strict", action in Action::"inference", resource is Model);
@id("restricted-admins-only")
forbid(principal, action in Action::"inference", resource == Model::"restricted-model") unless { principal in Group::"admins" };
"""
LIMITS = """  rate_limits:
    - {scope: group, match: throttled, requests_per_minute: 1}
  cache:
    enabled: true
"""
AWS_KEY = "AKIAJ4XH7QNZ2LM5PB3R"


class AuditStack(Stack):
    """The shared harness with extra `audit:` keys."""

    def __init__(self, work, audit="", **kw):
        self.audit_extra = audit
        super().__init__(work, **kw)

    def config(self):
        return super().config().replace("audit:\n  path: audit.sqlite\n", "audit:\n  path: audit.sqlite\n" + self.audit_extra)


def make_stack(prefix, audit="", limits=LIMITS):
    work = Path(tempfile.mkdtemp(prefix=prefix))
    (work / "trail.cedar").write_text(POLICIES)
    return AuditStack(work, audit=audit, policies=work / "trail.cedar", limits=limits)


def export(stack):
    out = subprocess.run([BIN, "audit", "export", "--db", str(stack.db), "--format", "jsonl"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return [json.loads(l) for l in out.stdout.splitlines()]


def post(stack, kind, body, token=None, path="/v1/chat/completions", **kw):
    rid = f"{kind}-{uuid.uuid4().hex[:12]}"
    headers = {"x-request-id": rid, "content-type": "application/json"}
    if token:
        headers["authorization"] = "Bearer " + token
    r = requests.post(stack.base + path, headers=headers, data=body if isinstance(body, (bytes, str)) else json.dumps(body),
                      timeout=30, **kw)
    return rid, r


def chat_body(text, model="gpt-test", **extra):
    return {"model": model, "messages": [{"role": "user", "content": text}], **extra}


# kind -> (expected HTTP status, outcome, phases, principal recorded)
EXPECTED = {
    "ok": (200, "allowed", ["begin", "end"], True),
    "stream": (200, "allowed", ["begin", "end"], True),
    "unauth": (401, "refused_auth", ["complete"], False),
    "forbidden": (403, "refused_policy", ["complete"], True),
    "throttled": (429, "refused_limit", ["complete"], True),
    "blocked": (400, "blocked_guardrail", ["complete"], True),
    "upstream5xx": (500, "upstream_error", ["begin", "end"], True),
    "timeout": (504, "timeout", ["begin", "end"], True),
    "disconnect": (200, "client_disconnect", ["begin", "end"], True),
    "cachehit": (200, "cache_hit", ["complete"], True),
    "toolarge": (413, "invalid_request", ["complete"], True),  # authenticated before the body is read
    "noroute": (404, "invalid_request", ["complete"], False),
    "badjson": (400, "invalid_request", ["complete"], True),
}


class Seen:
    """What a client that hung up saw: the status line and headers."""

    def __init__(self, status_code, headers):
        self.status_code, self.headers, self.text = status_code, headers, ""


def disconnect_mid_stream(stack, token):
    """Starts a slow stream over a raw socket, reads the head and the first event, then resets the connection."""
    rid = f"disconnect-{uuid.uuid4().hex[:12]}"
    body = json.dumps(chat_body("#lorem 200", model="slow-stream", stream=True)).encode()
    head = (f"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:{stack.port}\r\nAuthorization: Bearer {token}\r\n"
            f"x-request-id: {rid}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", stack.port), timeout=30) as sock:
        sock.sendall(head + body)
        got = b""
        while b"data:" not in got:
            chunk = sock.recv(4096)
            assert chunk, "the gateway closed the stream before its first event"
            got += chunk
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # RST on close
    lines = got.split(b"\r\n\r\n", 1)[0].decode().split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:])}
    return rid, Seen(int(lines[0].split()[1]), headers)


def one_request(stack, kind, tokens):
    t = tokens["staff"]
    unique = uuid.uuid4().hex  # distinct bodies: only the cache-hit kind may be served from the cache
    if kind == "ok":
        return post(stack, kind, chat_body("hello " + unique), t)
    if kind == "stream":
        rid, r = post(stack, kind, chat_body("#lorem 5 " + unique, stream=True), t, stream=True)
        r.content  # read it all
        return rid, r
    if kind == "unauth":
        return post(stack, kind, chat_body("hello"), "not-a-token")
    if kind == "forbidden":
        return post(stack, kind, chat_body("hello", model="restricted-model"), t)
    if kind == "throttled":
        return post(stack, kind, chat_body("hello"), tokens["throttled"])
    if kind == "blocked":
        return post(stack, kind, chat_body(f"deploy with {AWS_KEY} please"), tokens["strict"])
    if kind == "upstream5xx":
        return post(stack, kind, chat_body("hello", model="error-model"), t)
    if kind == "timeout":
        return post(stack, kind, chat_body("hello", model="slow-model"), t)
    if kind == "disconnect":
        return disconnect_mid_stream(stack, t)
    if kind == "cachehit":
        return post(stack, kind, chat_body("the cached question"), tokens["cacher"])
    if kind == "toolarge":
        return post(stack, kind, chat_body("x" * 70_000), t)
    if kind == "noroute":
        return post(stack, kind, chat_body("hello"), t, path="/v1/no-such-route")
    if kind == "badjson":
        return post(stack, kind, b'{"model": "gpt-test", "messages": [', t)
    raise AssertionError(kind)


def test_concurrent_requests_of_every_outcome_leave_exactly_one_complete_trail_each():
    stack = make_stack("portcullis-trails-")
    try:
        tokens = {"staff": stack.token("trail-user"), "throttled": stack.token("throttled-user", groups=["throttled"]),
                  "strict": stack.token("strict-user", groups=["strict"]), "cacher": stack.token("cache-user")}
        public_key = requests.get(stack.base + "/audit/public-key", timeout=5).text
        # Prime: the group's one request per minute, and the answer the cache hits will replay.
        primed = [post(stack, "ok", chat_body("hello"), tokens["throttled"]),
                  post(stack, "ok", chat_body("the cached question"), tokens["cacher"])]
        assert [r.status_code for _, r in primed] == [200, 200]
        assert primed[1][1].headers["x-portcullis-cache"] == "miss"
        per_kind = 8
        jobs = [k for k in EXPECTED for _ in range(per_kind)]
        with concurrent.futures.ThreadPoolExecutor(max_workers=48) as pool:
            sent = list(pool.map(lambda k: (k, *one_request(stack, k, tokens)), jobs))
        for kind, rid, r in sent:
            assert r.status_code == EXPECTED[kind][0], (kind, r.status_code, r.text[:200])
            assert r.headers["x-request-id"] == rid
            if kind == "cachehit":
                assert r.headers["x-portcullis-cache"] == "hit"
        # Let the provider side settle (the disconnected streams are cancelled upstream).
        deadline = time.time() + 20
        while time.time() < deadline and any(e["outcome"] == "in_progress" for e in stack.mock_requests()):
            time.sleep(0.2)
        received = [e["headers"].get("x-request-id") for e in stack.mock_requests()]
    finally:
        stack.stop()  # graceful: waits for end records still being written

    (stack.work / "public.key").write_text(public_key)
    v = subprocess.run([BIN, "audit", "verify", "--db", str(stack.db), "--public-key", str(stack.work / "public.key")],
                       capture_output=True, text=True, timeout=60)
    assert v.returncode == 0, v.stdout + v.stderr
    records = export(stack)
    trails = {}
    for r in records:
        trails.setdefault(r["trail_id"], []).append(r)
    by_request = {}
    for tid, rs in trails.items():
        assert len({r["request_id"] for r in rs}) == 1
        by_request.setdefault(rs[0]["request_id"], []).append(rs)
    # Exactly one trail per request the gateway saw, and nothing else.
    missing = sorted({kind for kind, rid, _ in sent if rid not in by_request})
    assert missing == [], missing
    assert len(trails) == len(sent) + len(primed)
    for kind, rid, _ in sent:
        status, outcome, phases, has_principal = EXPECTED[kind]
        assert len(by_request.get(rid, [])) == 1, (kind, rid)
        rs = by_request[rid][0]
        assert [r["phase"] for r in rs] == phases, (kind, rid, [r["phase"] for r in rs])
        last = rs[-1]
        assert last["outcome"] == outcome, (kind, last)
        assert last["status"] == status, (kind, last)
        assert ("principal" in rs[0]) == has_principal, (kind, rs[0])
        if kind in ("toolarge", "noroute"):
            assert last["refusal_reason"] == {"toolarge": "request_too_large", "noroute": "unknown_url"}[kind]
    # Every request the provider received had a durable begin record.
    begun = {r["request_id"] for r in records if r["phase"] == "begin"}
    assert received and all(rid in begun for rid in received)
    forwarded_kinds = {k for k, (_, _, phases, _) in EXPECTED.items() if phases[0] == "begin"}
    assert {rid.split("-")[0] for rid in received} == forwarded_kinds | {"ok"}


def test_settled_cost_and_currency_are_recorded():
    stack = make_stack("portcullis-cost-")
    try:
        rid, r = post(stack, "priced", chat_body("what does this cost?", model="priced-model"), stack.token("payer"))
        assert r.status_code == 200
        usage = r.json()["usage"]
        rid_free, r_free = post(stack, "free", chat_body("no price", model="gpt-test"), stack.token("payer"))
        rid_hit, hit = post(stack, "free-again", chat_body("no price", model="gpt-test"), stack.token("payer"))
        assert hit.headers["x-portcullis-cache"] == "hit"
        rid_hit2, hit2 = post(stack, "priced-again", chat_body("what does this cost?", model="priced-model"), stack.token("payer"))
        assert hit2.headers["x-portcullis-cache"] == "hit"
        rid_err, err = post(stack, "failed", chat_body("x", model="error-model"), stack.token("payer"))
        assert err.status_code == 500
    finally:
        stack.stop()
    last = {r["request_id"]: r for r in export(stack) if r["phase"] in ("end", "complete")}
    priced = last[rid]
    # priced-model: 1000 per million tokens in and out.
    expected = (usage["prompt_tokens"] + usage["completion_tokens"]) * 1000 / 1e6
    assert priced["usage"] == {"inputTokens": usage["prompt_tokens"], "outputTokens": usage["completion_tokens"]}
    assert priced["cost"] == pytest.approx(expected, abs=1e-9) and priced["cost"] > 0
    assert priced["currency"] == "USD"
    assert last[rid_free]["cost"] == 0 and last[rid_free]["currency"] == "USD"   # model without a price
    assert last[rid_hit2]["cost"] == 0                                          # a cache hit bills nothing
    assert "cost" not in last[rid_err] and "currency" not in last[rid_err]      # nothing settled


def break_store(db):
    """Makes the audit store refuse every new record, as a full disk would (from outside the gateway)."""
    with sqlite3.connect(db, timeout=10) as c:
        c.execute("CREATE TRIGGER no_writes BEFORE INSERT ON records BEGIN SELECT RAISE(FAIL, 'disk full'); END")


def repair_store(db):
    with sqlite3.connect(db, timeout=10) as c:
        c.execute("DROP TRIGGER no_writes")


def test_fail_mode_closed_refuses_with_503_and_forwards_nothing():
    stack = make_stack("portcullis-failclosed-", audit="  fail_mode: closed\n")
    try:
        token = stack.token("closed-user")
        assert post(stack, "before", chat_body("hello"), token)[1].status_code == 200   # now cached
        break_store(stack.db)
        stack.clear_mock()
        for body in (chat_body("new question"), chat_body("new streamed question", stream=True),
                     chat_body("hello")):   # the last one is a cache hit: no answer without its record either
            rid, r = post(stack, "refused", body, token)
            assert r.status_code == 503, r.text
            assert r.json()["error"]["code"] == "control_unavailable" and "audit" in r.json()["error"]["message"]
        assert stack.mock_requests() == []                       # nothing reached the provider
        metrics = requests.get(stack.base + "/metrics", timeout=5).text
        assert 'portcullis_audit_write_failures_total{phase="begin"}' in metrics
        repair_store(stack.db)
        assert post(stack, "after", chat_body("hello"), token)[1].status_code == 200   # recovers without restart
    finally:
        stack.stop()
    v = subprocess.run([BIN, "audit", "verify", "--db", str(stack.db)], capture_output=True, text=True, timeout=60)
    assert v.returncode == 0, v.stdout + v.stderr
    # The refusals' own records could not be written while the store was broken; they were retried in the
    # background and written once it was repaired: nothing forwarded, nothing lost.
    refused = [r for r in export(stack) if r["request_id"].startswith("refused-")]
    assert len(refused) == 3
    assert all(r["phase"] == "complete" and r["outcome"] == "control_unavailable" for r in refused)


def test_fail_mode_open_forwards_logs_loudly_and_counts():
    stack = make_stack("portcullis-failopen-", audit="  fail_mode: open\n")
    try:
        token = stack.token("open-user")
        break_store(stack.db)
        stack.clear_mock()
        rid, r = post(stack, "unrecorded", chat_body("hello"), token)
        assert r.status_code == 200
        assert [e["headers"].get("x-request-id") for e in stack.mock_requests()] == [rid]   # forwarded
        metrics = requests.get(stack.base + "/metrics", timeout=5).text
        assert 'portcullis_audit_write_failures_total{phase="begin"}' in metrics
        deadline = time.time() + 5
        while time.time() < deadline and "audit.fail_mode is open" not in (stack.work / "gateway.log").read_text():
            time.sleep(0.1)
        log = [json.loads(l) for l in (stack.work / "gateway.log").read_text().splitlines() if l.startswith("{")]
        loud = [l for l in log if "forwarding anyway because audit.fail_mode is open" in l.get("message", "")]
        assert loud and loud[0]["level"] in ("critical", "CRITICAL") and loud[0].get("request_id") == rid
        repair_store(stack.db)
    finally:
        stack.stop()
