"""The MCP gateway end to end: `/mcp/<server>` proxies Streamable HTTP MCP traffic to a configured upstream
MCP server (the SDK fixture `mcp_upstream.py`) with identity, per-tool Cedar policy, guardrails, tool pinning
and audit — driven by the official `mcp` SDK client in all three protocol revisions, and by plain HTTP where
the status, headers or a malformed request matter.

One module-scoped stack: the fixture upstream requires `Bearer <FIXTURE_TOKEN>`, which only the gateway holds
(env `MCP_FIXTURE_TOKEN`); callers present gateway tokens whose audience is the resource URI
`{public_url}/mcp/fixture` and whose scope holds `mcp.tools`. `mcp_policies.cedar`: staff may list and call
every tool but `delete_record` (forbidden to all: it is destructive), `fetch_page` and `summarise_with_model`
under the strict guardrail profile; auditors may list and call nothing. Refusals of one call are JSON-RPC
errors at HTTP 200: -32003 policy (`forbidden`), -32004 guardrail (`guardrail_blocked`), -32005 tool integrity
(`tool_definition_changed` / `tool_not_approved`). Elicitation and sampling: test_mcp_server_requests.py.

Tests share the fixture's record; each one looks only at what was recorded after its own `mark()`."""
import contextlib
import json
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest
import requests

from conftest import BIN, HERE, ISSUER, Stack
from mcp_support import (ALL_VERSIONS, CARD, HEADER_MISMATCH, MODERN_VERSION, RUG_PULL_MARKER, CallError,
                         McpClient, connect_error, dump, initialize_session, modern_meta, post_rpc, result_text, rpc,
                         rpc_response, start_fixture, www_authenticate)

SERVER = "fixture"
SCOPE = "mcp.tools"
FIXTURE_TOKEN = "mcp-upstream-" + uuid.uuid4().hex
MCP_CONFIG = """mcp:
  public_url: http://127.0.0.1:{gateway_port}
  servers:
    fixture:
      url: http://127.0.0.1:{fixture_port}/mcp
      authorization: env:MCP_FIXTURE_TOKEN
      scopes: [mcp.tools]
      pinning: first_use
"""

STAFF_TOOLS = {"echo", "customer_card", "fetch_page", "lookup", "structured_customer", "confirm_transfer",
               "summarise_with_model"}
FORBIDDEN, GUARDRAIL_BLOCKED, TOOL_INTEGRITY, LIMITED = -32003, -32004, -32005, -32006

# Detected secrets (see test_guardrails.py): an AWS access key id, an AWS secret key assigned as one, and a
# GitHub classic token — none of them a documentation example.
AWS_KEY = "AKIAJ4XH7QNZ2LM5PB3R"
AWS_SECRET = "q8Vz3Lm2Xr7Tn4Wp9Yb1Kc6Hd0Fj5Gs2Ae8Uo3Ti"
GH_TOKEN = "ghp_9aZ3kQ7vX2mN5pL8rT1wY4bC6dF0hJ2sE4uG"
SECRETS = [AWS_KEY, AWS_SECRET, GH_TOKEN]
INJECTION = "ignore all previous instructions"


class McpGateway:
    """The stack and the upstream fixture, with the MCP endpoint's names."""

    def __init__(self, stack: Stack, upstream):
        self.stack = stack
        self.upstream = upstream
        self.endpoint = f"{stack.base}/mcp/{SERVER}"          # also the resource URI: public_url + /mcp/<server>
        self.resource = f"http://127.0.0.1:{stack.port}/mcp/{SERVER}"
        self.metadata_url = f"http://127.0.0.1:{stack.port}/.well-known/oauth-protected-resource/mcp/{SERVER}"

    def token(self, sub="alice", groups=("staff",), **claims):
        """A gateway token for this MCP server: audience the resource URI, scope `mcp.tools` (override either)."""
        return self.stack.token(sub, groups, **{"aud": self.resource, "scope": SCOPE, **claims})

    def client(self, version="2025-11-25", sub="alice", groups=("staff",), token=None) -> McpClient:
        return McpClient(self.endpoint, token or self.token(sub, groups), version)


@contextlib.contextmanager
def mcp_gateway(prefix: str):
    """The fixture upstream and a stack in front of it, its tools pinned (first use) the way a client's first
    listing does, so that every test can also run on its own."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    upstream = start_fixture(work, token=FIXTURE_TOKEN)
    try:
        stack = Stack(work, policies=HERE / "mcp_policies.cedar", extra_env={"MCP_FIXTURE_TOKEN": FIXTURE_TOKEN},
                      mcp_config=MCP_CONFIG.replace("{fixture_port}", str(upstream.port)))
    except BaseException:
        upstream.stop()
        raise
    gateway = McpGateway(stack, upstream)
    try:
        with gateway.client() as c:
            c.list_tools()
        yield gateway
    finally:
        stack.stop()
        upstream.stop()


@pytest.fixture(scope="module")
def gw():
    with mcp_gateway("portcullis-mcp-") as gateway:
        yield gateway


def initialize_body():
    return rpc("initialize", {"protocolVersion": "2025-11-25", "capabilities": {},
                              "clientInfo": {"name": "portcullis-e2e-raw", "version": "1.0"}})


def export(stack):
    out = subprocess.run([BIN, "audit", "export", "--db", str(stack.db), "--format", "jsonl"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]


# --- identity: OAuth protected resource -------------------------------------------------------------------

def test_unauthenticated_request_gets_401_naming_the_resource_metadata(gw):
    mark = gw.upstream.mark()
    r = post_rpc(gw.endpoint, initialize_body())
    assert r.status_code == 401
    scheme, params = www_authenticate(r.headers["WWW-Authenticate"])
    assert scheme == "bearer"
    assert params.get("resource_metadata") == gw.metadata_url
    assert params.get("scope") == SCOPE
    assert gw.upstream.requests(mark) == []
    # The SDK client sees no status, only that the connection was refused.
    assert isinstance(connect_error(gw.endpoint, None, "2025-11-25"), CallError)


def test_protected_resource_metadata(gw):
    r = requests.get(gw.metadata_url, timeout=10)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    doc = r.json()
    assert doc["resource"] == gw.resource
    assert doc["authorization_servers"] == [ISSUER]
    assert doc["scopes_supported"] == [SCOPE]
    assert doc["bearer_methods_supported"] == ["header"]


def test_token_for_another_audience_is_refused(gw):
    mark = gw.upstream.mark()
    for aud in ("portcullis", f"http://127.0.0.1:{gw.stack.port}/mcp/other", "http://127.0.0.1:1/mcp/fixture"):
        r = post_rpc(gw.endpoint, initialize_body(), gw.token(aud=aud))
        assert r.status_code == 401, (aud, r.text)
        scheme, params = www_authenticate(r.headers["WWW-Authenticate"])
        assert scheme == "bearer" and params.get("resource_metadata") == gw.metadata_url
    assert gw.upstream.requests(mark) == []


def test_token_without_the_scope_gets_403_insufficient_scope(gw):
    mark = gw.upstream.mark()
    for scope in ("llm", "mcp.tools.read", ""):
        r = post_rpc(gw.endpoint, initialize_body(), gw.token(scope=scope))
        assert r.status_code == 403, (scope, r.text)
        scheme, params = www_authenticate(r.headers["WWW-Authenticate"])
        assert scheme == "bearer"
        assert params.get("error") == "insufficient_scope"
        assert params.get("scope") == SCOPE
        assert params.get("resource_metadata") == gw.metadata_url
    assert gw.upstream.requests(mark) == []


# --- policy ------------------------------------------------------------------------------------------------

def test_tools_list_shows_only_the_tools_the_caller_may_call(gw):
    with gw.client() as c:
        tools = c.tools()
    assert set(tools) == STAFF_TOOLS                  # delete_record is destructive: forbidden, so hidden
    assert tools["echo"].annotations.read_only_hint is True
    assert tools["structured_customer"].output_schema is not None


def test_auditors_may_list_but_see_no_tool_and_call_nothing(gw):
    mark = gw.upstream.mark()
    with gw.client(sub="carol", groups=("auditors",)) as c:
        assert c.list_tools() == []
        refused = c.call_tool("echo", {"text": "auditor"})
        read = c.read_resource("notes://welcome")
        prompt = c.get_prompt("summarise", {"text": "auditor"})
    for error in (refused, read, prompt):
        assert isinstance(error, CallError) and error.code == FORBIDDEN and error.reason == "forbidden", error
    assert gw.upstream.tool_calls(mark) == []
    assert gw.upstream.calls(mark, "resources/read") == [] and gw.upstream.calls(mark, "prompts/get") == []


def test_allowed_call_is_answered(gw):
    mark = gw.upstream.mark()
    text = "hello through the gateway " + uuid.uuid4().hex
    with gw.client() as c:
        result = c.call_tool("echo", {"text": text})
    assert not isinstance(result, CallError), result
    assert result_text(result) == text and not result.is_error
    assert [call["arguments"] for call in gw.upstream.tool_calls(mark, "echo")] == [{"text": text}]


def test_destructive_tool_is_refused_by_policy(gw):
    mark = gw.upstream.mark()
    with gw.client() as c:
        refused = c.call_tool("delete_record", {"record_id": "r-1"})
    assert isinstance(refused, CallError), refused
    assert refused.code == FORBIDDEN and refused.reason == "forbidden"
    assert gw.upstream.tool_calls(mark, "delete_record") == []


def test_resources_and_prompts_for_staff(gw):
    with gw.client() as c:
        assert [str(r.uri) for r in c.list_resources()] == ["notes://welcome"]
        note = c.read_resource("notes://welcome")
        assert [p.name for p in c.list_prompts()] == ["summarise"]
        prompt = c.get_prompt("summarise", {"text": "the quarterly report"})
    assert not isinstance(note, CallError) and "Welcome to the Portcullis MCP fixture" in note.contents[0].text
    assert not isinstance(prompt, CallError) and "the quarterly report" in prompt.messages[0].content.text


# --- guardrails --------------------------------------------------------------------------------------------

def test_secrets_in_arguments_are_redacted_before_the_server_sees_them(gw):
    mark = gw.upstream.mark()
    text = f"deploy with {AWS_KEY} and aws_secret_access_key={AWS_SECRET}, then push with {GH_TOKEN} please"
    with gw.client() as c:
        result = c.call_tool("echo", {"text": text})
    assert not isinstance(result, CallError), result
    (call,) = gw.upstream.tool_calls(mark, "echo")
    forwarded = call["arguments"]["text"]
    assert forwarded.startswith("deploy with ") and forwarded.endswith(" please")   # the rest went through
    received = json.dumps(gw.upstream.requests(mark))
    answered = dump(result)
    for secret in SECRETS:
        assert secret not in received, secret
        assert secret not in answered, secret


def test_card_number_in_a_result_is_redacted(gw):
    with gw.client() as c:
        result = c.call_tool("customer_card", {"customer_id": "cus-42"})
    assert not isinstance(result, CallError), result
    text = result_text(result)
    assert "cus-42" in text and "expires 12/29" in text
    assert CARD not in dump(result) and CARD.replace(" ", "") not in dump(result)


def test_card_number_in_structured_content_is_redacted(gw):
    with gw.client() as c:
        result = c.call_tool("structured_customer", {"customer_id": "cus-43"})
    assert not isinstance(result, CallError), result
    assert result.structured_content is not None
    assert result.structured_content["customer_id"] == "cus-43"
    assert result.structured_content["card_number"] != CARD
    assert CARD not in dump(result) and CARD.replace(" ", "") not in dump(result)   # nor in the text rendering


def test_injected_instruction_in_a_result_is_blocked(gw):
    mark = gw.upstream.mark()
    with gw.client() as c:
        blocked = c.call_tool("fetch_page", {"url": "https://shop.example/widgets"})
    assert isinstance(blocked, CallError), blocked
    assert blocked.code == GUARDRAIL_BLOCKED and blocked.reason == "guardrail_blocked"
    assert INJECTION not in json.dumps([blocked.message, blocked.data])
    # The block is on the result: the server was called.
    assert len(gw.upstream.tool_calls(mark, "fetch_page")) == 1


# --- tool pinning ------------------------------------------------------------------------------------------

def test_rug_pull_is_refused_and_hidden_until_the_definition_is_restored(gw):
    with gw.client() as c:
        assert "lookup" in c.tool_names()                    # listing pins the definition (first use)
        assert result_text(c.call_tool("lookup", {"query": "before"})) == "No entry found for 'before'."
    mark = gw.upstream.mark()
    gw.upstream.rug_pull()
    try:
        with gw.client() as c:
            refused = c.call_tool("lookup", {"query": "after the rug pull"})
            listed = c.tools()
    finally:
        gw.upstream.reset()
    assert isinstance(refused, CallError), refused
    assert refused.code == TOOL_INTEGRITY and refused.reason == "tool_definition_changed"
    assert "lookup" not in listed and set(listed) == STAFF_TOOLS - {"lookup"}
    assert all(RUG_PULL_MARKER not in (t.description or "") for t in listed.values())
    assert [c for c in gw.upstream.tool_calls(mark, "lookup") if c["arguments"]["query"] == "after the rug pull"] == []

    with gw.client() as c:                                   # the pinned definition is back: so is the tool
        assert "lookup" in c.tool_names()
        assert result_text(c.call_tool("lookup", {"query": "restored"})) == "No entry found for 'restored'."


# --- the upstream's credential, not the caller's -----------------------------------------------------------

def test_callers_token_never_reaches_the_upstream(gw):
    token = gw.token(jti=uuid.uuid4().hex)
    mark = gw.upstream.mark()
    for version in ALL_VERSIONS:
        with gw.client(version, token=token) as c:
            c.call_tool("echo", {"text": "whose token?"})
    entries = gw.upstream.requests(mark)
    assert entries
    assert all(e["headers"].get("authorization") == f"Bearer {FIXTURE_TOKEN}" for e in entries)
    # No request the upstream ever received (in this whole module) carries a caller's JWT anywhere.
    everything = json.dumps(gw.upstream.requests(0, path=None))
    assert token not in everything and token.split(".")[1] not in everything
    assert "eyJ" not in everything


# --- protocol ----------------------------------------------------------------------------------------------

def test_stateless_header_mismatch_is_refused_before_the_upstream(gw):
    mark = gw.upstream.mark()
    marker = "mismatch-" + uuid.uuid4().hex
    body = rpc("tools/call", {"name": "echo", "arguments": {"text": marker}, "_meta": modern_meta()})
    r = post_rpc(gw.endpoint, body, gw.token(),
                 {"MCP-Protocol-Version": MODERN_VERSION, "Mcp-Method": "tools/list", "Mcp-Name": "echo"})
    assert r.status_code == 400
    answer = r.json()
    assert answer["error"]["code"] == HEADER_MISMATCH
    assert answer["id"] == body["id"]
    assert marker not in json.dumps(gw.upstream.requests(mark))


@pytest.mark.parametrize("body, code, status, id_", [
    # Undeclared envelope member, batch, params that is not an object, bad JSON, duplicate member. The id is
    # echoed when it can be read from an object; otherwise null.
    ('{"jsonrpc":"2.0","id":"x1","method":"tools/list","smuggled":true,"params":{}}', -32600, 400, "x1"),
    ('[{"jsonrpc":"2.0","id":"x2","method":"tools/list"}]', -32600, 400, None),
    ('{"jsonrpc":"2.0","id":"x3","method":"tools/call","params":["echo"]}', -32600, 400, "x3"),
    ('{"jsonrpc":"2.0","id":"x4","method":', -32700, 400, None),
    ('{"jsonrpc":"2.0","id":"x5","method":"tools/list","method":"tools/call"}', -32700, 400, None),
])
def test_malformed_envelopes_are_refused_before_the_upstream(gw, body, code, status, id_):
    mark = gw.upstream.mark()
    r = requests.post(gw.endpoint, data=body, timeout=30, headers={
        "Authorization": f"Bearer {gw.token()}", "Content-Type": "application/json",
        "Accept": "application/json, text/event-stream", "MCP-Protocol-Version": MODERN_VERSION})
    assert r.status_code == status, r.text
    answer = r.json()
    assert answer["error"]["code"] == code
    assert answer["id"] == id_
    assert gw.upstream.requests(mark) == []


def test_undeclared_methods_and_parameters_never_reach_the_upstream(gw):
    session_id, result = initialize_session(gw.endpoint, gw.token(), "2025-11-25")
    headers = {"Mcp-Session-Id": session_id, "MCP-Protocol-Version": result["protocolVersion"]}
    mark = gw.upstream.mark()
    unknown = post_rpc(gw.endpoint, rpc("completion/complete", {"ref": {"type": "ref/prompt", "name": "summarise"}}), gw.token(), headers)
    assert unknown.status_code == 200 and rpc_response(unknown)["error"]["code"] == -32601
    smuggled = post_rpc(gw.endpoint, rpc("tools/call", {"name": "echo", "arguments": {"text": "hi"}, "task": {"ttl": 1}}), gw.token(), headers)
    assert smuggled.status_code == 200 and rpc_response(smuggled)["error"]["code"] == -32602
    note = post_rpc(gw.endpoint, {"jsonrpc": "2.0", "method": "notifications/unheard_of"}, gw.token(), headers)
    assert note.status_code == 400
    assert gw.upstream.requests(mark) == []


def test_protocol_key_names_in_arguments_do_not_exempt_them_from_inspection(gw):
    # `type`, `data` and `role` are exempt only where the protocol puts them (a content block's type...): as a
    # tool's own argument names they are text, and the secret in them is redacted before the server sees it.
    mark = gw.upstream.mark()
    args = {"customer_id": "C-1", "type": GH_TOKEN, "data": AWS_KEY, "role": GH_TOKEN}
    body = rpc("tools/call", {"name": "customer_card", "arguments": args, "_meta": modern_meta()})
    post_rpc(gw.endpoint, body, gw.token(), {"MCP-Protocol-Version": MODERN_VERSION, "Mcp-Method": "tools/call", "Mcp-Name": "customer_card"})
    seen = json.dumps(gw.upstream.requests(mark))
    assert "C-1" in seen
    assert GH_TOKEN not in seen and AWS_KEY not in seen


def test_client_notifications_are_inspected_before_the_server_sees_them(gw):
    session_id, result = initialize_session(gw.endpoint, gw.token(), "2025-11-25")
    headers = {"Mcp-Session-Id": session_id, "MCP-Protocol-Version": result["protocolVersion"]}
    mark = gw.upstream.mark()
    note = {"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": "r-1", "reason": f"leaked {GH_TOKEN} oops"}}
    r = post_rpc(gw.endpoint, note, gw.token(), headers)
    assert r.status_code == 202, r.text
    seen = json.dumps(gw.upstream.requests(mark))
    assert "notifications/cancelled" in seen and "leaked" in seen
    assert GH_TOKEN not in seen


def test_an_argument_outside_the_policy_allowlist_is_refused(gw):
    mark = gw.upstream.mark()
    marker = "allowlist-" + uuid.uuid4().hex
    body = rpc("tools/call", {"name": "echo", "arguments": {"text": marker, "also": "exfil"}, "_meta": modern_meta()})
    r = post_rpc(gw.endpoint, body, gw.token(), {"MCP-Protocol-Version": MODERN_VERSION, "Mcp-Method": "tools/call", "Mcp-Name": "echo"})
    error = rpc_response(r)["error"]
    assert error["code"] == FORBIDDEN and error["data"]["reason"] == "argument_not_permitted" and error["data"]["argument"] == "also"
    assert marker not in json.dumps(gw.upstream.requests(mark))
    with gw.client(MODERN_VERSION) as c:
        assert result_text(c.call_tool("echo", {"text": marker})) == marker


def test_sessions_are_bound_to_the_principal_that_opened_them(gw):
    alice, bob = gw.token("alice"), gw.token("bob")
    session_id, result = initialize_session(gw.endpoint, alice, "2025-11-25")
    assert result["protocolVersion"] == "2025-11-25"
    headers = {"Mcp-Session-Id": session_id, "MCP-Protocol-Version": "2025-11-25"}

    own = post_rpc(gw.endpoint, rpc("tools/list"), alice, headers)
    assert own.status_code == 200
    assert {t["name"] for t in rpc_response(own)["result"]["tools"]} == STAFF_TOOLS

    mark = gw.upstream.mark()
    stolen = post_rpc(gw.endpoint, rpc("tools/list"), bob, headers)
    assert stolen.status_code == 404
    stolen_call = post_rpc(gw.endpoint, rpc("tools/call", {"name": "echo", "arguments": {"text": "bob"}}), bob, headers)
    assert stolen_call.status_code == 404
    assert gw.upstream.requests(mark) == []


@pytest.mark.parametrize("version", ALL_VERSIONS)
def test_every_revision_lists_and_calls_through_the_gateway(gw, version):
    mark = gw.upstream.mark()
    text = f"revision {version} " + uuid.uuid4().hex
    with gw.client(version) as c:
        assert c.protocol_version == version
        assert c.tool_names() == STAFF_TOOLS
        result = c.call_tool("echo", {"text": text})
        refused = c.call_tool("delete_record", {"record_id": "r-2"})
    assert not isinstance(result, CallError) and result_text(result) == text
    assert isinstance(refused, CallError) and refused.code == FORBIDDEN
    assert [call["arguments"] for call in gw.upstream.tool_calls(mark, "echo")] == [{"text": text}]


def test_sdk_default_auto_mode_discovers_the_stateless_revision(gw):
    # `Client(url)` without `mode` probes server/discover and would fall back to initialize on any error.
    with gw.client("auto") as c:
        assert c.protocol_version == MODERN_VERSION
        assert c.tool_names() == STAFF_TOOLS


@pytest.mark.parametrize("group,reason", [("metered", "rate_limited"), ("daily", "budget_exhausted")])
def test_per_tool_limits_refuse_the_call_over_them_before_the_upstream(gw, group, reason):
    # `@requests_per_minute("2")` and `@calls_per_day("2")` on echo, per principal and tool: the third call is
    # refused (-32006, never forwarded) with the seconds to wait; another principal still has its own two.
    user = f"{group}-" + uuid.uuid4().hex[:8]
    mark = gw.upstream.mark()
    with gw.client(sub=user, groups=(group,)) as c:
        answered = [c.call_tool("echo", {"text": f"{group} call {i}"}) for i in range(2)]
        refused = c.call_tool("echo", {"text": f"{group} call over the limit"})
    assert all(not isinstance(a, CallError) for a in answered), answered
    assert isinstance(refused, CallError), refused
    assert refused.code == LIMITED and refused.reason == reason
    assert refused.data["retry_after"] >= 1
    if reason == "budget_exhausted":
        assert refused.data["retry_after"] <= 86_400
    assert [c["arguments"]["text"] for c in gw.upstream.tool_calls(mark, "echo")] == [f"{group} call 0", f"{group} call 1"]
    with gw.client(sub=user + "-other", groups=(group,)) as c:
        assert not isinstance(c.call_tool("echo", {"text": "another principal"}), CallError)
    refusals = [r for r in export(gw.stack) if r.get("principal", {}).get("subject") == user and r.get("outcome") == "refused_limit"]
    assert len(refusals) == 1 and refusals[0]["mcp"]["name"] == "echo"


# --- audit (last: it reads the trail every test above left) ------------------------------------------------

def test_audit_trail_verifies_and_records_mcp_calls(gw):
    verify = subprocess.run([BIN, "audit", "verify", "--db", str(gw.stack.db)], capture_output=True, text=True,
                            timeout=60)
    assert verify.returncode == 0, verify.stdout + verify.stderr

    records = export(gw.stack)
    calls = [r for r in records if r.get("action") == "tools/call" and isinstance(r.get("mcp"), dict)]
    assert calls

    answered = [r for r in calls if r["mcp"].get("name") == "echo" and "result_sha256" in r["mcp"]]
    assert answered
    for r in answered:
        mcp = r["mcp"]
        assert mcp["server"] == SERVER and mcp["method"] == "tools/call" and mcp["name"] == "echo"
        for key in ("definition_sha256", "arguments_sha256", "result_sha256"):
            assert isinstance(mcp[key], str) and mcp[key], (key, mcp)

    assert any(r["mcp"].get("name") == "lookup" and r.get("outcome") == "refused_integrity" for r in calls)
    assert any(r["mcp"].get("name") == "delete_record" and r.get("outcome") == "refused_policy" for r in calls)
    assert any(r["mcp"].get("name") == "fetch_page" and r.get("outcome") == "blocked_guardrail" for r in calls)

    # Digests, never content: no detected value reached the trail.
    trail = json.dumps(records)
    for value in (*SECRETS, CARD):
        assert value not in trail, value
