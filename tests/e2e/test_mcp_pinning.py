"""MCP tool pinning by approval: a server in `pinning: approval` shows no tool until an administrator approves its
definition with `portcullis mcp approve` (by the hash `portcullis mcp pins --pending` lists); a changed definition
(a rug pull) is hidden and refused until its new hash is approved; a pin in the configuration file is
authoritative. Driven by the official `mcp` SDK against the FastMCP fixture."""
import json
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

from conftest import BIN, Stack
from mcp_support import CallError, McpClient, start_fixture

FIXTURE_TOKEN = "mcp-upstream-" + uuid.uuid4().hex
WRONG_PIN = "0" * 64
MCP_CONFIG = """mcp:
  public_url: http://127.0.0.1:{gateway_port}
  servers:
    reviewed:
      url: http://127.0.0.1:{fixture_port}/mcp
      authorization: env:MCP_FIXTURE_TOKEN
      scopes: [mcp.tools]
      pinning: approval
    pinned:
      url: http://127.0.0.1:{fixture_port}/mcp
      authorization: env:MCP_FIXTURE_TOKEN
      pinning: first_use
      pins: {echo: "%s"}
""" % WRONG_PIN
POLICIES = """
permit(principal in Group::"staff", action in [Action::"tools/list", Action::"tools/call"], resource);
"""


class Reviewed:
    def __init__(self, stack, upstream):
        self.stack = stack
        self.upstream = upstream
        self.config = stack.work / "portcullis.yaml"

    def client(self, server="reviewed"):
        resource = f"http://127.0.0.1:{self.stack.port}/mcp/{server}"
        token = self.stack.token("alice", ("staff",), aud=resource, scope="mcp.tools")
        return McpClient(f"{self.stack.base}/mcp/{server}", token, "2025-11-25")

    def tools(self, server="reviewed"):
        with self.client(server) as c:
            return set(c.tools())

    def cli(self, *args):
        return subprocess.run([BIN, "mcp", *args, "--config", str(self.config)], capture_output=True, text=True, timeout=60)

    def pending(self):
        out = self.cli("pins", "--pending")
        assert out.returncode == 0, out.stderr
        return [json.loads(line) for line in out.stdout.splitlines()]

    def approve(self, tool, hash_):
        out = self.cli("approve", "--server", "reviewed", "--tool", tool, "--hash", hash_, "--by", "security-review")
        assert out.returncode == 0, out.stderr
        return out.stdout


@pytest.fixture(scope="module")
def reviewed():
    work = Path(tempfile.mkdtemp(prefix="portcullis-mcp-pins-"))
    (work / "pin_policies.cedar").write_text(POLICIES)
    upstream = start_fixture(work, token=FIXTURE_TOKEN)
    try:
        stack = Stack(work, policies=work / "pin_policies.cedar", extra_env={"MCP_FIXTURE_TOKEN": FIXTURE_TOKEN},
                      mcp_config=MCP_CONFIG.replace("{fixture_port}", str(upstream.port)))
    except BaseException:
        upstream.stop()
        raise
    try:
        yield Reviewed(stack, upstream)
    finally:
        stack.stop()
        upstream.stop()


def test_unapproved_tools_are_hidden_and_refused_then_approved_by_hash(reviewed):
    assert reviewed.tools() == set()
    with reviewed.client() as c:
        refused = c.call_tool("echo", {"text": "hello"})
    assert isinstance(refused, CallError) and refused.code == -32005 and refused.reason == "tool_not_approved"
    pending = {p["tool"]: p for p in reviewed.pending() if p["server"] == "reviewed"}
    assert {"echo", "lookup", "delete_record"} <= set(pending)
    assert json.loads(pending["echo"]["definition"])["name"] == "echo"
    # A wrong hash approves nothing.
    out = reviewed.cli("approve", "--server", "reviewed", "--tool", "echo", "--hash", WRONG_PIN)
    assert out.returncode == 1 and reviewed.tools() == set()
    assert "approved reviewed/echo" in reviewed.approve("echo", pending["echo"]["hash"])
    assert reviewed.tools() == {"echo"}
    with reviewed.client() as c:
        assert c.call_tool("echo", {"text": "hello"}).content[0].text == "hello"
    pins = [json.loads(line) for line in reviewed.cli("pins").stdout.splitlines()]
    echo_pin = next(p for p in pins if p["state"] == "pinned" and p.get("tool") == "echo" and p["server"] == "reviewed")
    assert echo_pin["approved_by"] == "security-review" and echo_pin["hash"] == pending["echo"]["hash"]


def test_a_changed_definition_needs_a_new_approval(reviewed):
    first = next(p for p in reviewed.pending() if p["server"] == "reviewed" and p["tool"] == "lookup")
    reviewed.approve("lookup", first["hash"])
    assert "lookup" in reviewed.tools()
    reviewed.upstream.rug_pull()
    try:
        assert "lookup" not in reviewed.tools()
        with reviewed.client() as c:
            refused = c.call_tool("lookup", {"query": "x"})
        assert isinstance(refused, CallError) and refused.reason == "tool_definition_changed"
        changed = next(p for p in reviewed.pending() if p["server"] == "reviewed" and p["tool"] == "lookup")
        assert changed["hash"] != first["hash"]
        # Approving the pulled definition pins it, but its description tells the model to read credentials:
        # the poisoning scan still withholds it (definition_findings: hide).
        reviewed.approve("lookup", changed["hash"])
        assert "lookup" not in reviewed.tools()
        with reviewed.client() as c:
            refused = c.call_tool("lookup", {"query": "x"})
        assert isinstance(refused, CallError) and refused.reason == "tool_definition_poisoned"
    finally:
        reviewed.upstream.reset()
    # The original definition is no longer the approved one until it is approved again.
    assert "lookup" not in reviewed.tools()
    again = next(p for p in reviewed.pending() if p["server"] == "reviewed" and p["tool"] == "lookup")
    assert again["hash"] == first["hash"]
    reviewed.approve("lookup", again["hash"])
    assert "lookup" in reviewed.tools()


def test_revoked_pin_hides_the_tool_again(reviewed):
    out = reviewed.cli("revoke", "--server", "reviewed", "--tool", "echo")
    assert out.returncode == 0, out.stderr
    assert "echo" not in reviewed.tools()


def test_a_configured_pin_is_authoritative(reviewed):
    # `pinned` trusts first use, but echo's configured pin names another definition: hidden, whatever the store says.
    tools = reviewed.tools("pinned")
    assert "echo" not in tools and "lookup" in tools
    with reviewed.client("pinned") as c:
        refused = c.call_tool("echo", {"text": "hello"})
    assert isinstance(refused, CallError) and refused.reason == "tool_definition_changed"
    out = reviewed.cli("approve", "--server", "pinned", "--tool", "echo", "--hash", WRONG_PIN)
    assert out.returncode == 2 and "configuration" in out.stderr


def test_integrity_events_are_audited(reviewed):
    out = subprocess.run([BIN, "audit", "export", "--db", str(reviewed.stack.db), "--format", "jsonl"],
                         capture_output=True, text=True, timeout=60)
    records = [json.loads(line) for line in out.stdout.splitlines()]
    events = [e for r in records for e in (r.get("mcp") or {}).get("integrity", [])]
    assert {"unapproved", "changed", "poisoned"} <= {e["event"] for e in events}
    refused = [r for r in records if r.get("outcome") == "refused_integrity"]
    assert refused and all(r["action"] == "tools/call" for r in refused)
    verify = subprocess.run([BIN, "audit", "verify", "--db", str(reviewed.stack.db)], capture_output=True, text=True, timeout=60)
    assert verify.returncode == 0, verify.stdout + verify.stderr
