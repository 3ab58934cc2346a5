"""Streaming the audit trail to a SIEM through the real binary: `audit.streams` with a syslog collector over TLS
(RFC 5425 octet-counted RFC 5424 messages, OCSF JSON in MSG) and an HTTPS JSON-lines collector with a bearer token.
Both receivers are written here with Python's `ssl` module and a CA made per session. Every record of the trail
(`portcullis audit export`) arrives; a collector outage loses nothing and the backlog is caught up; a restarted
gateway resumes from its cursor; /readyz and /metrics report each stream; nothing of a prompt or a token leaves."""
import http.server
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests

from conftest import BIN, UPSTREAM_KEY, free_port, wait_ready
from test_audit_trail import POLICIES, AuditStack, chat_body, export, post
from test_mtls import make_ca, make_leaf

TOKEN = "siem-bearer-" + uuid.uuid4().hex
REFUSALS = {"refused_auth", "refused_policy", "refused_limit", "blocked_guardrail", "refused_integrity"}
# <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [meta sequenceId="N"] MSG
RFC5424 = re.compile(rb'^<(\d{1,3})>1 (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?Z) ([!-~]{1,255}) (portcullis) (\d+) '
                     rb'(begin|end|complete|aborted) \[meta sequenceId="(\d+)"\] (\{.*\})$', re.S)


class SyslogReceiver:
    """A TLS syslog collector: reads octet-counted frames (`LEN SP MSG`) and keeps every message."""

    def __init__(self, cert, key, port=None):
        self.port = port or free_port()
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert, key)
        self.messages = []  # raw MSG bytes of every frame, in arrival order
        self.lock = threading.Lock()
        self.running = False

    def start(self):
        self.running = True
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen()
        self.listener.settimeout(0.1)
        self.connections = []
        self.threads = [threading.Thread(target=self._accept, daemon=True)]
        self.threads[0].start()
        return self

    def _accept(self):
        while self.running:
            try:
                conn, _ = self.listener.accept()
            except (socket.timeout, OSError):
                continue
            t = threading.Thread(target=self._read, args=(conn,), daemon=True)
            self.threads.append(t)
            t.start()

    def _read(self, conn):
        conn.settimeout(10)
        try:
            tls = self.context.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError):
            conn.close()
            return
        self.connections.append(tls)
        tls.settimeout(0.1)
        buf = b""
        while self.running:
            try:
                data = tls.recv(65536)
            except (socket.timeout, ssl.SSLWantReadError):
                continue
            except (ssl.SSLError, OSError):
                break
            if not data:
                break
            buf += data
            while True:
                space = buf.find(b" ")
                if space < 0:
                    break
                assert buf[:space].isdigit(), f"not an octet count: {buf[:40]!r}"
                length = int(buf[:space])
                if len(buf) < space + 1 + length:
                    break
                with self.lock:
                    self.messages.append(buf[space + 1:space + 1 + length])
                buf = buf[space + 1 + length:]

    def stop(self):
        """Goes away like a crashed collector: listener closed, connections cut without a TLS goodbye."""
        self.running = False
        for t in self.threads:
            t.join(timeout=5)
        self.listener.close()
        for c in self.connections:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            c.close()

    def parsed(self):
        with self.lock:
            raw = list(self.messages)
        out = []
        for m in raw:
            match = RFC5424.match(m)
            assert match, f"not an RFC 5424 message of ours: {m[:200]!r}"
            pri, ts, host, app, procid, msgid, seq, msg = match.groups()
            assert all(b < 0x80 for b in msg), "MSG is ASCII JSON"
            out.append({"pri": int(pri), "time": ts.decode(), "host": host.decode(), "procid": int(procid),
                        "msgid": msgid.decode(), "seq": int(seq), "event": json.loads(msg), "raw": m})
        return out

    def sequences(self):
        return {m["seq"] for m in self.parsed()}


class LinesCollector(http.server.ThreadingHTTPServer):
    """An HTTPS JSON-lines intake: answers 503 and then a redirect to the first two batches, 200 after."""

    def __init__(self, cert, key):
        super().__init__(("127.0.0.1", 0), LinesHandler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.socket = context.wrap_socket(self.socket, server_side=True)
        self.port = self.server_address[1]
        self.script = [503, 307]
        self.requests = []  # (path, status answered, headers, body)
        self.events = []
        self.lock = threading.Lock()
        threading.Thread(target=self.serve_forever, daemon=True).start()


class LinesHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        server = self.server
        with server.lock:
            status = server.script.pop(0) if server.script else 200
            if self.headers.get("authorization") != "Bearer " + TOKEN:
                status = 401
            server.requests.append((self.path, status, dict(self.headers), body))
            if status == 200:
                server.events += [json.loads(line) for line in body.decode().split("\n")[:-1]]
        self.send_response(status)
        if status == 307:
            self.send_header("location", "/elsewhere")
        self.send_header("content-length", "0")
        self.end_headers()


@pytest.fixture(scope="module")
def siem():
    work = Path(tempfile.mkdtemp(prefix="portcullis-siem-"))
    make_ca(work, "siem-ca")
    cert, key = make_leaf(work, "collector", "siem-ca", "IP:127.0.0.1,DNS:localhost", server=True)
    syslog = SyslogReceiver(cert, key).start()
    lines = LinesCollector(cert, key)
    (work / "trail.cedar").write_text(POLICIES)
    audit = f"""  streams:
    - name: soc
      kind: syslog
      address: 127.0.0.1:{syslog.port}
      tls: {{ca_file: {work / 'siem-ca.pem'}}}
      batch_records: 7
      retry_max_seconds: 1
    - name: lake
      kind: https
      url: https://127.0.0.1:{lines.port}/intake
      bearer: env:E2E_SIEM_TOKEN
      ca_file: {work / 'siem-ca.pem'}
      retry_max_seconds: 1
"""
    stack = AuditStack(work, audit=audit, policies=work / "trail.cedar", extra_env={"E2E_SIEM_TOKEN": TOKEN})
    stack.syslog, stack.lines, stack.work = syslog, lines, work
    yield stack
    stack.stop()
    syslog.stop()
    lines.shutdown()


def wait_for(what, condition, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out: {what}")


def settled_head(stack):
    """The last sequence once every trail begun has its end (an end record is written just after its answer)."""
    records = []

    def closed():
        records[:] = export(stack)
        begun = {r["trail_id"] for r in records if r["phase"] == "begin"}
        return begun <= {r["trail_id"] for r in records if r["phase"] in ("end", "aborted")}

    wait_for("every trail closed", closed)
    return max(r["sequence"] for r in records)


def metric(stack, name, stream):
    text = requests.get(stack.base + "/metrics", timeout=5).text
    m = re.search(rf'^{name}\{{stream="{stream}"\}} (\S+)$', text, re.M)
    return float(m.group(1)) if m else None


def some_requests(stack, n, prefix="siem"):
    token = stack.token("siem-user")
    statuses = []
    for i in range(n):
        statuses.append(post(stack, prefix, chat_body(f"hello {i} {uuid.uuid4().hex}"), token)[1].status_code)
    return statuses


def test_every_record_reaches_the_syslog_collector_as_rfc5424_with_its_ocsf_event(siem):
    token = siem.token("siem-user")
    assert post(siem, "ok", chat_body("hello"), token)[1].status_code == 200
    assert post(siem, "forbidden", chat_body("hello", model="restricted-model"), token)[1].status_code == 403
    assert post(siem, "unauth", chat_body("hello"), "not-a-token")[1].status_code == 401
    _, r = post(siem, "stream", chat_body("#lorem 5", stream=True), token, stream=True)
    r.content
    settled_head(siem)
    records = {r["sequence"]: r for r in export(siem)}
    wait_for("every record over syslog", lambda: set(records) <= siem.syslog.sequences())

    ocsf = subprocess.run([BIN, "audit", "export", "--db", str(siem.db), "--format", "ocsf"], capture_output=True, text=True, timeout=60)
    exported = {e["metadata"]["sequence"]: e for e in map(json.loads, ocsf.stdout.splitlines())}
    for m in siem.syslog.parsed():
        record = records.get(m["seq"])
        if record is None:
            continue  # written after the export above
        assert m["msgid"] == record["phase"]
        assert m["procid"] == siem.gateway.pid
        assert m["time"] == record["time"]
        refusal = record.get("outcome") in REFUSALS
        assert m["pri"] == 13 * 8 + (4 if refusal else 6), (m["pri"], record.get("outcome"))
        event = m["event"]
        assert event["class_uid"] == 6003
        assert event["metadata"]["sequence"] == m["seq"]
        assert event["metadata"]["uid"] == record["record_hash"]
        assert event["unmapped"]["phase"] == record["phase"]
        if record["phase"] == "begin":
            assert event["status"] == "Unknown"
        else:
            # The same event `audit export --format ocsf` prints: one translation.
            assert event == exported[m["seq"]]
    outcomes = {records[m["seq"]].get("outcome") for m in siem.syslog.parsed() if m["seq"] in records}
    assert {"allowed", "refused_policy", "refused_auth"} <= outcomes


def test_a_collector_outage_loses_nothing_and_the_backlog_is_caught_up(siem):
    wait_for("caught up before the outage", lambda: metric(siem, "portcullis_audit_stream_backlog_records", "soc") == 0)
    sent_before = metric(siem, "portcullis_audit_stream_records_sent_total", "soc")
    siem.syslog.stop()
    # The gateway keeps answering; the records wait in the store.
    assert some_requests(siem, 6, "outage") == [200] * 6
    wait_for("backlog grows", lambda: (metric(siem, "portcullis_audit_stream_backlog_records", "soc") or 0) >= 12)
    wait_for("failures counted", lambda: (metric(siem, "portcullis_audit_stream_send_failures_total", "soc") or 0) >= 1)
    ready = requests.get(siem.base + "/readyz", timeout=5).json()
    assert ready["checks"]["audit_stream:soc"] == "ok"  # behind, but neither past max_backlog_records nor stalled for long

    siem.syslog = SyslogReceiver(siem.work / "collector.crt", siem.work / "collector.key", port=siem.syslog.port).start()
    head = settled_head(siem)
    wait_for("backlog caught up", lambda: metric(siem, "portcullis_audit_stream_backlog_records", "soc") == 0)
    # No gap: every record since the cursor at the outage arrived on the new connection (duplicates allowed).
    got = siem.syslog.sequences()
    first = min(got)
    assert set(range(first, head + 1)) <= got
    assert first <= head - 11
    assert metric(siem, "portcullis_audit_stream_records_sent_total", "soc") >= sent_before + 12
    assert metric(siem, "portcullis_audit_stream_last_success_timestamp_seconds", "soc") > time.time() - 60
    assert metric(siem, "portcullis_audit_stream_lease_held", "soc") == 1


def test_the_https_collector_gets_json_lines_with_the_bearer_and_failed_batches_again(siem):
    some_requests(siem, 2, "lake")
    head = settled_head(siem)
    wait_for("every record over https", lambda: set(range(1, head + 1)) <= {e["metadata"]["sequence"] for e in siem.lines.events})
    reqs = siem.lines.requests
    # The 503 and the redirect were not acknowledgements: the batch came again (with what was committed
    # meanwhile); the redirect was not followed.
    assert [status for _, status, _, _ in reqs[:3]] == [503, 307, 200]
    assert reqs[2][3].startswith(reqs[1][3]) and reqs[1][3].startswith(reqs[0][3])
    assert json.loads(reqs[0][3].split(b"\n")[0])["metadata"]["sequence"] == 1
    assert all(path == "/intake" for path, _, _, _ in reqs)
    for path, status, headers, body in reqs:
        assert headers["authorization"] == "Bearer " + TOKEN
        assert headers["content-type"] == "application/x-ndjson"
        assert body.endswith(b"\n")
        for line in body.decode().split("\n")[:-1]:
            assert json.loads(line)["class_uid"] == 6003
    sequences = [e["metadata"]["sequence"] for e in siem.lines.events]
    assert sequences == sorted(sequences)  # in order, each batch once it was accepted
    assert metric(siem, "portcullis_audit_stream_backlog_records", "lake") == 0
    assert requests.get(siem.base + "/readyz", timeout=5).json()["checks"]["audit_stream:lake"] == "ok"


def test_nothing_of_the_prompt_or_the_tokens_is_streamed(siem):
    canary = "zebra-canary-" + uuid.uuid4().hex
    token = siem.token("siem-user")
    assert post(siem, "canary", chat_body(f"my secret plan is {canary}"), token)[1].status_code == 200
    head = settled_head(siem)
    wait_for("streamed", lambda: head in siem.syslog.sequences() and head in {e["metadata"]["sequence"] for e in siem.lines.events})
    with siem.syslog.lock:
        syslog_bytes = b"".join(siem.syslog.messages)
    https_bytes = b"".join(body for _, _, _, body in siem.lines.requests)
    for secret in (canary, token, TOKEN):
        assert secret.encode() not in syslog_bytes
        assert secret.encode() not in https_bytes
    assert TOKEN not in (siem.work / "gateway.log").read_text()
    # Hash mode: the record has the body's digest, which is what is streamed.
    event = next(m["event"] for m in siem.syslog.parsed() if m["seq"] == head)
    assert event["unmapped"]["content"]["mode"] == "hash"


def test_a_restarted_gateway_resumes_from_its_cursor(siem):
    head = settled_head(siem)
    wait_for("all sent before the restart", lambda: head in siem.syslog.sequences())
    siem.gateway.send_signal(signal.SIGTERM)
    siem.gateway.wait(timeout=30)
    before = len(siem.syslog.messages)
    siem.gateway = subprocess.Popen([BIN, "serve", "--config", str(siem.work / "portcullis.yaml")],
                                    env=dict(os.environ, E2E_UPSTREAM_KEY=UPSTREAM_KEY, E2E_SIEM_TOKEN=TOKEN),
                                    stdout=siem.logs, stderr=subprocess.STDOUT)
    wait_ready(siem.base + "/healthz", siem.gateway)
    some_requests(siem, 1, "restart")
    new_head = settled_head(siem)
    wait_for("new records sent", lambda: new_head in siem.syslog.sequences())
    resent = [m["seq"] for m in siem.syslog.parsed()[before:]]
    # Only records the new process wrote: nothing before the stored cursor is sent again.
    assert min(resent) > head
    assert set(range(head + 1, new_head + 1)) <= set(resent)


def test_a_stream_past_its_backlog_limit_fails_readiness_while_the_gateway_keeps_serving(tmp_path):
    """Also: the collector's certificate is verified — a certificate not signed by the stream's CA, or not carrying
    the expected name (`server_name`, with no IP address entry for the address connected to), gets nothing."""
    make_ca(tmp_path, "siem-ca")
    make_ca(tmp_path, "rogue-ca")
    cert, key = make_leaf(tmp_path, "named", "siem-ca", "DNS:siem.example.internal", server=True)
    impostor = SyslogReceiver(cert, key).start()
    genuine = SyslogReceiver(cert, key).start()
    dead = free_port()  # nothing listens there
    (tmp_path / "trail.cedar").write_text(POLICIES)
    audit = f"""  streams:
    - name: soc
      kind: syslog
      address: 127.0.0.1:{dead}
      tls: {{ca_file: {tmp_path / 'siem-ca.pem'}}}
      max_backlog_records: 3
      retry_max_seconds: 1
    - name: other-ca
      kind: syslog
      address: 127.0.0.1:{impostor.port}
      tls: {{ca_file: {tmp_path / 'rogue-ca.pem'}, server_name: siem.example.internal}}
      retry_max_seconds: 1
    - name: other-name
      kind: syslog
      address: 127.0.0.1:{impostor.port}
      tls: {{ca_file: {tmp_path / 'siem-ca.pem'}, server_name: other.example.internal}}
      retry_max_seconds: 1
    - name: by-name
      kind: syslog
      address: 127.0.0.1:{genuine.port}
      tls: {{ca_file: {tmp_path / 'siem-ca.pem'}, server_name: siem.example.internal}}
"""
    stack = AuditStack(tmp_path, audit=audit, policies=tmp_path / "trail.cedar")
    try:
        assert some_requests(stack, 3, "behind") == [200] * 3
        wait_for("behind", lambda: requests.get(stack.base + "/readyz", timeout=5).status_code == 503)
        ready = requests.get(stack.base + "/readyz", timeout=5).json()
        assert ready["checks"]["audit_stream:soc"] == "failing"
        assert ready["checks"]["audit"] == "ok"
        assert some_requests(stack, 1, "still") == [200]
        # (an end record is written just after its answer, so the last one may still be on its way)
        wait_for("backlog", lambda: metric(stack, "portcullis_audit_stream_backlog_records", "soc") >= 8)
        head = settled_head(stack)
        wait_for("by-name delivers", lambda: set(range(1, head + 1)) <= genuine.sequences())
        for name in ("other-ca", "other-name"):
            wait_for(f"{name} fails", lambda: (metric(stack, "portcullis_audit_stream_send_failures_total", name) or 0) >= 2)
            assert metric(stack, "portcullis_audit_stream_records_sent_total", name) == 0
        assert impostor.messages == []
    finally:
        stack.stop()
        impostor.stop()
        genuine.stop()
