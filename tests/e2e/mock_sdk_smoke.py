#!/usr/bin/env python3
"""Drives the mock upstream with the official `openai` and `anthropic` SDKs and checks every reply.

Usage: MOCK_BASE_URL=http://127.0.0.1:8090 [MOCK_API_KEY=...] python mock_sdk_smoke.py
Needs `pip install openai anthropic`. Exits non-zero on the first failed check.
"""
import json
import os
import sys
import urllib.error
import urllib.request

import anthropic
import openai

BASE = os.environ.get("MOCK_BASE_URL", "http://127.0.0.1:8090").rstrip("/")
KEY = os.environ.get("MOCK_API_KEY", "sk-mock-unused")

oai = openai.OpenAI(base_url=BASE + "/v1", api_key=KEY, max_retries=0, timeout=10)
ant = anthropic.Anthropic(base_url=BASE, api_key=KEY, max_retries=0, timeout=10)
checks = 0


def check(name, got, want):
    global checks
    if got != want:
        print(f"FAIL {name}: got {got!r}, want {want!r}")
        sys.exit(1)
    checks += 1
    print(f"ok   {name}")


WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "weather for a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}

# --- chat completions -------------------------------------------------------------------------------
r = oai.chat.completions.create(model="mock-gpt", messages=[{"role": "user", "content": "hello"}])
check("chat: content", r.choices[0].message.content, "Echo: hello")
check("chat: finish_reason", r.choices[0].finish_reason, "stop")
check("chat: usage", (r.usage.prompt_tokens, r.usage.completion_tokens, r.usage.total_tokens), (2, 3, 5))
check("chat: object", r.object, "chat.completion")

r = oai.chat.completions.create(
    model="mock-gpt", max_tokens=2, messages=[{"role": "user", "content": "#say 0123456789"}]
)
check("chat: max_tokens truncation", (r.choices[0].message.content, r.choices[0].finish_reason), ("01234567", "length"))

text, usage, ids = "", None, set()
for chunk in oai.chat.completions.create(
    model="mock-gpt", stream=True, stream_options={"include_usage": True},
    messages=[{"role": "user", "content": "#say Stream me: \"quotes\", émojis 🎉 and\nnewlines"}],
):
    ids.add(chunk.id)
    if chunk.choices and chunk.choices[0].delta.content:
        text += chunk.choices[0].delta.content
    if chunk.usage:
        usage = chunk.usage
check("chat stream: text", text, "Stream me: \"quotes\", émojis 🎉 and\nnewlines")
check("chat stream: one id", len(ids), 1)
check("chat stream: usage chunk", usage is not None and usage.completion_tokens > 0, True)

with oai.chat.completions.stream(model="mock-gpt", messages=[{"role": "user", "content": "#say helper"}]) as s:
    final = s.get_final_completion()
check("chat stream helper: final", final.choices[0].message.content, "helper")

r = oai.chat.completions.create(
    model="mock-gpt", tools=[WEATHER], messages=[{"role": "user", "content": '#tool get_weather {"city":"Paris"}'}]
)
call = r.choices[0].message.tool_calls[0]
check("chat tool: name", call.function.name, "get_weather")
check("chat tool: arguments", json.loads(call.function.arguments), {"city": "Paris"})
check("chat tool: finish_reason", r.choices[0].finish_reason, "tool_calls")

r = oai.chat.completions.create(
    model="mock-gpt", tools=[WEATHER], tool_choice={"type": "function", "function": {"name": "get_weather"}},
    messages=[{"role": "user", "content": "anything"}],
)
check("chat tool_choice forced", r.choices[0].message.tool_calls[0].function.name, "get_weather")

with oai.chat.completions.stream(
    model="mock-gpt", tools=[WEATHER], messages=[{"role": "user", "content": '#tool get_weather {"city":"Oslo"}'}]
) as s:
    final = s.get_final_completion()
tc = final.choices[0].message.tool_calls[0]
check("chat tool stream: accumulated", (tc.function.name, json.loads(tc.function.arguments)), ("get_weather", {"city": "Oslo"}))

r = oai.chat.completions.create(
    model="mock-gpt",
    messages=[
        {"role": "user", "content": "weather?"},
        {"role": "assistant", "content": None, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "c1", "content": "sunny"},
    ],
)
check("chat tool result round", r.choices[0].message.content, "Tool result: sunny")

# --- responses --------------------------------------------------------------------------------------
r = oai.responses.create(model="mock-gpt", instructions="be kind", input="#say Bonjour")
check("responses: output_text", r.output_text, "Bonjour")
check("responses: status", r.status, "completed")
check("responses: usage", (r.usage.output_tokens, r.usage.total_tokens), (2, 2 + r.usage.input_tokens))

deltas, types = [], []
for event in oai.responses.create(model="mock-gpt", input="#say streamed reply", stream=True):
    types.append(event.type)
    if event.type == "response.output_text.delta":
        deltas.append(event.delta)
check("responses stream: text", "".join(deltas), "streamed reply")
check("responses stream: first/last", (types[0], types[-1]), ("response.created", "response.completed"))

with oai.responses.stream(model="mock-gpt", input=[{"role": "user", "content": "#say via helper"}]) as s:
    for _ in s:
        pass
    final = s.get_final_response()
check("responses stream helper: final", final.output_text, "via helper")

# A capped stream ends in `response.incomplete` (as the real API does), which the helper passes through.
with oai.responses.stream(model="mock-gpt", input="#say 0123456789", max_output_tokens=2) as s:
    events = list(s)
last = events[-1]
check("responses stream capped: incomplete", (last.type, last.response.status, last.response.incomplete_details.reason),
      ("response.incomplete", "incomplete", "max_output_tokens"))
check("responses stream capped: text", "".join(e.delta for e in events if e.type == "response.output_text.delta"), "01234567")

FN = {"type": "function", "name": "lookup", "parameters": {"type": "object", "properties": {"q": {"type": "string"}}}}
r = oai.responses.create(model="mock-gpt", tools=[FN], input='#tool lookup {"q":"cats"}')
item = r.output[0]
check("responses tool: call", (item.type, item.name, json.loads(item.arguments)), ("function_call", "lookup", {"q": "cats"}))

with oai.responses.stream(model="mock-gpt", tools=[FN], input='#tool lookup {"q":"dogs"}') as s:
    final = s.get_final_response()
check("responses tool stream", json.loads(final.output[0].arguments), {"q": "dogs"})

# --- embeddings & models ----------------------------------------------------------------------------
e = oai.embeddings.create(model="mock-embedding", input=["a", "b"])
check("embeddings: default dims (base64 path)", [len(d.embedding) for d in e.data], [1536, 1536])
e2 = oai.embeddings.create(model="mock-embedding", input="a", dimensions=8, encoding_format="float")
check("embeddings: dims 8", len(e2.data[0].embedding), 8)
again = oai.embeddings.create(model="mock-embedding", input=["a", "b"])
check("embeddings: deterministic", again.data[0].embedding == e.data[0].embedding, True)
check("embeddings: inputs differ", e.data[0].embedding != e.data[1].embedding, True)
check("embeddings: unit length", abs(sum(x * x for x in e.data[0].embedding) - 1) < 1e-4, True)
e3 = oai.embeddings.create(model="mock-embedding", input="a", dimensions=8)
check("embeddings: base64 == float (float32 precision)",
      max(abs(x - y) for x, y in zip(e3.data[0].embedding, e2.data[0].embedding)) < 1e-6, True)

ids = [m.id for m in oai.models.list()]
check("models: listed", "mock-gpt" in ids, True)

# --- Azure OpenAI (deployment paths, api-key header, api-version) -----------------------------------
az = openai.AzureOpenAI(azure_endpoint=BASE, api_key=KEY, api_version="2024-10-21", max_retries=0, timeout=10)
r = az.chat.completions.create(model="gpt4o-prod", messages=[{"role": "user", "content": "#say azure ok"}])
check("azure chat: content/model", (r.choices[0].message.content, r.model), ("azure ok", "gpt4o-prod"))
text = "".join(c.choices[0].delta.content or "" for c in az.chat.completions.create(
    model="gpt4o-prod", stream=True, messages=[{"role": "user", "content": "#say azure stream"}]) if c.choices)
check("azure chat stream", text, "azure stream")
check("azure embeddings", len(az.embeddings.create(model="emb", input="x", dimensions=16).data[0].embedding), 16)

# --- anthropic --------------------------------------------------------------------------------------
m = ant.messages.create(model="mock-claude", max_tokens=100, messages=[{"role": "user", "content": "hey"}])
check("anthropic: text", m.content[0].text, "Echo: hey")
check("anthropic: stop_reason", m.stop_reason, "end_turn")
check("anthropic: usage", (m.usage.input_tokens, m.usage.output_tokens), (1, 3))

with ant.messages.stream(model="mock-claude", max_tokens=100, messages=[{"role": "user", "content": "#say streamed ✓"}]) as s:
    streamed = "".join(s.text_stream)
    final = s.get_final_message()
check("anthropic stream: text", streamed, "streamed ✓")
check("anthropic stream: final", (final.content[0].text, final.stop_reason), ("streamed ✓", "end_turn"))

m = ant.messages.create(model="mock-claude", max_tokens=2, messages=[{"role": "user", "content": "#say 0123456789"}])
check("anthropic max_tokens", (m.content[0].text, m.stop_reason), ("01234567", "max_tokens"))

TOOL = {"name": "get_time", "description": "time", "input_schema": {"type": "object", "properties": {"tz": {"type": "string"}}}}
m = ant.messages.create(model="mock-claude", max_tokens=100, tools=[TOOL], messages=[{"role": "user", "content": '#tool get_time {"tz":"UTC"}'}])
check("anthropic tool_use", (m.content[0].type, m.content[0].name, m.content[0].input, m.stop_reason), ("tool_use", "get_time", {"tz": "UTC"}, "tool_use"))
with ant.messages.stream(model="mock-claude", max_tokens=100, tools=[TOOL], messages=[{"role": "user", "content": '#tool get_time {"tz":"CET"}'}]) as s:
    final = s.get_final_message()
check("anthropic tool_use stream", final.content[0].input, {"tz": "CET"})

THINK = {"type": "enabled", "budget_tokens": 1024}
m = ant.messages.create(model="mock-claude", max_tokens=2000, thinking=THINK, messages=[{"role": "user", "content": "#say thought through"}])
check("anthropic thinking: blocks", [b.type for b in m.content], ["thinking", "text"])
check("anthropic thinking: text", (m.content[0].thinking, m.content[1].text), ("Thinking about: #say thought through", "thought through"))
check("anthropic thinking: signature", bool(m.content[0].signature), True)
with ant.messages.stream(model="mock-claude", max_tokens=2000, thinking={"type": "adaptive"},
                         messages=[{"role": "user", "content": "#say thought through"}]) as s:
    kinds = [e.type for e in s]
    final = s.get_final_message()
check("anthropic thinking stream: events", ("thinking" in kinds, "signature" in kinds), (True, True))
check("anthropic thinking stream: final", (final.content[0].thinking, final.content[0].signature, final.content[1].text),
      (m.content[0].thinking, m.content[0].signature, "thought through"))
m = ant.messages.create(model="mock-claude", max_tokens=2000, thinking=THINK, messages=[{"role": "user", "content": "#redacted #say hidden"}])
check("anthropic redacted_thinking", (m.content[0].type, bool(m.content[0].data), m.content[1].text), ("redacted_thinking", True, "hidden"))

STT = '#say-then-tool Checking.|get_time {"tz":"UTC"}'
m = ant.messages.create(model="mock-claude", max_tokens=100, tools=[TOOL], messages=[{"role": "user", "content": STT}])
check("anthropic text then tool_use", [(b.type, getattr(b, "text", None) or getattr(b, "input", None)) for b in m.content],
      [("text", "Checking."), ("tool_use", {"tz": "UTC"})])
with ant.messages.stream(model="mock-claude", max_tokens=2000, thinking=THINK, tools=[TOOL], messages=[{"role": "user", "content": STT}]) as s:
    final = s.get_final_message()
check("anthropic text then tool_use stream", ([b.type for b in final.content], final.content[1].text, final.content[2].input, final.stop_reason),
      (["thinking", "text", "tool_use"], "Checking.", {"tz": "UTC"}, "tool_use"))

m = ant.messages.create(model="mock-claude", max_tokens=100, stop_sequences=["STOP"], messages=[{"role": "user", "content": "#say go STOP here"}])
check("anthropic stop_sequence", (m.content[0].text, m.stop_reason, m.stop_sequence), ("go ", "stop_sequence", "STOP"))
with ant.messages.stream(model="mock-claude", max_tokens=100, stop_sequences=["STOP"], messages=[{"role": "user", "content": "#say go STOP here"}]) as s:
    final = s.get_final_message()
check("anthropic stop_sequence stream", (final.content[0].text, final.stop_reason, final.stop_sequence), ("go ", "stop_sequence", "STOP"))

SYSTEM = [{"type": "text", "text": "You are the smoke test. " * 8, "cache_control": {"type": "ephemeral"}}]
CACHED = dict(model="mock-claude", system=SYSTEM, messages=[{"role": "user", "content": "#say cached"}])
urllib.request.urlopen(urllib.request.Request(BASE + "/mock/cache", method="DELETE")).close()  # re-runnable
first = ant.messages.create(max_tokens=100, **CACHED).usage
second = ant.messages.create(max_tokens=100, **CACHED).usage
check("anthropic cache: write then read", (first.cache_creation_input_tokens, first.cache_read_input_tokens,
      second.cache_creation_input_tokens, second.cache_read_input_tokens), (48, 0, 0, 48))
with ant.messages.stream(max_tokens=100, **CACHED) as s:
    streamed = s.get_final_message().usage
check("anthropic cache stream usage", (streamed.input_tokens, streamed.cache_read_input_tokens, streamed.output_tokens),
      (second.input_tokens, 48, second.output_tokens))
counted = ant.messages.count_tokens(**CACHED)
check("anthropic count_tokens = all input", counted.input_tokens,
      second.input_tokens + second.cache_creation_input_tokens + second.cache_read_input_tokens)
plain = dict(model="mock-claude", system="be brief", messages=[{"role": "user", "content": "how many tokens is this?"}])
check("anthropic count_tokens = input_tokens", ant.messages.count_tokens(**plain).input_tokens,
      ant.messages.create(max_tokens=10, **plain).usage.input_tokens)

request = urllib.request.Request(BASE + "/v1/messages", method="POST", headers={"content-type": "application/json", "x-api-key": KEY},
                                 data=b'{"model":"c","max_tokens":5,"messages":[{"role":"user","content":"x"}]}')
try:
    urllib.request.urlopen(request)
    check("anthropic without anthropic-version fails", False, True)
except urllib.error.HTTPError as err:
    check("anthropic without anthropic-version", (err.code, json.load(err)["error"]["type"]), (400, "invalid_request_error"))
ant.messages.create(model="mock-claude", max_tokens=5, messages=[{"role": "user", "content": "beta"}],
                    extra_headers={"anthropic-beta": "prompt-caching-2024-07-31"})
with urllib.request.urlopen(BASE + "/mock/requests") as resp:
    sent = [e for e in json.load(resp)["data"] if e["path"] == "/v1/messages"]
# The SDK sends its own API version, and its key as `Authorization: Bearer` (2.x); the raw call used x-api-key.
check("recorded: anthropic headers", (sent[-1]["headers"]["anthropic-version"], sent[-1]["headers"]["anthropic-beta"], sent[-1]["auth_header"]),
      (anthropic._constants.ANTHROPIC_API_VERSION, "prompt-caching-2024-07-31", "authorization"))
check("recorded: missing version", (sent[-2]["outcome"], sent[-2]["auth_header"], "anthropic-version" in sent[-2]["headers"]),
      ("bad_request", "x-api-key", False))

# --- errors -----------------------------------------------------------------------------------------
try:
    oai.chat.completions.create(model="mock-error-429", messages=[{"role": "user", "content": "x"}])
    check("openai 429 raises", False, True)
except openai.RateLimitError as err:
    check("openai 429: status/code", (err.status_code, err.code), (429, "rate_limit_exceeded"))
try:
    oai.chat.completions.create(model="mock-gpt", messages=[{"role": "user", "content": "x"}], extra_headers={"x-mock-status": "500"})
    check("openai 500 raises", False, True)
except openai.InternalServerError as err:
    check("openai 500", err.status_code, 500)
try:
    ant.messages.create(model="mock-error-529", max_tokens=5, messages=[{"role": "user", "content": "x"}])
    check("anthropic 529 raises", False, True)
except anthropic.APIStatusError as err:
    check("anthropic 529", (err.status_code, err.body["error"]["type"]), (529, "overloaded_error"))
try:
    got = ""
    for chunk in oai.chat.completions.create(model="mock-cut-2", stream=True, messages=[{"role": "user", "content": "#say 0123456789"}]):
        if chunk.choices and chunk.choices[0].delta.content:
            got += chunk.choices[0].delta.content
    check("cut stream raises", got, "<an exception>")
except (openai.APIError, Exception) as err:  # httpx.RemoteProtocolError surfaces unwrapped mid-stream
    check("cut stream: raised after 2 deltas", got, "01234567")

# --- recorded requests ------------------------------------------------------------------------------
with urllib.request.urlopen(BASE + "/mock/requests") as resp:
    log = json.load(resp)["data"]
last_chat = [e for e in log if e["path"] == "/v1/chat/completions"][-1]
check("recorded: outcome of cut", last_chat["outcome"], "stream_cut")
check("recorded: body model", last_chat["body"]["model"], "mock-cut-2")
check("recorded: sdk header", "x-stainless-lang" in last_chat["headers"], True)

print(f"all {checks} checks passed")
