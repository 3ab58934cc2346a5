"""AWS Bedrock (Converse, SigV4 with static keys and with AssumeRoleWithWebIdentity), the Gemini API and Vertex
AI (service-account token) behind the gateway, reached by the official `openai` and `anthropic` SDKs, streamed
and not. The mock upstream verifies every SigV4 signature, API key and bearer token it is sent."""
import json
import tempfile
import uuid
from pathlib import Path

import anthropic
import openai
import pytest
import requests
from openai import OpenAI

from conftest import HERE, Stack
from google_support import make_service_account
from limits_support import audit_records

AWS_KEY_ID = "AKIDEXAMPLE"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
GEMINI_KEY = "gemini-e2e-" + uuid.uuid4().hex
WEB_IDENTITY = "eks-projected-token-" + uuid.uuid4().hex


class CloudStack(Stack):
    def __init__(self, work: Path):
        # The key's token_uri is Google's; the gateway is configured with the mock's token endpoint instead.
        self.sa_path = Path(make_service_account(work, name="vertex-sa.json"))
        (work / "web-identity-token").write_text(WEB_IDENTITY)
        super().__init__(work, mock_args=("--google-service-account", str(self.sa_path), "--google-api-key", "env:E2E_GEMINI_KEY",
                                          "--sts-web-identity-token", "env:E2E_WEB_IDENTITY"),
                         extra_env={"E2E_AWS_KEY_ID": AWS_KEY_ID, "E2E_AWS_SECRET": AWS_SECRET, "E2E_AWS_WRONG_SECRET": "not-the-secret",
                                    "E2E_GEMINI_KEY": GEMINI_KEY, "E2E_WEB_IDENTITY": WEB_IDENTITY})

    def config(self):
        providers = f"""  bedrock-keys:
    kind: bedrock
    base_url: {self.mock}
    aws: {{region: ap-southeast-1, access_key_id: env:E2E_AWS_KEY_ID, secret_access_key: env:E2E_AWS_SECRET}}
    circuit_breaker: {{enabled: false}}
  bedrock-wrong-key:
    kind: bedrock
    base_url: {self.mock}
    aws: {{region: ap-southeast-1, access_key_id: env:E2E_AWS_KEY_ID, secret_access_key: env:E2E_AWS_WRONG_SECRET}}
    circuit_breaker: {{enabled: false}}
  bedrock-irsa:
    kind: bedrock
    base_url: {self.mock}
    aws:
      region: ap-southeast-1
      web_identity:
        role_arn: arn:aws:iam::123456789012:role/portcullis-bedrock
        token: file:{self.work}/web-identity-token
        sts_endpoint: {self.mock}/sts
    circuit_breaker: {{enabled: false}}
  gemini:
    kind: gemini
    base_url: {self.mock}/v1beta
    api_key: env:E2E_GEMINI_KEY
    circuit_breaker: {{enabled: false}}
  vertex:
    kind: vertex
    base_url: {self.mock}/v1
    vertex: {{project: portcullis-test, location: asia-southeast1, service_account: "file:{self.sa_path}", token_endpoint: {self.mock}/token}}
    circuit_breaker: {{enabled: false}}
"""
        models = """  - {name: bedrock-claude, provider: bedrock-keys, upstream_model: "anthropic.claude-sonnet-4-v1:0", input_price_per_million: 3, output_price_per_million: 15}
  - {name: bedrock-irsa, provider: bedrock-irsa, upstream_model: "anthropic.claude-sonnet-4-v1:0"}
  - {name: bedrock-forged, provider: bedrock-wrong-key, upstream_model: "anthropic.claude-sonnet-4-v1:0"}
  - {name: bedrock-throttled, provider: bedrock-keys, upstream_model: mock-error-429}
  - {name: bedrock-split, provider: bedrock-keys, upstream_model: "mock-claude+split=7"}
  - {name: bedrock-stream-throttle, provider: bedrock-keys, upstream_model: "mock-stream-throttle+cut=2"}
  - {name: gemini-flash, provider: gemini, upstream_model: gemini-2.5-flash}
  - {name: gemini-unsafe, provider: gemini, upstream_model: mock-safety-block}
  - {name: gemini-busy, provider: gemini, upstream_model: mock-error-429}
  - {name: vertex-gemini, provider: vertex, upstream_model: gemini-2.5-pro}
  - name: cross-cloud
    targets:
      - {provider: bedrock-keys, upstream_model: mock-error-503, hosting: external}
      - {provider: gemini, upstream_model: gemini-2.5-flash, hosting: external}
"""
        text = super().config()
        text = text.replace("providers:\n", "providers:\n" + providers, 1)
        return text.replace("models:\n", "models:\n" + models, 1)


@pytest.fixture(scope="module")
def cloud():
    s = CloudStack(Path(tempfile.mkdtemp(prefix="portcullis-cloud-")))
    yield s
    s.stop()


def chat_client(stack):
    return OpenAI(base_url=stack.base + "/v1", api_key=stack.token(), max_retries=0)


def claude_client(stack):
    return anthropic.Anthropic(base_url=stack.base, api_key=stack.token(), max_retries=0)


def last_upstream(stack, fragment):
    hits = [r for r in stack.mock_requests() if fragment in r["path"]]
    assert hits, [r["path"] for r in stack.mock_requests()]
    return hits[-1]


MODELS = ["bedrock-claude", "bedrock-irsa", "gemini-flash", "vertex-gemini"]
PATHS = {"bedrock-claude": "/converse", "bedrock-irsa": "/converse", "gemini-flash": "/v1beta/models/gemini-2.5-flash:",
         "vertex-gemini": "/publishers/google/models/gemini-2.5-pro:"}
FORMATS = {"bedrock-claude": "bedrock.converse", "bedrock-irsa": "bedrock.converse", "gemini-flash": "google.generate_content",
           "vertex-gemini": "google.generate_content"}


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("stream", [False, True])
def test_openai_sdk_text(cloud, model, stream):
    rid = "cp-" + uuid.uuid4().hex[:10]
    c = chat_client(cloud)
    question = f"hello from the openai sdk {rid}"
    if stream:
        parts, usage = [], None
        with c.chat.completions.create(model=model, messages=[{"role": "user", "content": question}], stream=True,
                                       stream_options={"include_usage": True}, extra_headers={"x-request-id": rid}) as s:
            for chunk in s:
                if chunk.usage:
                    usage = chunk.usage
                if chunk.choices and chunk.choices[0].delta.content:
                    parts.append(chunk.choices[0].delta.content)
        text = "".join(parts)
        assert usage and usage.prompt_tokens > 0 and usage.completion_tokens > 0
    else:
        r = c.chat.completions.create(model=model, messages=[{"role": "user", "content": question}], extra_headers={"x-request-id": rid})
        text = r.choices[0].message.content
        assert r.choices[0].finish_reason == "stop" and r.model == model
        assert r.usage.prompt_tokens > 0 and r.usage.completion_tokens > 0
    assert text
    sent = last_upstream(cloud, PATHS[model])
    assert ("stream" in sent["path"]) == stream
    assert "model" not in sent["body"], "the model id goes in the URL for Bedrock and Google"
    if model.startswith("bedrock"):
        assert sent["sigv4"] == "verified"
        assert sent["body"]["messages"][0]["content"][0]["text"] == question
    else:
        assert sent["body"]["contents"][0]["parts"][0]["text"] == question
    r = [x for x in audit_records(cloud, rid) if x["phase"] == "end"][-1]
    assert r["upstream_format"] == FORMATS[model] and r["api"] == "openai.chat_completions"
    assert r["usage"]["inputTokens"] > 0


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("stream", [False, True])
def test_anthropic_sdk_text(cloud, model, stream):
    c = claude_client(cloud)
    question = f"hello from the anthropic sdk {uuid.uuid4().hex[:8]}"
    if stream:
        with c.messages.stream(model=model, max_tokens=200, messages=[{"role": "user", "content": question}]) as s:
            m = s.get_final_message()
    else:
        m = c.messages.create(model=model, max_tokens=200, messages=[{"role": "user", "content": question}])
    assert m.content[0].type == "text" and m.content[0].text
    assert m.stop_reason == "end_turn"
    assert m.usage.input_tokens > 0 and m.usage.output_tokens > 0
    sent = last_upstream(cloud, PATHS[model])
    text = json.dumps(sent["body"])
    assert question in text


TOOLS = [{"type": "function", "function": {"name": "lookup", "description": "look up a company",
                                           "parameters": {"type": "object", "properties": {"q": {"type": "string"}}}}}]


@pytest.mark.parametrize("model", ["bedrock-claude", "gemini-flash"])
@pytest.mark.parametrize("stream", [False, True])
def test_tool_call_round_trip(cloud, model, stream):
    c = chat_client(cloud)
    messages = [{"role": "user", "content": '#say-then-tool Let me check.|lookup {"q": "acme"}'}]
    if stream:
        calls, finish = {}, None
        with c.chat.completions.create(model=model, messages=messages, tools=TOOLS, stream=True) as s:
            for chunk in s:
                if not chunk.choices:
                    continue
                for tc in chunk.choices[0].delta.tool_calls or []:
                    entry = calls.setdefault(tc.index, {"id": None, "name": "", "arguments": ""})
                    entry["id"] = tc.id or entry["id"]
                    entry["name"] += (tc.function.name or "") if tc.function else ""
                    entry["arguments"] += (tc.function.arguments or "") if tc.function else ""
                finish = chunk.choices[0].finish_reason or finish
        call = calls[0]
        assert finish == "tool_calls"
        call_id, name, arguments = call["id"], call["name"], call["arguments"]
    else:
        r = c.chat.completions.create(model=model, messages=messages, tools=TOOLS)
        assert r.choices[0].finish_reason == "tool_calls"
        tc = r.choices[0].message.tool_calls[0]
        call_id, name, arguments = tc.id, tc.function.name, tc.function.arguments
    assert name == "lookup" and json.loads(arguments) == {"q": "acme"}
    follow = c.chat.completions.create(model=model, tools=TOOLS, messages=messages + [
        {"role": "assistant", "content": None, "tool_calls": [{"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}]},
        {"role": "tool", "tool_call_id": call_id, "content": "ACME Pte Ltd"}])
    assert "ACME Pte Ltd" in follow.choices[0].message.content


def test_bedrock_frames_split_across_chunks_are_reassembled(cloud):
    c = chat_client(cloud)
    parts = []
    with c.chat.completions.create(model="bedrock-split", messages=[{"role": "user", "content": "split my frames please"}], stream=True) as s:
        for chunk in s:
            if chunk.choices and chunk.choices[0].delta.content:
                parts.append(chunk.choices[0].delta.content)
    assert "".join(parts)


def test_bedrock_in_stream_exception_reaches_the_caller_as_an_error(cloud):
    c = chat_client(cloud)
    with pytest.raises(openai.APIError) as e:
        with c.chat.completions.create(model="bedrock-stream-throttle", messages=[{"role": "user", "content": "go on then"}], stream=True) as s:
            for _ in s:
                pass
    assert "throttl" in str(e.value).lower()


def test_bedrock_errors_keep_their_status_in_each_callers_shape(cloud):
    with pytest.raises(openai.RateLimitError) as e:
        chat_client(cloud).chat.completions.create(model="bedrock-throttled", messages=[{"role": "user", "content": "hi"}])
    assert e.value.body["code"] == "throttling_exception"
    with pytest.raises(anthropic.RateLimitError) as e2:
        claude_client(cloud).messages.create(model="bedrock-throttled", max_tokens=50, messages=[{"role": "user", "content": "hi"}])
    assert e2.value.body["type"] == "error" and e2.value.body["error"]["type"] == "rate_limit_error"


def test_a_wrong_aws_secret_is_refused_by_the_signature_check(cloud):
    with pytest.raises(openai.APIStatusError) as e:
        chat_client(cloud).chat.completions.create(model="bedrock-forged", messages=[{"role": "user", "content": "hi"}])
    assert e.value.status_code == 403
    assert last_upstream(cloud, "/converse")["sigv4"].startswith("refused")


def test_web_identity_credentials_are_fetched_once_and_reused(cloud):
    before = requests.get(cloud.mock + "/mock/sts/calls", timeout=5).json()["calls"]
    for i in range(3):
        chat_client(cloud).chat.completions.create(model="bedrock-irsa", messages=[{"role": "user", "content": f"again {i} {uuid.uuid4().hex}"}])
    after = requests.get(cloud.mock + "/mock/sts/calls", timeout=5).json()["calls"]
    assert after - before <= 1
    assert after >= 1
    sent = last_upstream(cloud, "/converse")
    assert sent["headers"].get("x-amz-security-token") == "[redacted]", "temporary credentials carry their session token"


def test_vertex_token_is_exchanged_once_and_reused(cloud):
    for i in range(3):
        chat_client(cloud).chat.completions.create(model="vertex-gemini", messages=[{"role": "user", "content": f"vertex {i} {uuid.uuid4().hex}"}])
    calls = requests.get(cloud.mock + "/mock/google/token-calls", timeout=5).json()
    assert calls["issued"] == 1 and calls["refused"] == 0


def test_gemini_safety_stop_is_a_content_filter_finish(cloud):
    r = chat_client(cloud).chat.completions.create(model="gemini-unsafe", messages=[{"role": "user", "content": "something"}])
    assert r.choices[0].finish_reason == "content_filter"
    m = claude_client(cloud).messages.create(model="gemini-unsafe", max_tokens=50, messages=[{"role": "user", "content": "something"}])
    assert m.stop_reason == "refusal"


def test_gemini_errors_keep_their_status(cloud):
    with pytest.raises(openai.RateLimitError) as e:
        chat_client(cloud).chat.completions.create(model="gemini-busy", messages=[{"role": "user", "content": "hi"}])
    assert e.value.body["code"] == "resource_exhausted"


def test_fields_converse_cannot_express_are_refused_with_a_400(cloud):
    with pytest.raises(openai.BadRequestError) as e:
        chat_client(cloud).chat.completions.create(model="bedrock-claude", messages=[{"role": "user", "content": "hi"}], logprobs=True)
    assert e.value.body["param"] == "logprobs"
    assert not [r for r in cloud.mock_requests() if "logprobs" in json.dumps(r.get("body"))]


def test_provider_credentials_never_come_from_the_caller(cloud):
    chat_client(cloud).chat.completions.create(model="gemini-flash", messages=[{"role": "user", "content": "whose key?"}])
    sent = last_upstream(cloud, "/v1beta/models/gemini-2.5-flash:")
    assert "authorization" not in {k.lower() for k in sent["headers"]}, "the caller's bearer token is not forwarded"


@pytest.mark.parametrize("stream", [False, True])
def test_failover_from_bedrock_to_gemini_for_an_anthropic_caller(cloud, stream):
    rid = "cp-" + uuid.uuid4().hex[:10]
    c = claude_client(cloud)
    kw = dict(model="cross-cloud", max_tokens=200, messages=[{"role": "user", "content": f"across clouds {rid}"}],
              extra_headers={"x-request-id": rid})
    if stream:
        with c.messages.stream(**kw) as s:
            m = s.get_final_message()
    else:
        m = c.messages.create(**kw)
    assert m.content[0].text and m.stop_reason == "end_turn"
    r = [x for x in audit_records(cloud, rid) if x["phase"] == "end"][-1]
    # bedrock-keys keeps the default max_retries (1): one retry on the same target, then the fallback.
    assert [(a["provider"], a["outcome"], a.get("status")) for a in r["attempts"]] == [
        ("bedrock-keys", "upstream_status", 503), ("bedrock-keys", "upstream_status", 503), ("gemini", "served", 200)]
    assert r["upstream_format"] == "google.generate_content" and r["api"] == "anthropic.messages"
