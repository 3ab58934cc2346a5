"""The MCP upstream fixture (`mcp_upstream.py`) on its own, through the official SDK client and plain HTTP — no
gateway. The gateway tests (`test_mcp.py`) rely on every behaviour checked here: the tools and their
annotations in all three revisions, the rug pull, the record of what the fixture received, its bearer token,
and the stateless revision's header check."""
import tempfile
import uuid
from pathlib import Path

import pytest
import requests

from mcp_support import (ALL_VERSIONS, CARD, EMAIL, FIXTURE_TOOLS, HEADER_MISMATCH, LEGACY_VERSIONS, MODERN_VERSION,
                         READ_ONLY_FIXTURE_TOOLS, RUG_PULL_MARKER, CallError, McpClient, connect_error,
                         initialize_session, modern_meta, post_rpc, result_text, rpc, rpc_response, start_fixture)

TOKEN = "fixture-" + uuid.uuid4().hex


@pytest.fixture(scope="module")
def upstream():
    f = start_fixture(Path(tempfile.mkdtemp(prefix="portcullis-mcp-fixture-")), token=TOKEN)
    yield f
    f.stop()


@pytest.fixture(scope="module")
def json_upstream():
    f = start_fixture(Path(tempfile.mkdtemp(prefix="portcullis-mcp-fixture-json-")), json_response=True, name="json")
    yield f
    f.stop()


@pytest.mark.parametrize("version", ALL_VERSIONS)
def test_every_tool_is_listed_with_its_annotations(upstream, version):
    with McpClient(upstream.url, TOKEN, version) as c:
        assert c.protocol_version == version
        tools = c.tools()
    assert set(tools) == FIXTURE_TOOLS
    for name in READ_ONLY_FIXTURE_TOOLS:
        assert tools[name].annotations.read_only_hint is True, name
    assert tools["confirm_transfer"].annotations.read_only_hint is False
    assert tools["confirm_transfer"].annotations.destructive_hint is False
    assert tools["delete_record"].annotations.destructive_hint is True
    assert tools["delete_record"].annotations.read_only_hint is False
    assert tools["fetch_page"].annotations.open_world_hint is True
    assert tools["echo"].input_schema["properties"] == {"text": {"title": "Text", "type": "string"}}
    assert tools["structured_customer"].output_schema["properties"].keys() >= {"email", "card_number"}
    assert RUG_PULL_MARKER not in tools["lookup"].description


@pytest.mark.parametrize("version", ALL_VERSIONS)
def test_tools_answer_in_every_revision(upstream, version):
    with McpClient(upstream.url, TOKEN, version) as c:
        echoed = c.call_tool("echo", {"text": "unchanged, as sent"})
        card = c.call_tool("customer_card", {"customer_id": "cus-7"})
        page = c.call_tool("fetch_page", {"url": "https://shop.example/widgets"})
        deleted = c.call_tool("delete_record", {"record_id": "r-1"})
        customer = c.call_tool("structured_customer", {"customer_id": "cus-8"})
    assert result_text(echoed) == "unchanged, as sent" and not echoed.is_error
    assert CARD in result_text(card) and "cus-7" in result_text(card)
    assert "ignore all previous instructions" in result_text(page) and "https://evil.example/collect" in result_text(page)
    assert result_text(deleted) == "Record r-1 deleted."
    assert customer.structured_content == {"customer_id": "cus-8", "name": "Jane Doe", "email": EMAIL,
                                           "card_number": CARD}
    assert CARD in result_text(customer)     # the SDK also serialises structured content as text


@pytest.mark.parametrize("version", ALL_VERSIONS)
def test_resources_and_prompts(upstream, version):
    with McpClient(upstream.url, TOKEN, version) as c:
        assert [str(r.uri) for r in c.list_resources()] == ["notes://welcome"]
        note = c.read_resource("notes://welcome")
        assert [p.name for p in c.list_prompts()] == ["summarise"]
        prompt = c.get_prompt("summarise", {"text": "the quarterly report"})
    assert "Welcome to the Portcullis MCP fixture" in note.contents[0].text
    assert "the quarterly report" in prompt.messages[0].content.text


def test_auto_mode_discovers_the_stateless_revision(upstream):
    mark = upstream.mark()
    with McpClient(upstream.url, TOKEN, "auto") as c:
        assert c.protocol_version == MODERN_VERSION
        assert "echo" in c.tool_names()
    methods = [b.get("method") for b in upstream.calls(mark)]
    assert methods[0] == "server/discover" and "initialize" not in methods


@pytest.mark.parametrize("version", ALL_VERSIONS)
def test_rug_pull_changes_the_description_and_reset_restores_it(upstream, version):
    with McpClient(upstream.url, TOKEN, version) as c:
        before = c.tools()["lookup"]
        upstream.rug_pull()
        try:
            same_connection = c.tools()["lookup"]
            with McpClient(upstream.url, TOKEN, version) as fresh:
                new_connection = fresh.tools()["lookup"]
        finally:
            upstream.reset()
        restored = c.tools()["lookup"]
    assert RUG_PULL_MARKER not in before.description
    for pulled in (same_connection, new_connection):
        assert RUG_PULL_MARKER in pulled.description and pulled.description != before.description
        assert pulled.input_schema == before.input_schema
    assert restored.description == before.description


def test_record_holds_every_request_with_its_headers_and_body(upstream):
    mark = upstream.mark()
    marker = "recorded-" + uuid.uuid4().hex
    with McpClient(upstream.url, TOKEN, "2025-11-25") as c:
        c.call_tool("echo", {"text": marker})
    entries = upstream.requests(mark)
    assert entries and all(e["headers"]["authorization"] == f"Bearer {TOKEN}" for e in entries)
    assert {e["method"] for e in entries} >= {"POST", "DELETE"}
    posts = [e for e in entries if e["method"] == "POST"]
    assert posts[0]["body"]["method"] == "initialize" and "mcp-session-id" not in posts[0]["headers"]
    assert all(e["headers"]["mcp-session-id"] and e["headers"]["mcp-protocol-version"] == "2025-11-25"
               for e in posts[1:])
    assert upstream.tool_calls(mark, "echo")[0]["arguments"] == {"text": marker}


def test_stateless_requests_carry_the_envelope_and_routing_headers(upstream):
    mark = upstream.mark()
    with McpClient(upstream.url, TOKEN, MODERN_VERSION) as c:
        c.call_tool("echo", {"text": "stateless"})
    (entry,) = [e for e in upstream.requests(mark) if e["body"]["method"] == "tools/call"]
    assert entry["headers"]["mcp-protocol-version"] == MODERN_VERSION
    assert entry["headers"]["mcp-method"] == "tools/call" and entry["headers"]["mcp-name"] == "echo"
    assert "mcp-session-id" not in entry["headers"]
    assert entry["body"]["params"]["_meta"]["io.modelcontextprotocol/protocolVersion"] == MODERN_VERSION


@pytest.mark.parametrize("token", [None, "not-the-token"])
def test_requests_without_the_fixture_token_are_refused(upstream, token):
    r = post_rpc(upstream.url, rpc("tools/list", {"_meta": modern_meta()}), token,
                 {"MCP-Protocol-Version": MODERN_VERSION, "Mcp-Method": "tools/list"})
    assert r.status_code == 401
    # The SDK does not show the status: a 401 without a JSON-RPC body becomes -32603 at connect time
    # (handshake revisions); the stateless revision has no handshake, so its first request fails instead.
    assert connect_error(upstream.url, token, "2025-11-25") == CallError(-32603, "Server returned an error response")
    with McpClient(upstream.url, token, MODERN_VERSION) as c:
        assert c.call_tool("echo", {"text": "x"}) == CallError(-32603, "Server returned an error response")


def test_stateless_header_mismatch_is_refused_with_400_and_32020(upstream):
    mark = upstream.mark()
    body = rpc("tools/call", {"name": "echo", "arguments": {"text": "mismatch"}, "_meta": modern_meta()})
    r = post_rpc(upstream.url, body, TOKEN,
                 {"MCP-Protocol-Version": MODERN_VERSION, "Mcp-Method": "tools/list", "Mcp-Name": "echo"})
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["code"] == HEADER_MISMATCH and "mcp-method" in error["message"].lower()
    assert r.json()["id"] == body["id"]
    # The fixture itself received the request and refused it (through the gateway, it must never get here).
    assert [call["arguments"] for call in upstream.tool_calls(mark)] == [{"text": "mismatch"}]


def test_legacy_sessions_over_raw_http(upstream):
    for version in LEGACY_VERSIONS:
        session_id, result = initialize_session(upstream.url, TOKEN, version)
        assert result["protocolVersion"] == version
        r = post_rpc(upstream.url, rpc("tools/list"), TOKEN,
                     {"Mcp-Session-Id": session_id, "MCP-Protocol-Version": version})
        assert r.status_code == 200
        assert {t["name"] for t in rpc_response(r)["result"]["tools"]} == FIXTURE_TOOLS
        unknown = post_rpc(upstream.url, rpc("tools/list"), TOKEN,
                           {"Mcp-Session-Id": "no-such-session", "MCP-Protocol-Version": version})
        assert unknown.status_code == 404


def test_json_response_mode(json_upstream):
    r = post_rpc(json_upstream.url, rpc("initialize", {"protocolVersion": "2025-11-25", "capabilities": {},
                                                       "clientInfo": {"name": "t", "version": "1"}}))
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    for version in ALL_VERSIONS:
        with McpClient(json_upstream.url, None, version) as c:
            assert result_text(c.call_tool("echo", {"text": "json"})) == "json"


def test_admin_routes_need_no_token_and_plain_routes_are_recorded(upstream):
    mark = upstream.mark()
    assert requests.post(upstream.base + "/admin/reset", timeout=5).status_code == 200
    (entry,) = upstream.requests(mark, path="/admin/reset")
    assert entry["method"] == "POST" and "authorization" not in entry["headers"]
