"""Token exchange toward upstreams (RFC 8693, issue 16) through the real binary: an MCP server and an
OpenAI-compatible model provider configured with `token_exchange:` receive a token the identity provider issued
for them — the user as subject, the gateway as the authenticated client — never the caller's own token.

The identity provider's token endpoint is `token_endpoint.py` (in-process, records every request, issues
`xch-<n>`); the MCP upstream is the SDK fixture `mcp_upstream.py` (no credential of its own required, so its
record shows which Authorization reached it); the model upstream is a second `portcullis mock-upstream` without
a key (its `/mock/requests` shows the Authorization it received). `refresh_margin_seconds` is 1, so a token
issued with `expires_in: 2` is exchanged again a second later.

Each test uses its own user (`sub`), so the gateway's cache of exchanged tokens holds nothing of another test's."""
import contextlib
import json
import os
import re
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest
import requests

from conftest import BIN, HERE, ISSUER, Stack, free_port
from mcp_support import McpClient, post_rpc, result_text, rpc, rpc_response, start_fixture
from test_mtls import MTLSStack, chat as mtls_chat
from token_endpoint import ACCESS_TOKEN_TYPE, TokenEndpoint

SERVER = "fixture"
CLIENT_SECRET = "xch-secret-" + uuid.uuid4().hex
MCP_AUDIENCE = "mcp-fixture"
MODEL_AUDIENCE = "llm-api"
MODEL_SCOPE = "llm.invoke"
CONTROL_UNAVAILABLE = -32011

POLICIES = (HERE / "mcp_policies.cedar").read_text() + """
@id("xch-models")
permit(principal in Group::"staff", action in Action::"inference", resource == Model::"xch-model");
"""


class ExchangeStack(Stack):
    """The e2e stack with `identity.token_exchange` pointing at the test endpoint, a provider `xch` using token
    exchange in front of a key-less mock, and the MCP fixture server behind `/mcp/fixture` using token exchange."""

    def __init__(self, work: Path, endpoint: TokenEndpoint, fixture, open_mock: str):
        self.endpoint = endpoint
        self.fixture = fixture
        self.open_mock = open_mock
        (work / "xch-policies.cedar").write_text(POLICIES)
        super().__init__(work, policies=work / "xch-policies.cedar", extra_env={"XCH_CLIENT_SECRET": CLIENT_SECRET},
                         mcp_config=f"""mcp:
  public_url: http://127.0.0.1:{{gateway_port}}
  servers:
    {SERVER}:
      url: {fixture.url}
      token_exchange: {{audience: {MCP_AUDIENCE}, resource: "{fixture.url}"}}
      scopes: [mcp.tools]
      pinning: first_use
""")

    def config(self):
        base = super().config()
        base = base.replace("identity:\n  issuers:", f"""identity:
  token_exchange:
    token_endpoint: {self.endpoint.url}
    client_id: portcullis
    client_secret: env:XCH_CLIENT_SECRET
    refresh_margin_seconds: 1
    timeout_seconds: 3
  delegation:
    workloads:
      - {{issuer: "{ISSUER}", subject: rag-api, user_token_clients: [rag-web]}}
  issuers:""", 1)
        base = base.replace("      discovery: false\n", "      discovery: false\n      claim_mapping: {preset: generic, actor_client: /azp}\n", 1)
        base = base.replace("providers:\n", f"""providers:
  xch:
    kind: openai
    base_url: {self.open_mock}/v1
    token_exchange: {{audience: {MODEL_AUDIENCE}, scope: {MODEL_SCOPE}}}
    max_retries: 0
    circuit_breaker: {{enabled: false}}
""", 1)
        return base.replace("models:\n", "models:\n  - {name: xch-model, provider: xch, upstream_model: mock-gpt}\n", 1)

    @property
    def mcp_endpoint(self):
        return f"{self.base}/mcp/{SERVER}"

    def mcp_token(self, sub, groups=("staff",)):
        return self.token(sub, groups, aud=f"http://127.0.0.1:{self.port}/mcp/{SERVER}", scope="mcp.tools")


@contextlib.contextmanager
def open_mock_upstream(work: Path):
    """`portcullis mock-upstream` without a key: it answers any Authorization and records it."""
    port = free_port()
    log = open(work / "open-mock.log", "w")
    proc = subprocess.Popen([BIN, "mock-upstream", "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 30
        while True:
            try:
                requests.get(base + "/mock/requests", timeout=1)
                break
            except requests.RequestException:
                if time.time() > deadline or proc.poll() is not None:
                    raise TimeoutError("open mock upstream")
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def tx():
    work = Path(tempfile.mkdtemp(prefix="portcullis-e2e-exchange-"))
    endpoint = TokenEndpoint(client_id="portcullis", client_secret=CLIENT_SECRET)
    fixture = start_fixture(work)
    try:
        with open_mock_upstream(work) as mock:
            stack = ExchangeStack(work, endpoint, fixture, mock)
            try:
                # Pin the fixture's tools (first use), as a client's first listing would.
                with McpClient(stack.mcp_endpoint, stack.mcp_token("setup")) as c:
                    c.list_tools()
                yield stack
            finally:
                stack.stop()
    finally:
        fixture.stop()
        endpoint.stop()


def mock_requests(stack):
    return requests.get(stack.open_mock + "/mock/requests", timeout=5).json()["data"]


def chat(stack, token, model="xch-model", user_token=None):
    # Each call asks something new: the stack's answer cache must not serve it.
    headers = {"Authorization": f"Bearer {token}"}
    if user_token is not None:
        headers["x-portcullis-user-token"] = user_token
    return requests.post(stack.base + "/v1/chat/completions", headers=headers,
                         json={"model": model, "messages": [{"role": "user", "content": "hello " + uuid.uuid4().hex}]},
                         timeout=30)


def authorizations(entries):
    return [e["headers"].get("authorization") for e in entries]


# --- MCP ----------------------------------------------------------------------------------------------------

def test_the_mcp_server_gets_a_token_exchanged_for_the_caller_never_the_callers_own(tx):
    token = tx.mcp_token("alice")
    endpoint_mark, upstream_mark = tx.endpoint.mark(), tx.fixture.mark()
    with McpClient(tx.mcp_endpoint, token) as c:
        assert "echo" in c.tool_names()
        assert result_text(c.call_tool("echo", {"text": "hi"})) == "hi"
    exchanges = tx.endpoint.exchanges(endpoint_mark)
    assert len(exchanges) == 1, exchanges
    sent = exchanges[0]
    assert sent["form"]["subject_token"] == token
    assert sent["form"]["subject_token_type"] == ACCESS_TOKEN_TYPE
    assert sent["form"]["requested_token_type"] == ACCESS_TOKEN_TYPE
    assert sent["form"]["audience"] == MCP_AUDIENCE
    assert sent["form"]["resource"] == tx.fixture.url
    assert "actor_token" not in sent["form"] and "scope" not in sent["form"]
    # client_secret_basic: the credentials in the Authorization header, none in the body.
    assert sent["client_auth"] == "basic" and sent["client_ok"]
    assert "client_secret" not in sent["form"] and "client_id" not in sent["form"]
    issued = sent["issued"]
    assert issued.startswith("xch-")
    received = tx.fixture.requests(upstream_mark)
    assert received, "nothing reached the MCP server"
    assert set(authorizations(received)) == {f"Bearer {issued}"}
    assert token not in json.dumps(received)


def test_a_second_call_within_the_lifetime_is_not_exchanged_again(tx):
    token = tx.mcp_token("carol")
    mark = tx.endpoint.mark()
    with McpClient(tx.mcp_endpoint, token) as c:
        c.call_tool("echo", {"text": "one"})
    with McpClient(tx.mcp_endpoint, token) as c:
        c.call_tool("echo", {"text": "two"})
    assert len(tx.endpoint.exchanges(mark)) == 1


def test_two_users_get_two_tokens(tx):
    endpoint_mark, upstream_mark = tx.endpoint.mark(), tx.fixture.mark()
    tokens = {}
    for user in ("dave", "erin"):
        tokens[user] = tx.mcp_token(user)
        with McpClient(tx.mcp_endpoint, tokens[user]) as c:
            c.call_tool("echo", {"text": user})
    exchanges = tx.endpoint.exchanges(endpoint_mark)
    assert [e["form"]["subject_token"] for e in exchanges] == [tokens["dave"], tokens["erin"]]
    issued = {tx.endpoint.issued_to(e["issued"]): e["issued"] for e in exchanges}
    assert len(set(issued.values())) == 2
    # Each user's call reached the server with that user's exchanged token.
    for call in tx.fixture.requests(upstream_mark):
        body = call["body"] or {}
        if body.get("method") == "tools/call" and body["params"]["name"] == "echo":
            user = body["params"]["arguments"]["text"]
            assert call["headers"]["authorization"] == f"Bearer {issued[tokens[user]]}"


@pytest.mark.parametrize("mode", ["error", "drop", "down"])
def test_no_exchange_no_mcp_call(tx, mode):
    token = tx.mcp_token(f"gina-{mode}")
    endpoint_mark, upstream_mark = tx.endpoint.mark(), tx.fixture.mark()
    if mode == "down":
        tx.endpoint.stop()
    else:
        tx.endpoint.mode = mode
    try:
        r = post_rpc(tx.mcp_endpoint, rpc("initialize", {"protocolVersion": "2025-11-25", "capabilities": {},
                                                         "clientInfo": {"name": "xch-e2e", "version": "1"}}), token)
    finally:
        if mode == "down":
            tx.endpoint.start()
        tx.endpoint.mode = "ok"
    assert r.status_code == 200, r.text
    error = rpc_response(r)["error"]
    assert error["code"] == CONTROL_UNAVAILABLE, error
    assert error["data"]["reason"] == "control_unavailable"
    assert token not in r.text and "subject token" not in r.text
    assert tx.fixture.requests(upstream_mark) == []
    if mode != "down":
        assert len(tx.endpoint.exchanges(endpoint_mark)) == 1


# --- model calls ------------------------------------------------------------------------------------------------

def test_the_model_provider_gets_a_token_exchanged_for_the_caller(tx):
    token = tx.token("henry")
    endpoint_mark, upstream_mark = tx.endpoint.mark(), len(mock_requests(tx))
    r = chat(tx, token)
    assert r.status_code == 200, r.text
    assert r.json()["choices"][0]["message"]["content"]
    exchanges = tx.endpoint.exchanges(endpoint_mark)
    assert len(exchanges) == 1
    sent = exchanges[0]
    assert sent["form"]["subject_token"] == token
    assert sent["form"]["audience"] == MODEL_AUDIENCE and sent["form"]["scope"] == MODEL_SCOPE
    assert "resource" not in sent["form"]
    assert sent["client_auth"] == "basic" and sent["client_ok"]
    received = mock_requests(tx)[upstream_mark:]
    assert authorizations(received) == [f"Bearer {sent['issued']}"]
    assert token not in json.dumps(received)
    # Within the lifetime: the same token, no exchange.
    assert chat(tx, token).status_code == 200
    assert len(tx.endpoint.exchanges(endpoint_mark)) == 1
    assert authorizations(mock_requests(tx)[upstream_mark:]) == [f"Bearer {sent['issued']}"] * 2


def test_in_delegation_the_users_token_is_exchanged_once_per_actor_chain(tx):
    # A workload (rag-api) carrying a user's token: the user's token is the subject, never the workload's. The
    # same user calling directly (through the client rag-web that the token names) is another actor chain, so
    # another exchanged token.
    workload = tx.token("rag-api", groups=("services",), client_id="rag-api")
    user = tx.token("liam", azp="rag-web")
    endpoint_mark, upstream_mark = tx.endpoint.mark(), len(mock_requests(tx))
    assert (r := chat(tx, workload, user_token=user)).status_code == 200, r.text
    assert (r := chat(tx, user)).status_code == 200, r.text
    assert chat(tx, workload, user_token=user).status_code == 200
    exchanges = tx.endpoint.exchanges(endpoint_mark)
    assert [e["form"]["subject_token"] for e in exchanges] == [user, user]
    delegated, direct = exchanges[0]["issued"], exchanges[1]["issued"]
    assert delegated != direct
    received = mock_requests(tx)[upstream_mark:]
    assert authorizations(received) == [f"Bearer {delegated}", f"Bearer {direct}", f"Bearer {delegated}"]
    assert workload not in json.dumps(received) and user not in json.dumps(received)


@pytest.mark.parametrize("issue", ["opaque", "jwt"])
def test_an_expiring_token_is_exchanged_again(tx, issue):
    # expires_in 2 (opaque), or a JWT whose exp is 2 s away and no expires_in; refresh margin 1 s.
    token = tx.token(f"ivy-{issue}")
    tx.endpoint.expires_in, tx.endpoint.issue = 2, issue
    try:
        endpoint_mark, upstream_mark = tx.endpoint.mark(), len(mock_requests(tx))
        assert chat(tx, token).status_code == 200
        time.sleep(1.5)
        assert chat(tx, token).status_code == 200
    finally:
        tx.endpoint.expires_in, tx.endpoint.issue = 300, "opaque"
    exchanges = tx.endpoint.exchanges(endpoint_mark)
    assert len(exchanges) == 2, exchanges
    first, second = exchanges[0]["issued"], exchanges[1]["issued"]
    assert first != second
    assert authorizations(mock_requests(tx)[upstream_mark:]) == [f"Bearer {first}", f"Bearer {second}"]


@pytest.mark.parametrize("mode", ["error", "drop", "down"])
def test_no_exchange_no_model_call(tx, mode):
    token = tx.token(f"jack-{mode}")
    upstream_mark = len(mock_requests(tx))
    if mode == "down":
        tx.endpoint.stop()
    else:
        tx.endpoint.mode = mode
    try:
        r = chat(tx, token)
    finally:
        if mode == "down":
            tx.endpoint.start()
        tx.endpoint.mode = "ok"
    assert r.status_code == 503, r.text
    assert r.json()["error"]["code"] == "control_unavailable"
    assert r.headers.get("retry-after") == "1"
    assert token not in r.text
    assert mock_requests(tx)[upstream_mark:] == []


def test_no_token_or_secret_in_logs_or_audit(tx):
    token = tx.token("kate")
    assert chat(tx, token).status_code == 200
    issued = [r["issued"] for r in tx.endpoint.record() if r["issued"]]
    subjects = [r["form"]["subject_token"] for r in tx.endpoint.exchanges()]
    out = subprocess.run([BIN, "audit", "export", "--db", str(tx.db), "--format", "jsonl"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    log = (tx.work / "gateway.log").read_text()
    for text, what in ((out.stdout, "audit"), (log, "log")):
        assert CLIENT_SECRET not in text, what
        for value in issued + subjects:
            # `xch-1` must not match inside `xch-12`.
            assert re.search(re.escape(value) + r"(?![0-9])", text) is None, (what, value[:16])


# --- a workload with a client certificate alone -----------------------------------------------------------------

class ExchangeMTLSStack(MTLSStack):
    """test_mtls.py's stack (a SPIFFE workload authenticates with its certificate) plus a provider and an MCP
    server that take exchanged tokens only."""

    def __init__(self, work: Path, endpoint: TokenEndpoint):
        self.endpoint = endpoint
        super().__init__(work)

    def config(self):
        base = super().config()
        base = base.replace("identity:\n", f"""identity:
  token_exchange:
    token_endpoint: {self.endpoint.url}
    client_id: portcullis
    client_secret: env:E2E_UPSTREAM_KEY
""", 1)
        base = base.replace("providers:\n", f"""providers:
  xch:
    kind: openai
    base_url: {self.mock}/v1
    token_exchange: {{audience: {MODEL_AUDIENCE}}}
    max_retries: 0
""", 1)
        base = base.replace("models:\n", "models:\n  - {name: xch-model, provider: xch, upstream_model: mock-gpt}\n", 1)
        return base + f"""mcp:
  servers:
    {SERVER}:
      url: http://127.0.0.1:{free_port()}/mcp
      token_exchange: {{audience: {MCP_AUDIENCE}}}
"""


def test_a_client_certificate_alone_cannot_be_exchanged():
    work = Path(tempfile.mkdtemp(prefix="portcullis-e2e-exchange-mtls-"))
    endpoint = TokenEndpoint(client_id="portcullis", client_secret="unused")
    stack = None
    try:
        stack = ExchangeMTLSStack(work, endpoint)
        r = requests.post(stack.base + "/v1/chat/completions", cert=stack.writer, verify=stack.ca, timeout=30,
                          json={"model": "xch-model", "messages": [{"role": "user", "content": "hello"}]})
        assert r.status_code == 403, r.text
        assert r.json()["error"]["code"] == "user_token_required"
        assert "client certificate" in r.json()["error"]["message"]
        # The same workload may still call a model whose provider has a key of its own.
        assert mtls_chat(stack, cert=stack.writer).status_code == 200
        m = requests.post(stack.base + f"/mcp/{SERVER}", cert=stack.writer, verify=stack.ca, timeout=30,
                          headers={"Accept": "application/json, text/event-stream"},
                          json=rpc("initialize", {"protocolVersion": "2025-11-25", "capabilities": {},
                                                  "clientInfo": {"name": "xch-e2e", "version": "1"}}))
        assert m.status_code == 403, m.text
        assert rpc_response(m)["error"]["data"]["reason"] == "user_token_required"
        assert endpoint.record() == []
        assert [e["body"]["model"] for e in stack.mock_requests()] == ["mock-gpt"]
    finally:
        if stack is not None:
            stack.stop()
        endpoint.stop()
