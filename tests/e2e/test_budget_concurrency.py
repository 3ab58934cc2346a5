"""200 concurrent requests through HTTP against a budget that fits exactly 10: exactly 10 are answered."""
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from limits_support import PricedStack

# Each call reserves 1 estimated input token + 9 output tokens at 0.001 per token = 0.01; the budget holds 0.1.
# The provider answers after 8 s, so every admission happens while the first ten reservations are still held.
LIMITS = """  budgets:
    - {scope: principal, match: "*", daily: 0.1}
"""


class SlowPricedStack(PricedStack):
    def config(self):
        slow = '  - {name: slow-priced, provider: mock, upstream_model: "mock-gpt+latency=8000", ' \
               'input_price_per_million: 1000, output_price_per_million: 1000}\n'
        return super().config().replace("models:\n", "models:\n" + slow, 1)


@pytest.fixture(scope="module")
def budgeted():
    s = SlowPricedStack(Path(tempfile.mkdtemp(prefix="portcullis-budget-")), limits=LIMITS)
    yield s
    s.stop()


def test_two_hundred_concurrent_requests_against_a_budget_for_ten(budgeted):
    token = budgeted.token("concurrent-spender")
    body = {"model": "slow-priced", "max_tokens": 9, "messages": [{"role": "user", "content": "abcd"}]}

    def call(_):
        r = requests.post(budgeted.base + "/v1/chat/completions", json=body, timeout=60,
                          headers={"authorization": f"Bearer {token}"})
        return r.status_code, r.json()

    with ThreadPoolExecutor(max_workers=200) as pool:
        results = list(pool.map(call, range(200)))
    statuses = [s for s, _ in results]
    assert statuses.count(200) == 10, sorted(set(statuses))
    assert statuses.count(429) == 190
    assert all(b["error"]["code"] == "insufficient_quota" for s, b in results if s == 429)
    # Settled at the reported usage (1 prompt + 4 completion tokens each), nothing left reserved.
    report = requests.get(budgeted.base + "/v1/usage", headers={"authorization": f"Bearer {token}"}, timeout=10).json()
    [budget] = report["data"][0]["budgets"]
    assert budget["reserved"] == 0
    assert budget["spent"] == pytest.approx(10 * 0.005)
