"""Rate limits, budgets, the identity-scoped cache and the usage API, read through the official SDK."""
import tempfile
from pathlib import Path

import openai
import pytest
import requests
from openai import OpenAI

from conftest import Stack

LIMITS = """  rate_limits:
    - {scope: principal, match: "*", requests_per_minute: 5, tokens_per_minute: 100000}
  budgets:
    - {scope: principal, match: "*", daily: 0.05}
  cache:
    enabled: true
"""


@pytest.fixture(scope="module")
def limited():
    s = Stack(Path(tempfile.mkdtemp(prefix="portcullis-limits-")), limits=LIMITS)
    yield s
    s.stop()


def sdk(stack, sub, groups=("staff",), **extra):
    return OpenAI(base_url=stack.base + "/v1", api_key=stack.token(sub, groups=groups, **extra), max_retries=0)


def chat(c, text="hi", **kw):
    return c.chat.completions.with_raw_response.create(model="gpt-test", messages=[{"role": "user", "content": text}], **kw)


def test_rate_limit_headers_count_down_then_429_with_retry_after(limited):
    c = sdk(limited, "rl-user")
    remaining = []
    for i in range(5):
        raw = chat(c, f"question {i}")
        assert raw.headers["x-ratelimit-limit-requests"] == "5"
        remaining.append(int(raw.headers["x-ratelimit-remaining-requests"]))
        assert raw.headers["x-ratelimit-reset-requests"]
        assert "x-ratelimit-remaining-tokens" in raw.headers
    assert remaining == [4, 3, 2, 1, 0]
    with pytest.raises(openai.RateLimitError) as e:
        chat(c, "one too many")
    assert e.value.body["code"] == "rate_limit_exceeded"
    assert int(e.value.response.headers["retry-after"]) >= 1
    # another identity is unaffected
    assert chat(sdk(limited, "other-user"), "hello").http_response.status_code == 200


def test_budget_exhaustion_is_distinguishable(limited):
    c = sdk(limited, "spender")
    with pytest.raises(openai.RateLimitError) as e:
        c.chat.completions.create(model="priced-model", max_tokens=200, messages=[{"role": "user", "content": "expensive"}])
    assert e.value.body["code"] == "budget_exceeded"


def test_cache_is_scoped_to_the_identity(limited):
    a, b = sdk(limited, "cache-a"), sdk(limited, "cache-b")
    text = "identical question for the cache"
    assert chat(a, text).headers["x-portcullis-cache"] == "miss"
    assert chat(a, text).headers["x-portcullis-cache"] == "hit"
    assert chat(b, text).headers["x-portcullis-cache"] == "miss"     # never another user's answer
    fresh = a.chat.completions.with_raw_response.create(model="gpt-test", messages=[{"role": "user", "content": text}],
                                                        extra_headers={"Cache-Control": "no-store"})
    assert fresh.headers["x-portcullis-cache"] == "miss"


def test_usage_api_shows_own_usage_and_admins_see_all(limited):
    chat(sdk(limited, "usage-user"), "count me")
    own = requests.get(limited.base + "/v1/usage", headers={"authorization": f"Bearer {limited.token('usage-user')}"}).json()
    assert own["scope"] == "self" and len(own["data"]) == 1
    admin_token = limited.token("boss", groups=["staff"], roles=["portcullis-admin"])
    everyone = requests.get(limited.base + "/v1/usage", headers={"authorization": f"Bearer {admin_token}"}).json()
    assert everyone["scope"] == "all" and len(everyone["data"]) >= 3
    assert requests.get(limited.base + "/v1/usage").status_code == 401
