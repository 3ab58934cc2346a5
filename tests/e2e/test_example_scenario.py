"""The seed scenario (examples/policies) end to end through the gateway, with the official SDK:
public-docs summarising for everyone on external models; code generation with internal-API tools only
for engineers on internal models; no customer PII to external providers."""
import tempfile
from pathlib import Path

import openai
import pytest
from openai import OpenAI

from conftest import HERE, Stack

EXAMPLES = HERE.parent.parent / "examples" / "policies"
TOOLS = [{"type": "function", "function": {"name": "internal_api", "parameters": {"type": "object", "properties": {}}}},
         {"type": "function", "function": {"name": "web_fetch", "parameters": {"type": "object", "properties": {}}}}]


@pytest.fixture(scope="module")
def scenario():
    s = Stack(Path(tempfile.mkdtemp(prefix="portcullis-scenario-")), policies=EXAMPLES / "portcullis.cedar",
              entities=EXAMPLES / "entities.json")
    yield s
    s.stop()


def client(stack, groups, purpose=None, classification=None):
    headers = {}
    if purpose:
        headers["x-portcullis-purpose"] = purpose
    if classification:
        headers["x-portcullis-data-classification"] = classification
    return OpenAI(base_url=stack.base + "/v1", api_key=stack.token("user-" + "-".join(groups), groups=groups),
                  max_retries=0, default_headers=headers)


def ask(c, model, text="Summarise the public API docs.", **kw):
    return c.chat.completions.create(model=model, messages=[{"role": "user", "content": text}], **kw)


def test_everyone_summarises_public_docs_on_external_models(scenario):
    scenario.clear_mock()
    r = ask(client(scenario, ["sales"], "summarise", "public"), "gpt-4o")
    assert r.choices[0].message.content.startswith("Echo:")
    assert scenario.mock_requests()[-1]["body"]["max_tokens"] == 2048     # @max_tokens of public-docs-summarise


def test_no_declared_purpose_is_default_deny(scenario):
    with pytest.raises(openai.PermissionDeniedError) as e:
        ask(client(scenario, ["sales"]), "gpt-4o")
    assert "no policy permits" in e.value.body["message"]


def test_customer_pii_never_goes_to_an_external_provider(scenario):
    scenario.clear_mock()
    nric = "Customer S1234567D asked about the docs."
    with pytest.raises(openai.PermissionDeniedError) as e:
        ask(client(scenario, ["sales"], "summarise", "public"), "gpt-4o", nric)
    assert "no-pii-to-external" in e.value.body["message"]
    assert "S1234567D" not in str(e.value.body)
    assert scenario.mock_requests() == []                                   # nothing reached the provider
    ok = ask(client(scenario, ["sales"], "summarise", "public"), "llama-internal", nric)
    assert ok.choices[0].message.content.startswith("Echo:")


def test_engineers_generate_code_with_internal_tools_on_internal_models(scenario):
    scenario.clear_mock()
    r = ask(client(scenario, ["backend"], "codegen"), "llama-internal", "Write a client for the billing API.", tools=TOOLS)
    assert r.choices[0].message.content.startswith("Echo:")
    forwarded = scenario.mock_requests()[-1]["body"]
    assert [t["function"]["name"] for t in forwarded["tools"]] == ["internal_api"]   # @tools drops web_fetch
    assert forwarded["max_tokens"] == 4096


def test_engineers_may_not_take_internal_tools_to_external_models(scenario):
    with pytest.raises(openai.PermissionDeniedError) as e:
        ask(client(scenario, ["backend"], "codegen"), "gpt-4o", "Write a client.", tools=TOOLS)
    assert "internal-tools-engineers-internal-only" in e.value.body["message"]


def test_non_engineers_get_no_codegen_with_internal_tools(scenario):
    with pytest.raises(openai.PermissionDeniedError):
        ask(client(scenario, ["sales"], "codegen"), "llama-internal", "Write a client.", tools=TOOLS)


def test_models_list_shows_what_policy_allows(scenario):
    ids = {m.id for m in client(scenario, ["sales"]).models.list()}
    assert {"gpt-4o", "llama-internal"} <= ids
