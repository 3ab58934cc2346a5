"""OpenTelemetry traces through the real binary: a Python OTLP/HTTP collector receives what `portcullis serve`
exports with `observability.tracing` on. A request span per call (named and attributed per the GenAI semantic
conventions) with its steps as children, the caller's `traceparent` continued (a malformed one ignored), and
none of the request's content or credentials in the bytes the collector receives. `sample_ratio: 0` exports
nothing; a collector that is down changes no answer; spans still queued are flushed at shutdown."""
import json
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest, ExportTraceServiceResponse
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from conftest import HERE, Stack, free_port

MARKER = "QUOKKA-" + uuid.uuid4().hex[:10]
FAKE_SECRET = "AKIAJ4XH7QNZ2LM5PB3R"
COLLECTOR_KEY = "collector-" + uuid.uuid4().hex
STEPS = {"authenticate", "understand", "inspect_request", "decide", "admit", "apply_obligations", "record", "forward", "inspect_answer"}


class Collector:
    """A minimal OTLP/HTTP traces receiver: keeps every export's headers and raw bytes, answers an empty success."""

    def __init__(self):
        self.exports = []
        self.lock = threading.Lock()
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                with collector.lock:
                    collector.exports.append((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                out = ExportTraceServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("content-type", "application/x-protobuf")
                self.send_header("content-length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.endpoint = f"http://127.0.0.1:{self.port}/v1/traces"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def raw(self):
        with self.lock:
            return b"".join(body for _, _, body in self.exports)

    def spans(self):
        """(resource attributes, span) for every span received."""
        with self.lock:
            bodies = [body for _, _, body in self.exports]
        out = []
        for body in bodies:
            request = ExportTraceServiceRequest()
            request.ParseFromString(body)
            for rs in request.resource_spans:
                resource = attributes(rs.resource)
                for ss in rs.scope_spans:
                    out += [(resource, span) for span in ss.spans]
        return out

    def wait_for(self, predicate, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = [s for _, s in self.spans() if predicate(s)]
            if found:
                return found
            time.sleep(0.1)
        raise AssertionError("no such span arrived; got " + repr([s.name for _, s in self.spans()]))

    def close(self):
        self.server.shutdown()


def attributes(item):
    values = {}
    for kv in item.attributes:
        v = kv.value
        kind = v.WhichOneof("value")
        values[kv.key] = [x.string_value for x in v.array_value.values] if kind == "array_value" else getattr(v, kind)
    return values


def tracing_yaml(endpoint, ratio=1.0):
    return f"""  tracing:
    enabled: true
    endpoint: {endpoint}
    headers: {{x-collector-key: "env:E2E_COLLECTOR_KEY"}}
    sample_ratio: {ratio}
    service_name: portcullis-e2e
"""


def start(endpoint, ratio=1.0, delay_ms=200):
    work = Path(tempfile.mkdtemp(prefix="portcullis-e2e-tracing-"))
    return Stack(work, observability_extra=tracing_yaml(endpoint, ratio),
                 extra_env={"E2E_COLLECTOR_KEY": COLLECTOR_KEY, "OTEL_BSP_SCHEDULE_DELAY": str(delay_ms)})


@pytest.fixture(scope="module")
def traced():
    collector = Collector()
    stack = start(collector.endpoint)
    yield stack, collector
    stack.stop()
    collector.close()
    assert stack.gateway.returncode == 0


def new_parent():
    return uuid.uuid4().hex, uuid.uuid4().hex[:16]


def post(stack, path, body, trace=None, token=None, stream=False):
    headers = {"authorization": "Bearer " + (token or stack.token()), "content-type": "application/json"}
    if trace:
        headers["traceparent"] = trace
    return requests.post(stack.base + path, headers=headers, data=json.dumps(body), timeout=30, stream=stream)


def chat(model="gpt-test", **extra):
    return {"model": model, "messages": [{"role": "user", "content": f"{MARKER} here is my key {FAKE_SECRET}"}], **extra}


def request_span(collector, trace_id):
    return collector.wait_for(lambda s: s.trace_id.hex() == trace_id and s.kind == Span.SPAN_KIND_SERVER)[0]


def children(collector, parent, expected_names):
    """The spans whose parent is `parent`, once every name in `expected_names` has arrived."""
    deadline = time.time() + 20
    while True:
        found = [s for _, s in collector.spans() if s.parent_span_id == parent.span_id]
        if expected_names <= {s.name for s in found} or time.time() > deadline:
            return found
        time.sleep(0.1)


def test_chat_continues_the_callers_trace_with_genai_attributes_and_step_spans(traced):
    stack, collector = traced
    trace_id, parent_id = new_parent()
    token = stack.token()
    r = post(stack, "/v1/chat/completions", chat(max_tokens=50), trace=f"00-{trace_id}-{parent_id}-01", token=token)
    assert r.status_code == 200, r.text
    span = request_span(collector, trace_id)
    assert span.name == "chat gpt-test"
    assert span.parent_span_id.hex() == parent_id
    a = attributes(span)
    assert a["gen_ai.operation.name"] == "chat"
    assert a["gen_ai.request.model"] == "gpt-test"
    assert a["gen_ai.response.model"] == "mock-gpt"
    assert a["gen_ai.provider.name"] == "openai"
    assert a["gen_ai.request.max_tokens"] == 50
    assert a["gen_ai.usage.input_tokens"] > 0 and a["gen_ai.usage.output_tokens"] > 0
    assert a["http.response.status_code"] == 200
    assert a["portcullis.decision"] == "allow"
    assert a["portcullis.policies"] == ["general-use"]
    assert a["portcullis.outcome"] == "allowed"
    assert a["portcullis.cache_hit"] is False
    assert "secret.aws_access_key" in a["portcullis.finding_categories"]
    assert len(a["portcullis.trail_id"]) > 0
    assert span.status.code != span.status.STATUS_CODE_ERROR
    steps = children(collector, span, STEPS)
    assert {s.name for s in steps} == STEPS
    assert all(s.trace_id.hex() == trace_id for s in steps)
    forward = [s for s in steps if s.name == "forward"]
    assert len(forward) == 1 and forward[0].kind == Span.SPAN_KIND_CLIENT
    assert attributes(forward[0])["http.response.status_code"] == 200
    resource = [res for res, s in collector.spans() if s.span_id == span.span_id][0]
    assert resource["service.name"] == "portcullis-e2e"
    # The collector's credential went with the export; nothing of the request's content or credentials did.
    assert all(headers.get("x-collector-key") == COLLECTOR_KEY for _, headers, _ in collector.exports)
    assert {path for path, _, _ in collector.exports} == {"/v1/traces"}
    raw = collector.raw()
    for forbidden in (MARKER, FAKE_SECRET, token, token.split(".")[2]):
        assert forbidden.encode() not in raw


def test_streamed_chat_is_traced_to_its_end(traced):
    stack, collector = traced
    trace_id, parent_id = new_parent()
    with post(stack, "/v1/chat/completions", chat(stream=True), trace=f"00-{trace_id}-{parent_id}-01", stream=True) as r:
        assert r.status_code == 200
        text = b"".join(r.iter_content(None)).decode()
    assert "[DONE]" in text
    span = request_span(collector, trace_id)
    a = attributes(span)
    assert span.name == "chat gpt-test"
    assert a["gen_ai.request.stream"] is True
    assert a["portcullis.outcome"] == "allowed"
    assert a["gen_ai.usage.output_tokens"] > 0
    inspect = [s for s in children(collector, span, {"inspect_answer"}) if s.name == "inspect_answer"]
    assert len(inspect) == 1
    # The answer is inspected while it streams: its span lasts about as long as the request's.
    assert inspect[0].end_time_unix_nano <= span.end_time_unix_nano
    assert MARKER.encode() not in collector.raw()


def test_embeddings_and_denied_calls(traced):
    stack, collector = traced
    trace_id, parent_id = new_parent()
    r = post(stack, "/v1/embeddings", {"model": "embed-test", "input": MARKER}, trace=f"00-{trace_id}-{parent_id}-01")
    assert r.status_code == 200, r.text
    span = request_span(collector, trace_id)
    assert span.name == "embeddings embed-test"
    assert attributes(span)["gen_ai.operation.name"] == "embeddings"

    trace_id, parent_id = new_parent()
    r = post(stack, "/v1/chat/completions", chat(model="restricted-model"), trace=f"00-{trace_id}-{parent_id}-01")
    assert r.status_code == 403
    span = request_span(collector, trace_id)
    a = attributes(span)
    assert span.name == "chat restricted-model"
    assert a["portcullis.decision"] == "deny"
    assert a["portcullis.policies"] == ["restricted-admins-only"]
    assert a["portcullis.outcome"] == "refused_policy"
    assert a["http.response.status_code"] == 403
    names = {s.name for s in children(collector, span, {"authenticate", "decide", "record"})}
    assert "decide" in names and "forward" not in names
    assert MARKER.encode() not in collector.raw()


def test_malformed_traceparent_starts_a_new_trace(traced):
    stack, collector = traced
    trace_id, parent_id = new_parent()
    before = {s.span_id for _, s in collector.spans()}
    r = post(stack, "/v1/chat/completions", chat(), trace=f"00-{trace_id.upper()}-{parent_id}-01")
    assert r.status_code == 200
    rid = r.headers["x-request-id"]
    assert rid
    deadline = time.time() + 20
    fresh = []
    while time.time() < deadline and not fresh:
        fresh = [s for _, s in collector.spans() if s.span_id not in before and s.kind == Span.SPAN_KIND_SERVER]
        time.sleep(0.1)
    assert len(fresh) == 1
    assert fresh[0].trace_id.hex() not in (trace_id, trace_id.upper())
    assert fresh[0].parent_span_id == b""


def test_sample_ratio_zero_exports_nothing():
    collector = Collector()
    stack = start(collector.endpoint, ratio=0)
    try:
        for _ in range(3):
            assert post(stack, "/v1/chat/completions", chat()).status_code == 200
        time.sleep(1.5)
    finally:
        stack.stop()
    assert collector.spans() == []
    collector.close()


def test_a_dead_collector_changes_no_answer():
    dead = f"http://127.0.0.1:{free_port()}/v1/traces"
    stack = start(dead)
    try:
        for _ in range(5):
            started = time.time()
            r = post(stack, "/v1/chat/completions", chat())
            assert r.status_code == 200, r.text
            assert time.time() - started < 5
        time.sleep(1)  # an export has been tried and failed by now
        with post(stack, "/v1/chat/completions", chat(stream=True), stream=True) as r:
            assert r.status_code == 200
            assert "[DONE]" in b"".join(r.iter_content(None)).decode()
        assert requests.get(stack.base + "/healthz", timeout=5).status_code == 200
    finally:
        stack.stop()
    assert stack.gateway.returncode == 0


def test_queued_spans_are_flushed_at_shutdown():
    collector = Collector()
    stack = start(collector.endpoint, delay_ms=600_000)
    try:
        trace_id, parent_id = new_parent()
        assert post(stack, "/v1/chat/completions", chat(), trace=f"00-{trace_id}-{parent_id}-01").status_code == 200
        time.sleep(0.5)
        assert collector.spans() == []
    finally:
        stack.stop()
    assert stack.gateway.returncode == 0
    span = request_span(collector, trace_id)
    assert span.name == "chat gpt-test"
    collector.close()


def test_mcp_calls_are_traced_without_their_arguments():
    from mcp_support import McpClient, start_fixture
    from test_mcp import FIXTURE_TOKEN, MCP_CONFIG, SCOPE, SERVER

    collector = Collector()
    work = Path(tempfile.mkdtemp(prefix="portcullis-e2e-tracing-mcp-"))
    upstream = start_fixture(work, token=FIXTURE_TOKEN)
    try:
        stack = Stack(work, policies=HERE / "mcp_policies.cedar", mcp_config=MCP_CONFIG.replace("{fixture_port}", str(upstream.port)),
                      observability_extra=tracing_yaml(collector.endpoint),
                      extra_env={"MCP_FIXTURE_TOKEN": FIXTURE_TOKEN, "E2E_COLLECTOR_KEY": COLLECTOR_KEY, "OTEL_BSP_SCHEDULE_DELAY": "200"})
        try:
            token = stack.token("alice", ("staff",), aud=f"http://127.0.0.1:{stack.port}/mcp/{SERVER}", scope=SCOPE)
            with McpClient(f"{stack.base}/mcp/{SERVER}", token, "2025-11-25") as c:
                assert "echo" in c.tool_names()
                c.call_tool("echo", {"text": MARKER})
            call = collector.wait_for(lambda s: s.name == "execute_tool echo")[0]
            a = attributes(call)
            assert call.kind == Span.SPAN_KIND_SERVER
            assert a["gen_ai.operation.name"] == "execute_tool"
            assert a["gen_ai.tool.name"] == "echo"
            assert a["mcp.method.name"] == "tools/call"
            assert a["portcullis.mcp.server"] == SERVER
            assert a["portcullis.outcome"] == "allowed"
            assert a["portcullis.decision"] == "allow"
            steps = {s.name: s for s in children(collector, call, {"forward", "record"})}
            assert steps["forward"].kind == Span.SPAN_KIND_CLIENT
            assert collector.wait_for(lambda s: s.name == "tools/list")
            raw = collector.raw()
            assert MARKER.encode() not in raw and token.encode() not in raw and FIXTURE_TOKEN.encode() not in raw
        finally:
            stack.stop()
    finally:
        upstream.stop()
        collector.close()
