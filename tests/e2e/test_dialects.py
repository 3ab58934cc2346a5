"""Issue 12: every field of every request and answer accounted for. Each test is one of the breaks found by
trying the landed gateway as an attacker would; each passed data or tools around the controls.

The answers come from a scripted provider (a small HTTP server in this test) that sends exactly the shapes
real OpenAI-compatible providers send — logprobs, `delta.content` arrays, `reasoning_details`, text after
`finish_reason` — with a card number, an AWS key or an e-mail address in them. Requests go through the real
`portcullis` binary with the policies of `dialect_policies.cedar` (one group per caller)."""
import json
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from conftest import BIN, HERE, Stack, free_port

CARD = "4111 1111 1111 1111"
CARD_DIGITS = ["4111 1111 1111 1111", "4111111111111111", "1111 1111 1111"]
AWS_KEY = "AKIAJ4XH7QNZ2LM5PB3R"


class ScriptedProvider:
    """An OpenAI-compatible provider that answers what the test scripted, and records what it was sent."""

    def __init__(self):
        self.port = free_port()
        self.received = []
        self.script = None  # {"json": {...}} or {"events": [dict|str, ...]}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"object":"list","data":[]}')

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                outer.received.append(json.loads(body))
                script = outer.script or {"json": {"id": "c", "object": "chat.completion", "choices": [
                    {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "ok"}}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}}
                if "json" in script:
                    data = json.dumps(script["json"]).encode()
                    self.send_response(200)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.end_headers()
                for event in script["events"]:
                    data = event if isinstance(event, str) else json.dumps(event)
                    name = "" if isinstance(event, str) or "type" not in event else f"event: {event['type']}\n"
                    self.wfile.write(f"{name}data: {data}\n\n".encode())
                    self.wfile.flush()
                self.close_connection = True

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()


class DialectStack(Stack):
    def __init__(self, work):
        self.provider = ScriptedProvider()
        # No response cache: every test must reach the scripted provider with its own script.
        super().__init__(work, policies=HERE / "dialect_policies.cedar", limits="  cache:\n    enabled: false\n")

    def config(self):
        text = super().config()
        text = text.replace("models:\n", f"""  scripted:
    kind: openai
    base_url: http://127.0.0.1:{self.provider.port}/v1
    api_key: env:E2E_UPSTREAM_KEY
    max_retries: 0
models:
  - {{name: scripted, provider: scripted, upstream_model: scripted-model}}
""", 1)
        return text

    def post(self, path, body, group="staff", sub=None, **headers):
        token = self.token(sub or "user-" + group, groups=[group])
        return requests.post(self.base + path, json=body, headers={"authorization": "Bearer " + token, **headers}, timeout=30)


@pytest.fixture(scope="module")
def ds(tmp_path_factory):
    s = DialectStack(tmp_path_factory.mktemp("dialects"))
    yield s
    s.stop()
    s.provider.stop()


def script(ds, **kind):
    ds.provider.script = kind
    ds.provider.received.clear()


def chat(content="hi", **extra):
    return {"model": "scripted", "messages": [{"role": "user", "content": content}], **extra}


def chunk(delta=None, finish=None, index=0, **choice):
    return {"id": "c1", "object": "chat.completion.chunk", "choices": [{"index": index, "delta": delta or {}, "finish_reason": finish, **choice}]}


def leaks(text, values=CARD_DIGITS + [AWS_KEY]):
    return [v for v in values if v in text]


# ---- logprobs ------------------------------------------------------------------------------------------

def token_logprobs(text):
    return {"content": [{"token": text[i:i + 3], "logprob": -0.1, "bytes": list(text[i:i + 3].encode()), "top_logprobs": []}
                        for i in range(0, len(text), 3)]}


def test_logprobs_are_refused_where_the_profile_rewrites_answers(ds):
    script(ds)
    r = ds.post("/v1/chat/completions", chat(logprobs=True, top_logprobs=2))
    assert r.status_code == 400, r.text
    assert r.json()["error"]["param"] == "logprobs"
    r = ds.post("/v1/responses", {"model": "scripted", "input": "hi", "include": ["message.output_text.logprobs"]})
    assert r.status_code == 400 and r.json()["error"]["param"] == "include"
    assert ds.provider.received == []


def test_logprobs_a_provider_sends_unasked_never_spell_a_redacted_answer(ds):
    secret = f"key {AWS_KEY} card {CARD}"
    events = [chunk({"role": "assistant", "content": secret[i:i + 3]}, logprobs=token_logprobs(secret[i:i + 3])) for i in range(0, len(secret), 3)]
    script(ds, events=events + [chunk(finish="stop"), "[DONE]"])
    r = ds.post("/v1/chat/completions", chat(stream=True))
    assert r.status_code == 200
    assert leaks(r.text) == [], r.text
    assert '"logprobs"' not in r.text
    script(ds, json={"id": "c", "object": "chat.completion", "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": secret}, "logprobs": token_logprobs(secret)}]})
    r = ds.post("/v1/chat/completions", chat())
    assert r.status_code == 200 and leaks(r.text) == [], r.text


def test_logprobs_are_served_where_answers_are_never_rewritten(ds):
    text = "plain words only"
    script(ds, json={"id": "c", "object": "chat.completion", "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": text}, "logprobs": token_logprobs(text)}]})
    r = ds.post("/v1/chat/completions", chat(logprobs=True), group="permissive")
    assert r.status_code == 200, r.text
    assert "".join(t["token"] for t in r.json()["choices"][0]["logprobs"]["content"]) == text


# ---- tools ---------------------------------------------------------------------------------------------

def test_legacy_functions_are_tools_for_policy(ds):
    script(ds)
    r = ds.post("/v1/chat/completions", chat(functions=[{"name": "internal_api", "parameters": {"type": "object"}}]))
    assert r.status_code == 403, r.text
    assert ds.provider.received == []


def test_tools_obligation_removes_legacy_functions_too(ds):
    script(ds)
    body = chat(functions=[{"name": "get_weather"}, {"name": "transfer_funds"}], function_call={"name": "transfer_funds"},
                tools=[{"type": "function", "function": {"name": "transfer_funds"}}])
    r = ds.post("/v1/chat/completions", body, group="allowlist")
    assert r.status_code == 200, r.text
    sent = ds.provider.received[0]
    assert [f["name"] for f in sent["functions"]] == ["get_weather"]
    assert "tools" not in sent and sent["function_call"] == "auto"


def test_tools_the_provider_runs_need_a_policy_naming_them(ds):
    script(ds, json={"id": "resp_t", "object": "response", "status": "completed", "output": []})
    mcp = {"type": "mcp", "server_label": "deepwiki", "server_url": "https://mcp.deepwiki.example/mcp",
           "headers": {"Authorization": "Bearer third-party"}, "require_approval": "never"}
    r = ds.post("/v1/responses", {"model": "scripted", "input": "hi", "tools": [mcp]})
    assert r.status_code == 403 and r.json()["error"]["code"] == "tool_not_permitted", r.text
    r = ds.post("/v1/chat/completions", chat(web_search_options={"search_context_size": "low"}))
    assert r.status_code == 403 and r.json()["error"]["code"] == "tool_not_permitted", r.text
    assert ds.provider.received == []
    r = ds.post("/v1/responses", {"model": "scripted", "input": "hi", "tools": [mcp]}, group="mcp")
    assert r.status_code == 200, r.text


# ---- request text the model reads ----------------------------------------------------------------------

def test_every_text_the_model_reads_is_redacted(ds):
    script(ds)
    escaped = "\\u0034111 1111 1111 1111"  # `4111...` with its first digit written as a JSON escape
    body = {
        "model": "scripted",
        "messages": [
            {"role": "user", "name": f"card {CARD}", "content": "hi"},
            {"role": "assistant", "content": None, "tool_calls": [{"id": "call_1", "type": "function",
             "function": {"name": "lookup", "arguments": '{"card": "' + escaped + '"}'}}]},
            {"role": "tool", "tool_call_id": "call_1", "content": "done"},
        ],
        "tools": [{"type": "function", "function": {"name": "lookup", "parameters": {"type": "object", "properties": {
            f"card {CARD}": {"type": "string"}}}}}],
        "response_format": {"type": "json_schema", "json_schema": {"name": "r", "schema": {"type": "object", "properties": {
            f"holder of {CARD}": {"type": "string"}}}}},
        "metadata": {"note": f"card {CARD}"},
        "stop": [f"card {CARD}"],
    }
    r = ds.post("/v1/chat/completions", body)
    assert r.status_code == 200, r.text
    sent = json.dumps(ds.provider.received[0])
    assert leaks(sent) == [] and "u0034111" not in sent, sent
    assert "[CREDIT_CARD_1]" in sent


def test_unknown_fields_are_refused_naming_them(ds):
    script(ds)
    r = ds.post("/v1/chat/completions", chat(x_side_channel=f"card {CARD}"))
    assert r.status_code == 400 and r.json()["error"]["param"] == "x_side_channel", r.text
    r = ds.post("/v1/chat/completions", {"model": "scripted", "messages": [{"role": "user", "content": "hi", "x_note": "n"}]})
    assert r.status_code == 400 and r.json()["error"]["param"] == "messages[0].x_note", r.text
    assert ds.provider.received == []


def test_previous_response_id_serves_only_its_creator(ds):
    script(ds, json={"id": "resp_alice_1", "object": "response", "status": "completed", "output": [
        {"type": "message", "id": "m1", "role": "assistant", "status": "completed", "content": [{"type": "output_text", "text": "hello", "annotations": []}]}]})
    r = ds.post("/v1/responses", {"model": "scripted", "input": "remember 42"}, sub="alice")
    assert r.status_code == 200, r.text
    r = ds.post("/v1/responses", {"model": "scripted", "input": "what did I say?", "previous_response_id": "resp_alice_1"}, sub="mallory")
    assert r.status_code == 400 and r.json()["error"]["param"] == "previous_response_id", r.text
    assert len(ds.provider.received) == 1
    r = ds.post("/v1/responses", {"model": "scripted", "input": "what did I say?", "previous_response_id": "resp_alice_1"}, sub="alice")
    assert r.status_code == 200, r.text
    assert ds.provider.received[-1]["previous_response_id"] == "resp_alice_1"


# ---- answer shapes -------------------------------------------------------------------------------------

@pytest.mark.parametrize("events", [
    pytest.param([chunk({"content": [{"type": "text", "text": f"card {CARD}"}]})], id="delta.content as an array"),
    pytest.param([chunk({"reasoning_details": [{"type": "reasoning.text", "text": f"card {CARD}"}]})], id="reasoning_details"),
    pytest.param([chunk({"thinking": f"card {CARD}"})], id="thinking"),
    pytest.param([chunk({"content": "ok"}, message={"content": f"card {CARD}"})], id="a choice's message in a stream"),
    pytest.param([chunk({"content": "ok"}, text=f"card {CARD}")], id="a choice's text in a stream"),
    pytest.param([chunk({"tool_calls": [{"index": 0, "id": "call_1", "type": "function", "function": {"name": f"card {CARD}", "arguments": "{}"}}]})],
                 id="tool-call function names"),
    pytest.param([chunk({"content": "done"}, finish="stop"), chunk({"content": f" p.s. card {CARD}"})], id="text after finish_reason"),
])
def test_streamed_answer_shapes_are_inspected(ds, events):
    script(ds, events=events + [chunk(finish="stop"), "[DONE]"])
    r = ds.post("/v1/chat/completions", chat(stream=True))
    assert r.status_code == 200
    assert leaks(r.text) == [], r.text


def test_web_search_queries_in_answers_are_inspected(ds):
    script(ds, json={"id": "resp_ws", "object": "response", "status": "completed", "output": [
        {"type": "web_search_call", "id": "ws_1", "status": "completed", "action": {"type": "search", "query": f"who owns card {CARD}"}},
        {"type": "message", "id": "m1", "role": "assistant", "status": "completed", "content": [{"type": "output_text", "text": "no idea", "annotations": []}]}]})
    r = ds.post("/v1/responses", {"model": "scripted", "input": "hi"})
    assert r.status_code == 200 and leaks(r.text) == [], r.text


def test_the_audit_record_names_what_was_dropped_from_an_answer(ds):
    script(ds, events=[chunk({"content": "ok"}, x_debug_trace={"prompt": "internal"}), chunk(finish="stop"), "[DONE]"])
    r = ds.post("/v1/chat/completions", chat(stream=True), **{"x-request-id": "dropped-fields-1"})
    assert r.status_code == 200 and "x_debug_trace" not in r.text
    deadline = time.time() + 10
    while True:
        out = subprocess.run([BIN, "audit", "export", "--db", str(ds.db), "--format", "jsonl"], capture_output=True, text=True, timeout=60)
        ends = [json.loads(line) for line in out.stdout.splitlines() if '"dropped-fields-1"' in line and '"end"' in line]
        if ends or time.time() > deadline:
            break
        time.sleep(0.2)
    assert ends and ends[-1]["dropped_answer_fields"] == ["choices[].x_debug_trace"], out.stdout[-2000:]
    v = subprocess.run([BIN, "audit", "verify", "--db", str(ds.db)], capture_output=True, text=True, timeout=60)
    assert v.returncode == 0, v.stdout + v.stderr


# ---- a translated answer is read against the provider's own declaration first (issue 13) -----------------

def end_record(ds, request_id):
    deadline = time.time() + 10
    while True:
        out = subprocess.run([BIN, "audit", "export", "--db", str(ds.db), "--format", "jsonl"], capture_output=True, text=True, timeout=60)
        ends = [json.loads(line) for line in out.stdout.splitlines() if f'"{request_id}"' in line and ('"end"' in line or '"complete"' in line)]
        if ends or time.time() > deadline:
            return ends[-1] if ends else None
        time.sleep(0.2)


ANTHROPIC = {"anthropic-version": "2023-06-01"}


def messages(**extra):
    return {"model": "scripted", "max_tokens": 100, "messages": [{"role": "user", "content": "hi"}], **extra}


@pytest.mark.parametrize("stream", [False, True])
def test_a_field_the_provider_does_not_declare_is_dropped_and_noted_before_translation(ds, stream):
    rid = f"translated-drop-{stream}"
    if stream:
        script(ds, events=[chunk({"role": "assistant", "content": f"card {CARD} ok", "x_secret_channel": "data"}, x_debug_trace={"k": "v"}),
                           chunk(finish="stop"), {"id": "c1", "choices": [], "usage": {"prompt_tokens": 4, "completion_tokens": 3, "total_tokens": 7}}, "[DONE]"])
    else:
        script(ds, json={"id": "c", "object": "chat.completion", "x_debug_trace": {"k": "v"}, "choices": [
            {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": f"card {CARD} ok", "x_secret_channel": "data"}}],
            "usage": {"prompt_tokens": 4, "completion_tokens": 3, "total_tokens": 7}})
    r = ds.post("/v1/messages", messages(stream=stream), **ANTHROPIC, **{"x-request-id": rid})
    assert r.status_code == 200, r.text
    assert "x_secret_channel" not in r.text and "x_debug_trace" not in r.text and leaks(r.text) == []
    assert "[CREDIT_CARD_1]" in r.text
    dropped = end_record(ds, rid)["dropped_answer_fields"]
    where = "delta" if stream else "message"
    assert f"upstream choices[].{where}.x_secret_channel" in dropped and any("x_debug_trace" in d for d in dropped), dropped


@pytest.mark.parametrize("stream", [False, True])
def test_a_provider_text_field_holding_no_text_stops_a_translated_answer(ds, stream):
    if stream:
        script(ds, events=[chunk({"role": "assistant", "content": "fine"}), chunk({"content": {"hidden": f"card {CARD}"}}), chunk(finish="stop"), "[DONE]"])
    else:
        script(ds, json={"id": "c", "object": "chat.completion", "choices": [
            {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": {"hidden": f"card {CARD}"}}}]})
    r = ds.post("/v1/messages", messages(stream=stream), **ANTHROPIC)
    assert leaks(r.text) == [] and "hidden" not in r.text
    if stream:
        assert r.status_code == 200 and "event: error" in r.text and "message_stop" not in r.text
    else:
        assert r.status_code == 502 and r.json()["type"] == "error"
