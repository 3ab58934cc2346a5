"""Plain HTTP (curl) against the gateway: framing, headers, error shapes, limits, observability."""
import json
import subprocess
import tempfile
import uuid
from pathlib import Path

import requests

from conftest import Stack


def curl(*args):
    out = subprocess.run(["curl", "-s", "-i", *args], capture_output=True, text=True, timeout=30).stdout
    head, _, body = out.replace("\r\n", "\n").partition("\n\n")
    status = int(head.split()[1])
    headers = {l.split(":", 1)[0].lower(): l.split(":", 1)[1].strip() for l in head.split("\n")[1:] if ":" in l}
    return status, headers, body


def test_sse_framing_and_done(stack):
    status, headers, body = curl("-N", stack.base + "/v1/chat/completions", "-H", f"Authorization: Bearer {stack.token()}",
                                 "-H", "Content-Type: application/json",
                                 "-d", json.dumps({"model": "gpt-test", "stream": True, "messages": [{"role": "user", "content": "#lorem 12"}]}))
    assert status == 200 and headers["content-type"].startswith("text/event-stream")
    events = [e for e in body.split("\n\n") if e.strip()]
    assert all(e.startswith("data: ") for e in events)
    assert events[-1] == "data: [DONE]"
    text = "".join(json.loads(e[6:])["choices"][0]["delta"].get("content") or "" for e in events[:-1] if json.loads(e[6:])["choices"])
    assert text.split()[:2] == ["lorem", "ipsum"]


def test_malformed_json_is_400_naming_the_problem(stack):
    status, headers, body = curl(stack.base + "/v1/chat/completions", "-H", f"Authorization: Bearer {stack.token()}",
                                 "-d", '{"model": "gpt-test", "messages": [')
    assert status == 400
    err = json.loads(body)["error"]
    assert "not valid JSON" in err["message"] and err["type"] == "invalid_request_error"


def test_body_over_limit_is_413(stack):
    big = json.dumps({"model": "gpt-test", "messages": [{"role": "user", "content": "x" * 70000}]})
    status, _, body = curl(stack.base + "/v1/chat/completions", "-H", f"Authorization: Bearer {stack.token()}", "-d", big)
    assert status == 413 and json.loads(body)["error"]["code"] == "request_too_large"


def test_unknown_route_is_openai_style_404(stack):
    status, _, body = curl(stack.base + "/v1/engines")
    assert status == 404 and json.loads(body)["error"]["code"] == "unknown_url"


def test_missing_token_gets_bearer_challenge(stack):
    status, headers, body = curl(stack.base + "/v1/chat/completions", "-d", "{}")
    assert status == 401 and headers["www-authenticate"].startswith("Bearer")
    assert json.loads(body)["error"]["type"] == "authentication_error"


def test_request_id_round_trip_and_propagation(stack):
    stack.clear_mock()
    status, headers, _ = curl(stack.base + "/v1/chat/completions", "-H", f"Authorization: Bearer {stack.token()}",
                              "-H", "x-request-id: trace-abc-123", "-H", "x-user-id: mallory", "-H", "x-forwarded-user: mallory",
                              "-d", json.dumps({"model": "gpt-test", "user": "alice@example.com", "messages": [{"role": "user", "content": "hi"}]}))
    assert status == 200 and headers["x-request-id"] == "trace-abc-123"
    forwarded = stack.mock_requests()[-1]
    assert forwarded["headers"]["x-request-id"] == "trace-abc-123"
    sent = {k.lower() for k in forwarded["headers"]}
    assert "x-user-id" not in sent and "x-forwarded-user" not in sent       # client identity headers never forwarded
    assert stack.token() not in json.dumps(forwarded)                       # the caller's token never goes upstream
    assert forwarded["body"]["user"] != "alice@example.com" and len(forwarded["body"]["user"]) == 64  # pseudonymous id


# Rate-limit headers need a stack with rate limits (this one has none): curl checks them on every kind of
# answer in test_limits.py::test_rate_limit_headers_on_every_answer_to_an_authenticated_caller.


def test_health_ready_metrics(stack):
    assert requests.get(stack.base + "/healthz").json() == {"status": "ok"}
    ready = requests.get(stack.base + "/readyz")
    assert ready.status_code == 503  # the "dead" provider is configured and unreachable
    assert ready.json()["checks"]["upstream:mock"] == "ok" and ready.json()["checks"]["upstream:dead"] == "failing"
    metrics = requests.get(stack.base + "/metrics").text
    assert 'portcullis_requests_total{' in metrics and 'route="/v1/chat/completions"' in metrics
    assert "portcullis_gateway_overhead_seconds_bucket" in metrics
    assert "portcullis_upstream_duration_seconds_bucket" in metrics


def test_metrics_route_labels_are_route_templates_whatever_the_spelling(stack):
    # The router also matches /v1//chat/completions, /v1///chat/completions, ...: an unauthenticated caller must not
    # be able to add a route label (and a histogram set) per spelling.
    before = requests.get(stack.base + "/metrics").text
    spellings = ["/v1//chat/completions", "/v1///chat/completions", "//v1/chat/completions", "/v1/chat//completions"]
    for i, path in enumerate(spellings * 5):
        status, _, _ = curl("--path-as-is", stack.base + path + "/" * (i // len(spellings)), "-d", "{}")
        assert status in (401, 404), (path, status)
    token = stack.token()
    status, _, _ = curl("--path-as-is", stack.base + "/v1//chat/completions", "-H", f"Authorization: Bearer {token}",
                        "-H", "Content-Type: application/json",
                        "-d", json.dumps({"model": "gpt-test", "messages": [{"role": "user", "content": "hi"}]}))
    after = requests.get(stack.base + "/metrics").text
    routes = {line.split('route="', 1)[1].split('"', 1)[0] for line in after.splitlines() if 'route="' in line}
    assert not any("//" in r for r in routes), routes
    assert routes <= {"/v1/chat/completions", "/v1/responses", "/v1/embeddings", "/v1/messages", "/v1/messages/count_tokens",
                      "/v1/models", "/v1/usage", "unmatched"} | {r for r in routes if r.startswith("/mcp/")}, routes
    assert len(after) < len(before) + 20_000


def test_metrics_can_require_the_scrapers_bearer():
    # `observability.metrics_bearer`: without it or with another token /metrics is 401, and says nothing of it.
    secret = "scrape-" + uuid.uuid4().hex
    work = Path(tempfile.mkdtemp(prefix="portcullis-e2e-metrics-"))
    guarded = Stack(work, observability_extra="  metrics_bearer: env:E2E_METRICS_TOKEN\n", extra_env={"E2E_METRICS_TOKEN": secret})
    try:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": secret}, {"Authorization": "Bearer " + secret[:-1]},
                        {"Authorization": guarded.token()}):
            r = requests.get(guarded.base + "/metrics", headers=headers, timeout=10)
            assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer"), headers
            assert "portcullis_" not in r.text and secret not in r.text
        status, _, body = curl(guarded.base + "/metrics", "-H", "Authorization: Bearer " + secret, "-H", "Authorization: Bearer " + secret)
        assert status == 401 and "portcullis_" not in body  # two Authorization headers: refused, as for any token
        for value in ("Bearer " + secret, "bearer  " + secret + " "):  # the scheme in any case, blanks around the token
            r = requests.get(guarded.base + "/metrics", headers={"Authorization": value}, timeout=10)
            assert r.status_code == 200 and "portcullis_" in r.text and secret not in r.text
        assert requests.get(guarded.base + "/healthz", timeout=10).status_code == 200
    finally:
        guarded.stop()
    assert secret not in (work / "gateway.log").read_text()


def test_audit_trail_verifies(stack):
    import os
    bin = os.environ.get("PORTCULLIS_BIN")
    import conftest
    r = subprocess.run([conftest.BIN, "audit", "verify", "--db", str(stack.db)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
