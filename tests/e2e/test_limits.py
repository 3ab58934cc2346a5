"""Rate limits, budgets, the identity-scoped cache and the usage API, read through the official SDK and curl."""
import json
import tempfile
from pathlib import Path

import openai
import pytest
import requests
from openai import OpenAI

from conftest import HERE
from limits_support import PricedStack, audit_records, curl

LIMITS = """  rate_limits:
    - {scope: principal, match: "*", requests_per_minute: 5, tokens_per_minute: 100000}
  budgets:
    - {scope: principal, match: "*", daily: 0.05}
  cache:
    enabled: true
"""
# A response guardrail that withholds answers naming a codename (the provider still produced and billed them).
GUARDRAILS = """guardrails:
  custom_detectors:
    - {name: codename, keywords: [NIGHTJAR], action: block, directions: [response]}
"""


@pytest.fixture(scope="module")
def limited():
    s = PricedStack(Path(tempfile.mkdtemp(prefix="portcullis-limits-")), limits=LIMITS, extra=GUARDRAILS,
                    policies=HERE / "limits_policies.cedar")
    yield s
    s.stop()


def sdk(stack, sub, groups=("staff",), **extra):
    return OpenAI(base_url=stack.base + "/v1", api_key=stack.token(sub, groups=groups, **extra), max_retries=0)


def chat(c, text="hi", model="gpt-test", **kw):
    return c.chat.completions.with_raw_response.create(model=model, messages=[{"role": "user", "content": text}], **kw)


def usage(stack, sub, **extra):
    r = requests.get(stack.base + "/v1/usage", headers={"authorization": f"Bearer {stack.token(sub, **extra)}"}, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def test_rate_limit_headers_count_down_then_429_with_retry_after(limited):
    c = sdk(limited, "rl-user")
    remaining = []
    for i in range(5):
        raw = chat(c, f"question {i}")
        assert raw.headers["x-ratelimit-limit-requests"] == "5"
        remaining.append(int(raw.headers["x-ratelimit-remaining-requests"]))
        assert raw.headers["x-ratelimit-reset-requests"]
        assert raw.headers["x-ratelimit-limit-tokens"] == "100000"
        assert int(raw.headers["x-ratelimit-remaining-tokens"]) < 100000
    assert remaining == [4, 3, 2, 1, 0]
    with pytest.raises(openai.RateLimitError) as e:
        chat(c, "one too many")
    assert e.value.body["code"] == "rate_limit_exceeded" and e.value.body["type"] == "requests"
    assert int(e.value.response.headers["retry-after"]) >= 1
    assert e.value.response.headers["x-ratelimit-remaining-requests"] == "0"
    # another identity is unaffected
    assert chat(sdk(limited, "other-user"), "hello").http_response.status_code == 200


def test_rate_limit_headers_on_every_answer_to_an_authenticated_caller(limited):
    token = limited.token("header-user")
    url = limited.base + "/v1/chat/completions"
    auth = ["-H", f"Authorization: Bearer {token}", "-H", "Content-Type: application/json"]
    answers = {
        "invalid JSON": curl(url, *auth, "-d", '{"model": "gpt-test", "messages": ['),
        "unknown model": curl(url, *auth, "-d", json.dumps({"model": "nope", "messages": [{"role": "user", "content": "x"}]})),
        "policy denial": curl(url, *auth, "-d", json.dumps({"model": "restricted-model", "messages": [{"role": "user", "content": "x"}]})),
    }
    expected = {"invalid JSON": 400, "unknown model": 404, "policy denial": 403}
    for what, (status, headers, _) in answers.items():
        assert status == expected[what], what
        # Refused before admission: the headers show the caller's buckets, nothing was charged.
        assert headers.get("x-ratelimit-limit-requests") == "5", what
        assert headers.get("x-ratelimit-remaining-requests") == "5", what
        assert headers.get("x-ratelimit-limit-tokens") == "100000", what
        assert headers.get("x-ratelimit-reset-requests"), what
    status, headers, _ = curl(url, *auth, "-d", json.dumps({"model": "gpt-test", "messages": [{"role": "user", "content": "x"}]}))
    assert status == 200 and headers["x-ratelimit-remaining-requests"] == "4"
    assert headers["x-ratelimit-limit-tokens"] == "100000" and headers["x-ratelimit-reset-tokens"]
    # No identity, no bucket: an unauthenticated caller gets none.
    status, headers, _ = curl(url, "-d", "{}")
    assert status == 401 and not any(h.startswith("x-ratelimit") for h in headers)


def test_budget_exhaustion_is_distinguishable(limited):
    c = sdk(limited, "spender")
    with pytest.raises(openai.RateLimitError) as e:
        c.chat.completions.create(model="priced-model", max_tokens=200, messages=[{"role": "user", "content": "expensive"}])
    assert e.value.body["code"] == "insufficient_quota" and e.value.body["type"] == "insufficient_quota"
    assert e.value.response.headers["x-should-retry"] == "false"


def test_every_choice_counts_in_the_worst_case(limited):
    # priced-model: 0.001 per token. 1 input + 10 output = 0.011 fits the 0.05 budget; with n=5 it is 0.051.
    c = sdk(limited, "chooser")
    with pytest.raises(openai.RateLimitError) as e:
        chat(c, "hi", model="priced-model", max_tokens=10, n=5)
    assert e.value.body["code"] == "insufficient_quota"
    assert chat(c, "hi", model="priced-model", max_tokens=10, n=1).http_response.status_code == 200


def test_both_token_cap_fields_are_capped(limited):
    limited.clear_mock()
    c = sdk(limited, "capper")
    chat(c, "#lorem 50", max_completion_tokens=5, extra_body={"max_tokens": 100000})
    forwarded = limited.mock_requests()[-1]["body"]
    assert forwarded["max_completion_tokens"] == 5 and forwarded["max_tokens"] == 5


def test_an_answer_withheld_by_a_response_guardrail_is_still_charged(limited):
    c = sdk(limited, "withheld")
    with pytest.raises(openai.UnprocessableEntityError) as e:
        chat(c, "#say the codename is NIGHTJAR", model="priced-model", max_tokens=20)
    assert e.value.body["code"] == "response_blocked"
    [budget] = usage(limited, "withheld")["data"][0]["budgets"]
    assert budget["reserved"] == 0 and budget["spent"] > 0   # the provider produced (and billed) the answer


def test_a_policy_obligation_tightens_the_rate_limit(limited):
    c = sdk(limited, "contractor", groups=("throttled",))
    first = chat(c, "a")
    # The tightest bucket is the policy's (2/min) rather than the configured 5/min.
    assert first.headers["x-ratelimit-limit-requests"] == "2" and first.headers["x-ratelimit-remaining-requests"] == "1"
    chat(c, "b")
    with pytest.raises(openai.RateLimitError) as e:
        chat(c, "c")
    assert e.value.body["code"] == "rate_limit_exceeded" and "policy limit" in e.value.body["message"]
    # Someone the policy does not cover still has the configured limit.
    assert chat(sdk(limited, "staffer"), "a").headers["x-ratelimit-limit-requests"] == "5"


def test_cache_is_scoped_to_the_identity(limited):
    a, b = sdk(limited, "cache-a"), sdk(limited, "cache-b")
    text = "identical question for the cache"
    assert chat(a, text).headers["x-portcullis-cache"] == "miss"
    assert chat(a, text).headers["x-portcullis-cache"] == "hit"
    assert chat(b, text).headers["x-portcullis-cache"] == "miss"     # never another user's answer
    fresh = a.chat.completions.with_raw_response.create(model="gpt-test", messages=[{"role": "user", "content": text}],
                                                        extra_headers={"Cache-Control": "no-store"})
    assert fresh.headers["x-portcullis-cache"] == "miss"


def test_a_cache_hit_counts_against_rate_limits_is_inspected_and_audited(limited):
    c = sdk(limited, "hit-user")
    text = "#say write to bob@example.com for details"
    miss = chat(c, text, extra_headers={"x-request-id": "hit-user-miss"})
    assert miss.headers["x-portcullis-cache"] == "miss" and miss.headers["x-ratelimit-remaining-requests"] == "4"
    hit = chat(c, text, extra_headers={"x-request-id": "hit-user-hit"})
    assert hit.headers["x-portcullis-cache"] == "hit"
    assert hit.headers["x-ratelimit-remaining-requests"] == "3"             # the hit is a request
    assert hit.parse().choices[0].message.content == miss.parse().choices[0].message.content
    [record] = [r for r in audit_records(limited, "hit-user-hit") if r["phase"] == "complete"]
    assert record["outcome"] == "cache_hit" and record["cache_hit"] is True
    # The output guardrails ran on the replayed answer (the email is flagged in the response again).
    assert any(f["category"] == "pii.email" and f["direction"] == "response" for f in record["findings"]), record["findings"]
    me = usage(limited, "hit-user")["data"][0]
    assert me["rate_limits"][0]["requests"]["remaining"] <= 3
    [budget] = me["budgets"]
    assert budget["spent"] == 0 and budget["reserved"] == 0              # gpt-test is free; the hit touched no budget


def test_a_streamed_answer_is_replayed_as_a_stream(limited):
    c = sdk(limited, "stream-user")
    def streamed():
        with c.chat.completions.with_streaming_response.create(
                model="gpt-test", stream=True, messages=[{"role": "user", "content": "#lorem 9"}]) as r:
            text = "".join(chunk.choices[0].delta.content or "" for chunk in r.parse() if chunk.choices)
            return r.headers["x-portcullis-cache"], r.headers["content-type"], text
    first = streamed()
    second = streamed()
    assert first[0] == "miss" and second[0] == "hit"
    assert second[1].startswith("text/event-stream")
    assert second[2] == first[2] and first[2].startswith("lorem ipsum")


def test_unauthenticated_callers_get_401_before_any_body_is_read(limited):
    big = json.dumps({"model": "gpt-test", "messages": [{"role": "user", "content": "x" * 70000}]})
    status, headers, body = curl(limited.base + "/v1/chat/completions", "-d", big)
    assert status == 401 and json.loads(body)["error"]["type"] == "authentication_error"
    status, _, body = curl(limited.base + "/v1/chat/completions", "-H", "Authorization: Bearer not.a.token", "-d", big)
    assert status == 401
    status, headers, body = curl(limited.base + "/v1/chat/completions", "-H", f"Authorization: Bearer {limited.token('big')}", "-d", big)
    assert status == 413 and json.loads(body)["error"]["code"] == "request_too_large"
    assert headers["x-ratelimit-limit-requests"] == "5" and headers["x-ratelimit-remaining-requests"] == "5"


def test_usage_api_shows_own_usage_and_admins_see_all(limited):
    chat(sdk(limited, "usage-user"), "count me")
    own = usage(limited, "usage-user")
    assert own["scope"] == "self" and len(own["data"]) == 1
    assert own["data"][0]["principal"].endswith("#usage-user")
    # Identity comes from the verified token only: identity headers a client sends change nothing.
    spoofed = requests.get(limited.base + "/v1/usage", timeout=10, headers={
        "authorization": f"Bearer {limited.token('usage-user')}", "x-forwarded-user": "boss", "x-portcullis-user": "boss",
        "x-user-id": "boss", "x-remote-user": "boss", "x-ms-client-principal-name": "boss", "x-portcullis-roles": "portcullis-admin"}).json()
    assert spoofed["scope"] == "self" and spoofed["data"][0]["principal"] == own["data"][0]["principal"]
    everyone = usage(limited, "boss", groups=["staff"], roles=["portcullis-admin"])
    assert everyone["scope"] == "all" and len(everyone["data"]) >= 3
    assert requests.get(limited.base + "/v1/usage").status_code == 401


def test_anthropic_callers_get_429_rate_limit_error_with_anthropic_headers(limited):
    import anthropic
    c = anthropic.Anthropic(base_url=limited.base, api_key=limited.token("rl-anthropic"), max_retries=0)
    remaining = []
    for i in range(5):
        raw = c.messages.with_raw_response.create(model="claude-test", max_tokens=20, messages=[{"role": "user", "content": f"#say q{i}"}])
        assert raw.headers["anthropic-ratelimit-requests-limit"] == "5"
        assert raw.headers["anthropic-ratelimit-requests-reset"].endswith("Z")
        assert "x-ratelimit-limit-requests" not in raw.headers
        remaining.append(int(raw.headers["anthropic-ratelimit-requests-remaining"]))
    assert remaining == [4, 3, 2, 1, 0]
    with pytest.raises(anthropic.RateLimitError) as e:
        c.messages.create(model="claude-test", max_tokens=20, messages=[{"role": "user", "content": "one too many"}])
    assert e.value.status_code == 429 and e.value.body["type"] == "error"
    assert e.value.body["error"]["type"] == "rate_limit_error"
    assert int(e.value.response.headers["retry-after"]) >= 1
    assert e.value.response.headers["anthropic-ratelimit-requests-remaining"] == "0"
