"""`portcullis demo`: the banner prints the base URL and a development token that works with the SDK."""
import json
import os
import re
import signal
import subprocess
import tempfile
import time

import openai
import pytest
import requests
from openai import OpenAI

from conftest import BIN, free_port


@pytest.fixture(scope="module")
def demo():
    data = tempfile.mkdtemp(prefix="portcullis-demo-")
    port = free_port()
    proc = subprocess.Popen([BIN, "demo", "--port", str(port), "--data-dir", data],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    banner, deadline = "", time.time() + 120
    while "Stop with Ctrl-C." not in banner and time.time() < deadline:
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            break
        banner += line
    yield port, banner, data
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_banner_prints_a_base_url_and_a_working_token(demo):
    port, banner, data = demo
    base = re.search(r"base URL:\s+(\S+)", banner)
    token = re.search(r"PORTCULLIS_TOKEN=(\S+)", banner)
    assert base and token, banner
    assert base.group(1) == f"http://127.0.0.1:{port}"
    client = OpenAI(base_url=base.group(1) + "/v1", api_key=token.group(1), max_retries=0)
    answer = client.chat.completions.with_raw_response.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "Hello from the demo test"}])
    assert answer.http_response.status_code == 200
    assert "Hello from the demo test" in answer.parse().choices[0].message.content
    assert answer.headers["x-ratelimit-limit-requests"] == "600"
    # The demo still verifies: another token is refused.
    with pytest.raises(openai.AuthenticationError):
        OpenAI(base_url=base.group(1) + "/v1", api_key=token.group(1)[:-4] + "AAAA", max_retries=0).models.list()
    assert os.path.exists(os.path.join(data, "portcullis.demo.yaml"))
    assert requests.get(base.group(1) + "/healthz", timeout=5).json() == {"status": "ok"}


def test_banner_says_how_to_point_anthropic_clients_at_the_gateway_and_the_claude_model_answers(demo):
    port, banner, _ = demo
    token = re.search(r"PORTCULLIS_TOKEN=(\S+)", banner).group(1)
    assert f"ANTHROPIC_BASE_URL=http://127.0.0.1:{port}" in banner and "ANTHROPIC_AUTH_TOKEN" in banner
    model = re.search(r'model="(claude[^"]+)"', banner).group(1)
    import anthropic
    c = anthropic.Anthropic(base_url=f"http://127.0.0.1:{port}", auth_token=token, api_key=None, max_retries=0)
    m = c.messages.create(model=model, max_tokens=100, messages=[{"role": "user", "content": "Hello from Claude's side"}])
    assert "Hello from Claude's side" in m.content[0].text
    # the OpenAI-format model answers the Anthropic caller too (translated)
    m = c.messages.create(model="gpt-4o-mini", max_tokens=100, messages=[{"role": "user", "content": "translated"}])
    assert "translated" in m.content[0].text


def test_banner_names_the_mcp_endpoint_and_its_token_works_with_the_mcp_sdk(demo):
    from mcp_support import CallError, McpClient
    port, banner, _ = demo
    endpoint = re.search(r"MCP \(tools for agents\): (\S+)", banner)
    token = re.search(r"PORTCULLIS_MCP_TOKEN=(\S+)", banner)
    assert endpoint and token, banner
    assert endpoint.group(1) == f"http://127.0.0.1:{port}/mcp/demo"
    for version in ("2025-11-25", "2026-07-28"):
        with McpClient(endpoint.group(1), token.group(1), version) as c:
            tools = c.tools()
            # delete_note is destructive: the demo policy forbids it, so it is not listed.
            assert set(tools) == {"get_time", "word_count", "lookup_order"}
            assert c.call_tool("word_count", {"text": "one two three"}).content[0].text.strip().startswith("3")
            order = c.call_tool("lookup_order", {"order_id": "A-1"}).content[0].text
            assert "4111 1111 1111 1111" not in order and "4111111111111111" not in order
            refused = c.call_tool("delete_note", {"note_id": "n1"})
            assert isinstance(refused, CallError) and refused.code == -32003
    # The LLM token is not for the MCP server (its audience is the gateway's APIs).
    llm_token = re.search(r"PORTCULLIS_TOKEN=(\S+)", banner).group(1)
    import requests
    r = requests.post(endpoint.group(1), headers={"Authorization": f"Bearer {llm_token}"}, json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
    assert r.status_code == 401 and "resource_metadata=" in r.headers["www-authenticate"]


def test_banner_shows_a_delegated_call_and_a_dpop_bound_token_that_work(demo):
    """The banner's delegation and DPoP snippets, run as printed (with `portcullis` on PATH): both answer; the
    audit trail names alice as principal with rag-api acting; the DPoP token is refused without its proof."""
    port, banner, data = demo
    block = banner.split("Services acting for users", 1)[1].split("More tokens:", 1)[0]
    lines = [l.strip() for l in block.splitlines()[1:] if l.strip() and not l.strip().startswith(("#", "("))]
    script = "\n".join(lines)
    shim = tempfile.mkdtemp(prefix="portcullis-shim-")
    os.symlink(BIN, os.path.join(shim, "portcullis"))
    env = dict(os.environ, PATH=shim + os.pathsep + os.environ.get("PATH", ""))
    out = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=shim, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count('"object":"chat.completion"') == 2, out.stdout
    # The DPoP-bound token alone, as a bearer token, is refused.
    token = subprocess.run([BIN, "token", "--data-dir", data, "--user", "alice", "--dpop-key", os.path.join(shim, "alice-dpop.pem")],
                           capture_output=True, text=True, timeout=30).stdout.strip()
    r = requests.post(f"http://127.0.0.1:{port}/v1/chat/completions", headers={"Authorization": f"Bearer {token}"},
                      json={"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}, timeout=30)
    assert r.status_code == 401, r.text
    # The delegated call's record: alice, with rag-api (workload) and rag-web (client) acting.
    records = subprocess.run([BIN, "audit", "export", "--db", os.path.join(data, "audit.sqlite"), "--format", "jsonl"],
                             capture_output=True, text=True, timeout=60).stdout
    delegated = [json.loads(l) for l in records.splitlines() if '"delegated"' in l]
    assert delegated, records[-2000:]
    assert [a["subject"] for a in delegated[-1]["principal"]["actors"]] == ["rag-api", "rag-web"]
