"""Fallbacks, retries and circuit breaking, end to end: a model with several targets, served by the mock
upstream's failure injection (model-name options) and by a provider port that is dead until a second mock
starts on it. Read through the official `openai` and `anthropic` SDKs, `/readyz`, `/metrics` and the audit trail."""
import json
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import anthropic
import openai
import pytest
import requests
from openai import OpenAI

from conftest import BIN, HERE, Stack, free_port, wait_ready
from limits_support import audit_records


class FailoverStack(Stack):
    def __init__(self, work):
        self.flaky_port = free_port()
        super().__init__(work, policies=HERE / "failover_policies.cedar")

    def config(self):
        providers = f"""  backup:
    kind: openai
    base_url: {self.mock}/v1
    api_key: env:E2E_UPSTREAM_KEY
    max_retries: 0
  flaky:
    kind: openai
    base_url: http://127.0.0.1:{self.flaky_port}/v1
    api_key: env:E2E_UPSTREAM_KEY
    max_retries: 0
    circuit_breaker: {{failures: 2, window_seconds: 60, open_seconds: 1.5}}
"""
        models = """  - name: fo-503
    input_price_per_million: 1
    output_price_per_million: 1
    targets:
      - {provider: mock, upstream_model: mock-error-503, hosting: internal}
      - {provider: backup, upstream_model: "mock-gpt+chunk=5", hosting: internal, input_price_per_million: 1000, output_price_per_million: 2000}
  - name: fo-slow
    timeouts: {first_byte_seconds: 0.5}
    targets:
      - {provider: mock, upstream_model: mock-slow-3000, hosting: internal}
      - {provider: backup, upstream_model: "mock-gpt+chunk=6", hosting: internal}
  - name: fo-stall
    timeouts: {first_byte_seconds: 0.5}
    targets:
      - {provider: mock, upstream_model: "mock-gpt+stall=3000", hosting: internal}
      - {provider: backup, upstream_model: "mock-gpt+chunk=7", hosting: internal}
  - name: fo-cut
    targets:
      - {provider: mock, upstream_model: mock-cut, hosting: internal}
      - {provider: backup, upstream_model: "mock-gpt+chunk=8", hosting: internal}
  - name: fo-retry
    retry: {attempts: 2, backoff_ms: 10}
    targets:
      - {provider: mock, upstream_model: "mock-error-429+retry_after=1", hosting: internal}
      - {provider: backup, upstream_model: "mock-gpt+chunk=9", hosting: internal}
  - name: fo-pii
    targets:
      - {provider: mock, upstream_model: "mock-error-503+chunk=2", hosting: internal}
      - {provider: backup, upstream_model: "mock-gpt+chunk=10", hosting: external}
  - name: fo-all-down
    targets:
      - {provider: mock, upstream_model: "mock-error-503+chunk=3", hosting: internal}
      - {provider: backup, upstream_model: "mock-error-502", hosting: internal}
  - name: fo-circuit
    targets:
      - {provider: flaky, upstream_model: mock-gpt, hosting: internal}
      - {provider: backup, upstream_model: "mock-gpt+chunk=11", hosting: internal}
  - name: fo-total
    timeouts: {total_seconds: 1}
    targets:
      - {provider: mock, upstream_model: "mock-gpt+chunk=4+delay=100", hosting: internal}
  - name: fo-circuit-alone
    targets:
      - {provider: flaky, upstream_model: mock-gpt, hosting: internal}
  - name: fo-claude
    targets:
      - {provider: anthropic-mock, upstream_model: mock-error-529, hosting: internal}
      - {provider: backup, upstream_model: "mock-gpt+chunk=12", hosting: internal}
"""
        text = super().config()
        text = text.replace("providers:\n", "providers:\n" + providers, 1)
        return text.replace("models:\n", "models:\n" + models, 1)


@pytest.fixture(scope="module")
def fo():
    s = FailoverStack(Path(tempfile.mkdtemp(prefix="portcullis-failover-")))
    yield s
    s.stop()


def sdk(stack):
    return OpenAI(base_url=stack.base + "/v1", api_key=stack.token(), max_retries=0)


def upstream_models(stack):
    """The model of each request the mock received, in order (from the body; a Messages call names it too)."""
    return [r["body"].get("model") for r in stack.mock_requests() if isinstance(r.get("body"), dict)]


def end_record(stack, rid):
    records = audit_records(stack, rid)
    ends = [r for r in records if r["phase"] in ("end", "complete")]
    assert ends, records
    return ends[-1]


def ask(stack, model, text="hello there", stream=False, **kw):
    rid = "fo-" + uuid.uuid4().hex[:10]
    text = f"{text} ({rid})"  # never a cache hit
    c = sdk(stack)
    if stream:
        parts = []
        with c.chat.completions.create(model=model, messages=[{"role": "user", "content": text}], stream=True,
                                       extra_headers={"x-request-id": rid}, **kw) as s:
            for chunk in s:
                if chunk.choices and chunk.choices[0].delta.content:
                    parts.append(chunk.choices[0].delta.content)
        return rid, "".join(parts)
    r = c.chat.completions.create(model=model, messages=[{"role": "user", "content": text}], extra_headers={"x-request-id": rid}, **kw)
    return rid, r.choices[0].message.content


def test_primary_503_then_secondary_serves_and_the_record_lists_both(fo):
    fo.clear_mock()
    rid, text = ask(fo, "fo-503", "tell me about failover")
    assert text
    assert upstream_models(fo) == ["mock-error-503", "mock-gpt+chunk=5"]
    r = end_record(fo, rid)
    assert [(a["provider"], a["upstream_model"], a["outcome"], a.get("status")) for a in r["attempts"]] == [
        ("mock", "mock-error-503", "upstream_status", 503), ("backup", "mock-gpt+chunk=5", "served", 200)]
    assert r["provider"] == "backup" and r["model_served"] == "mock-gpt+chunk=5" and r["status"] == 200
    assert "request_sha256" not in r["attempts"][0], "the first target's body is covered by the begin record"
    assert len(r["attempts"][1]["request_sha256"]) == 64
    # Charged at the price of the target that served (1000/2000 per million), not the primary's (1/1).
    u = r["usage"]
    expected = (u["inputTokens"] * 1000 + u["outputTokens"] * 2000) / 1e6
    assert abs(r["cost"] - expected) < 1e-9


def test_primary_503_then_secondary_streams(fo):
    fo.clear_mock()
    rid, text = ask(fo, "fo-503", "stream it", stream=True)
    assert text
    assert upstream_models(fo) == ["mock-error-503", "mock-gpt+chunk=5"]
    assert [a["outcome"] for a in end_record(fo, rid)["attempts"]] == ["upstream_status", "served"]


@pytest.mark.parametrize("stream", [False, True])
def test_primary_without_a_first_byte_in_time_fails_over(fo, stream):
    fo.clear_mock()
    started = time.time()
    rid, text = ask(fo, "fo-slow", "slow primary", stream=stream)
    assert text
    assert time.time() - started < 2.5, "the 3 s primary was abandoned after the 0.5 s first-byte timeout"
    r = end_record(fo, rid)
    assert [(a["upstream_model"], a["outcome"]) for a in r["attempts"]] == [("mock-slow-3000", "timeout"), ("mock-gpt+chunk=6", "served")]


def test_stream_whose_first_event_is_late_fails_over(fo):
    fo.clear_mock()
    rid, text = ask(fo, "fo-stall", "stalled stream", stream=True)
    assert text
    r = end_record(fo, rid)
    assert [(a["upstream_model"], a["outcome"]) for a in r["attempts"]] == [("mock-gpt+stall=3000", "timeout"), ("mock-gpt+chunk=7", "served")]


def test_stream_cut_after_the_first_byte_is_not_failed_over(fo):
    fo.clear_mock()
    rid = "fo-" + uuid.uuid4().hex[:10]
    c = sdk(fo)
    got = []
    with pytest.raises(Exception):
        with c.chat.completions.create(model="fo-cut", messages=[{"role": "user", "content": "cut me off"}], stream=True,
                                       extra_headers={"x-request-id": rid}) as s:
            for chunk in s:
                if chunk.choices and chunk.choices[0].delta.content:
                    got.append(chunk.choices[0].delta.content)
    assert upstream_models(fo) == ["mock-cut"], "no second provider call once bytes were relayed"
    r = end_record(fo, rid)
    assert [a["outcome"] for a in r["attempts"]] == ["served"]
    assert r["outcome"] == "upstream_error"


def test_a_stream_still_running_at_the_requests_deadline_is_ended(fo):
    rid = "fo-" + uuid.uuid4().hex[:10]
    started = time.time()
    got = []
    with pytest.raises(openai.APIError):
        with sdk(fo).chat.completions.create(model="fo-total", messages=[{"role": "user", "content": "#lorem 200"}], stream=True,
                                             extra_headers={"x-request-id": rid}) as s:
            for chunk in s:
                if chunk.choices and chunk.choices[0].delta.content:
                    got.append(chunk.choices[0].delta.content)
    assert time.time() - started < 3, "200 words at 4 characters per 100 ms would take far longer"
    assert end_record(fo, rid)["outcome"] == "upstream_error"


def test_retry_after_is_honoured_on_the_same_target_then_failover(fo):
    fo.clear_mock()
    started = time.time()
    rid, text = ask(fo, "fo-retry", "rate limited")
    elapsed = time.time() - started
    assert text
    assert upstream_models(fo) == ["mock-error-429+retry_after=1", "mock-error-429+retry_after=1", "mock-gpt+chunk=9"]
    assert elapsed >= 1.0, "waited the provider's Retry-After before the retry"
    r = end_record(fo, rid)
    assert [(a["upstream_model"], a.get("status")) for a in r["attempts"]] == [
        ("mock-error-429+retry_after=1", 429), ("mock-error-429+retry_after=1", 429), ("mock-gpt+chunk=9", 200)]


def test_fallback_to_an_external_target_is_refused_when_the_request_carries_pii(fo):
    fo.clear_mock()
    rid = "fo-" + uuid.uuid4().hex[:10]
    c = sdk(fo)
    with pytest.raises(openai.InternalServerError) as e:
        c.chat.completions.create(model="fo-pii", messages=[{"role": "user", "content": "email jane.doe@example.com please"}],
                                  extra_headers={"x-request-id": rid})
    assert e.value.status_code == 503
    assert upstream_models(fo) == ["mock-error-503+chunk=2"], "the external fallback was never called"
    r = end_record(fo, rid)
    assert [(a["upstream_model"], a["outcome"]) for a in r["attempts"]] == [
        ("mock-error-503+chunk=2", "upstream_status"), ("mock-gpt+chunk=10", "refused_policy")]
    assert r["attempts"][1]["policies"] == ["no-pii-to-external"]
    assert r["provider"] == "mock"


def test_fallback_to_an_external_target_serves_a_request_without_pii(fo):
    fo.clear_mock()
    rid, text = ask(fo, "fo-pii", "nothing personal here")
    assert text
    assert upstream_models(fo) == ["mock-error-503+chunk=2", "mock-gpt+chunk=10"]


def test_every_target_failing_relays_the_last_status(fo):
    fo.clear_mock()
    with pytest.raises(openai.APIStatusError) as e:
        ask(fo, "fo-all-down", "anyone there?")
    assert e.value.status_code == 502
    assert upstream_models(fo) == ["mock-error-503+chunk=3", "mock-error-502"]


def test_anthropic_caller_fails_over_from_an_anthropic_target_to_an_openai_one(fo):
    fo.clear_mock()
    rid = "fo-" + uuid.uuid4().hex[:10]
    c = anthropic.Anthropic(base_url=fo.base, api_key=fo.token(), max_retries=0)
    m = c.messages.create(model="fo-claude", max_tokens=100, messages=[{"role": "user", "content": "hello claude"}],
                          extra_headers={"x-request-id": rid})
    assert m.content[0].text
    assert upstream_models(fo) == ["mock-error-529", "mock-gpt+chunk=12"]
    r = end_record(fo, rid)
    assert r["upstream_format"] == "openai.chat_completions"
    assert [a["outcome"] for a in r["attempts"]] == ["upstream_status", "served"]


def circuits(stack):
    return requests.get(stack.base + "/readyz", timeout=10).json()["circuits"]


def circuit_gauge(stack):
    text = requests.get(stack.base + "/metrics", timeout=10).text
    lines = [l for l in text.splitlines() if l.startswith("portcullis_upstream_circuit_state") and 'provider="flaky"' in l]
    assert lines, text[:2000]
    return float(lines[0].rsplit(" ", 1)[1])


def test_circuit_opens_skips_the_upstream_and_recovers(fo):
    assert circuits(fo)["flaky/mock-gpt"] == "closed"
    # The flaky provider's port has no server: two failed connections open its circuit (failures: 2).
    for _ in range(2):
        rid, text = ask(fo, "fo-circuit", "first tries")
        assert text
        r = end_record(fo, rid)
        assert [a["outcome"] for a in r.get("attempts", [])] == ["not_connected", "served"], r
    assert circuits(fo)["flaky/mock-gpt"] == "open"
    assert circuit_gauge(fo) == 1
    rid, _ = ask(fo, "fo-circuit", "while open")
    assert [a["outcome"] for a in end_record(fo, rid)["attempts"]] == ["circuit_open", "served"]
    # A model whose only upstream is out of rotation fails fast with 503 and a Retry-After.
    with pytest.raises(openai.APIStatusError) as e:
        ask(fo, "fo-circuit-alone", "nobody home")
    assert e.value.status_code == 503
    assert e.value.response.json()["error"]["code"] == "upstream_unavailable"
    assert int(e.value.response.headers["retry-after"]) >= 1
    # The provider comes back; after open_seconds one probe goes through, succeeds and closes the circuit.
    proc = subprocess.Popen([BIN, "mock-upstream", "--port", str(fo.flaky_port), "--api-key", "env:E2E_UPSTREAM_KEY"],
                            env={"E2E_UPSTREAM_KEY": __import__("conftest").UPSTREAM_KEY}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(f"http://127.0.0.1:{fo.flaky_port}/healthz", proc)
        time.sleep(1.6)
        assert circuits(fo)["flaky/mock-gpt"] == "half_open"
        rid, text = ask(fo, "fo-circuit", "after recovery")
        assert text
        r = end_record(fo, rid)
        assert [(a["provider"], a["outcome"]) for a in r["attempts"]] == [("flaky", "served")]
        assert circuits(fo)["flaky/mock-gpt"] == "closed"
        assert circuit_gauge(fo) == 0
        metrics = requests.get(fo.base + "/metrics", timeout=10).text
        assert 'portcullis_upstream_attempts_total{provider="flaky",upstream_model="mock-gpt",outcome="circuit_open"}' in metrics.replace(" 1\n", "\n") or \
            any(l.startswith('portcullis_upstream_attempts_total') and 'circuit_open' in l for l in metrics.splitlines())
    finally:
        proc.terminate()
        proc.wait(timeout=10)
