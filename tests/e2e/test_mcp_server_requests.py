"""The MCP gateway end to end, on what a server asks the client besides results — elicitation and sampling —
and on what the client answers, in both eras:

- handshake revisions (2025-11-25): the server sends `elicitation/create` / `sampling/createMessage` as a
  JSON-RPC request on the SSE stream of the `tools/call` POST; the client POSTs a JSON-RPC result, which the
  gateway relays to the server;
- stateless revision (2026-07-28): `tools/call` answers an `InputRequiredResult` (`resultType:
  "input_required"`, `inputRequests`, `requestState`); the client fulfils the requests and retries the call
  with `params.inputResponses` and the echoed `params.requestState`.

The fixture's `confirm_transfer` elicits a note with a question that holds a card number;
`summarise_with_model` samples the client's model. Staff call `confirm_transfer` under the default
(standard) profile, `summarise_with_model` under `strict` (mcp_policies.cedar). Expectations (docs/mcp.md,
Guardrails): the server's requests are inspected with the answer-side actions (standard redacts
`pii.credit_card`), and as model input for injection (strict blocks); the client's answers with the
request-side actions (standard redacts secrets); a `requestState` the gateway did not relay to the caller is
refused (-32602 `unknown_request_state`).

Same module-scoped stack as test_mcp.py (the fixture requires the gateway's own credential); each test looks
only at what the fixture recorded after its own `mark()`."""
import json
import uuid

import pytest

from mcp_support import (CARD, MODERN_VERSION, SAMPLING_INJECTION, CallError, McpClient, ServerRequests, dump,
                         modern_meta, post_rpc, result_text, rpc, rpc_response)
from test_mcp import GH_TOKEN, GUARDRAIL_BLOCKED, McpGateway, mcp_gateway

ERAS = ("2025-11-25", MODERN_VERSION)
INVALID_PARAMS = -32602
CARD_FORMS = (CARD, CARD.replace(" ", ""), CARD.replace(" ", "-"))


@pytest.fixture(scope="module")
def gw():
    with mcp_gateway("portcullis-mcp-asks-") as gateway:
        with gateway.client() as c:
            assert {"confirm_transfer", "summarise_with_model"} <= c.tool_names()
        yield gateway


def client(gw: McpGateway, version: str, asked: ServerRequests, sub: str = "alice") -> McpClient:
    """A staff client of `/mcp/fixture` whose elicitation and sampling callbacks are `asked`'s."""
    return McpClient(gw.endpoint, gw.token(sub), version, server_requests=asked)


def elicit_meta() -> dict:
    """`params._meta` of a raw stateless request from a client that can answer form elicitation."""
    return {**modern_meta(), "io.modelcontextprotocol/clientCapabilities": {"elicitation": {"form": {}}}}


def stateless_headers(name: str) -> dict[str, str]:
    return {"MCP-Protocol-Version": MODERN_VERSION, "Mcp-Method": "tools/call", "Mcp-Name": name}


def client_answers(upstream, since: int, version: str) -> list[dict]:
    """What the client answered the server's requests, as the server received it: in a handshake revision the
    JSON-RPC messages POSTed without a method (`{"id", "result"}` or `{"id", "error"}`); in the stateless
    revision every value of `params.inputResponses` of the retried `tools/call`s."""
    if version == MODERN_VERSION:
        return [answer for call in upstream.tool_calls(since)
                for answer in (call.get("inputResponses") or {}).values()]
    return [m for m in upstream.calls(since) if "method" not in m]


# --- elicitation: the server's question (standard profile: the card number is redacted) ------------------

@pytest.mark.parametrize("version", ERAS)
def test_elicitation_question_reaches_the_client_with_the_card_number_redacted(gw, version):
    account = "DE-" + uuid.uuid4().hex[:10]
    asked = ServerRequests(elicit_content={"note": "approved by alice"})
    mark = gw.upstream.mark()
    with client(gw, version, asked) as c:
        assert c.protocol_version == version
        result = c.call_tool("confirm_transfer", {"account": account})

    assert not isinstance(result, CallError), result
    assert not result.is_error and result_text(result) == "transfer confirmed: approved by alice"

    (question,) = asked.elicitations                    # delivered once, to the elicitation callback
    assert account in question.message                  # the rest of the question went through
    assert question.message.startswith("Please confirm the transfer from card ")
    assert question.message.endswith("Add a note for the payment reference.")
    assert question.requested_schema["properties"]["note"]["type"] == "string"
    seen = asked.seen()
    for form in CARD_FORMS:
        assert form not in seen, form
    assert asked.samplings == []

    # The server got the call and the client's (clean) answer, once.
    calls = gw.upstream.tool_calls(mark, "confirm_transfer")
    assert [call["arguments"] for call in calls] == [{"account": account}] * len(calls)
    assert len(calls) == (2 if version == MODERN_VERSION else 1)   # stateless: the call and its retry
    (answer,) = client_answers(gw.upstream, mark, version)
    if version != MODERN_VERSION:
        answer = answer["result"]
    assert answer == {"action": "accept", "content": {"note": "approved by alice"}}


# --- elicitation: the client's answer (standard profile: the secret is redacted on the request side) ------

@pytest.mark.parametrize("version", ERAS)
def test_secret_in_the_clients_elicitation_answer_is_redacted_before_the_server(gw, version):
    account = "FR-" + uuid.uuid4().hex[:10]
    note = f"approved; deploy key for the batch job is {GH_TOKEN} thanks"
    asked = ServerRequests(elicit_content={"note": note})
    mark = gw.upstream.mark()
    with client(gw, version, asked) as c:
        result = c.call_tool("confirm_transfer", {"account": account})

    assert not isinstance(result, CallError), result
    assert len(asked.elicitations) == 1
    text = result_text(result)
    assert not result.is_error and text.startswith("transfer confirmed: approved; deploy key for the batch job is ")
    assert text.endswith(" thanks")
    assert GH_TOKEN not in dump(result) and "ghp_" not in dump(result)

    (answer,) = client_answers(gw.upstream, mark, version)
    if version != MODERN_VERSION:
        assert "error" not in answer, answer
        answer = answer["result"]
    assert answer["action"] == "accept"
    forwarded = answer["content"]["note"]
    assert forwarded.startswith("approved; deploy key for the batch job is ") and forwarded.endswith(" thanks")
    assert "ghp_" not in forwarded
    # Nowhere in anything the server received during this call.
    received = json.dumps(gw.upstream.requests(mark))
    assert GH_TOKEN not in received and "ghp_" not in received


# --- sampling: an injected instruction in the server's request (strict profile: blocked) -------------------

@pytest.mark.parametrize("version", ERAS)
def test_sampling_request_carrying_an_injection_never_reaches_the_client(gw, version):
    # The injection comes from the server (the fixture samples SAMPLING_INJECTION instead of the caller's
    # text): the caller's arguments are clean, so the block can only be on the server's request.
    asked = ServerRequests(sample_text="I will not do that.")
    mark = gw.upstream.mark()
    gw.upstream.poison_sampling()
    try:
        with client(gw, version, asked) as c:
            outcome = c.call_tool("summarise_with_model", {"text": "the quarterly report"})
    finally:
        gw.upstream.reset()

    assert asked.samplings == [], asked.sampling_texts()   # the sampling callback was never called
    assert asked.elicitations == []
    # The server was called (the block is on what it asked, not on the call's arguments).
    calls = gw.upstream.tool_calls(mark, "summarise_with_model")
    assert calls and calls[0]["arguments"] == {"text": "the quarterly report"}

    if version == MODERN_VERSION:
        # The injection is inside the InputRequiredResult: the result is refused, nothing is retried.
        assert isinstance(outcome, CallError), outcome
        assert outcome.code == GUARDRAIL_BLOCKED and outcome.reason == "guardrail_blocked", outcome
        assert len(calls) == 1
        assert client_answers(gw.upstream, mark, version) == []
        shown = json.dumps([outcome.message, outcome.data])
    else:
        # The gateway answers the server's request with an error on the client's behalf; the tool fails.
        if isinstance(outcome, CallError):
            shown = json.dumps([outcome.message, outcome.data])
        else:
            assert outcome.is_error, dump(outcome)
            shown = dump(outcome)
            assert not result_text(outcome).startswith("summary:")
        assert len(calls) == 1
        (answer,) = client_answers(gw.upstream, mark, version)        # the gateway's, not the client's
        assert "result" not in answer, answer
        assert answer["error"]["code"] == GUARDRAIL_BLOCKED, answer
        assert answer["error"]["data"]["reason"] == "guardrail_blocked", answer
    assert "evil.example" not in shown and "Ignore all previous instructions" not in shown


def test_the_same_injection_in_the_callers_arguments_is_blocked_before_the_server(gw):
    # For contrast: sent by the caller, the injection is caught in the arguments (strict: request-side block).
    asked = ServerRequests()
    mark = gw.upstream.mark()
    with client(gw, MODERN_VERSION, asked) as c:
        outcome = c.call_tool("summarise_with_model", {"text": SAMPLING_INJECTION})
    assert isinstance(outcome, CallError), outcome
    assert outcome.code == GUARDRAIL_BLOCKED and outcome.reason == "guardrail_blocked", outcome
    assert asked.samplings == []
    assert gw.upstream.tool_calls(mark, "summarise_with_model") == []


# --- sampling: a benign request is delivered ---------------------------------------------------------------

@pytest.mark.parametrize("version", ERAS)
def test_benign_sampling_request_is_delivered_and_answered(gw, version):
    text = "Quarterly revenue grew four percent on strong widget sales. Ref " + uuid.uuid4().hex[:8]
    asked = ServerRequests(sample_text="Revenue grew four percent.")
    mark = gw.upstream.mark()
    with client(gw, version, asked) as c:
        result = c.call_tool("summarise_with_model", {"text": text})

    assert not isinstance(result, CallError), result
    assert not result.is_error and result_text(result) == "summary: Revenue grew four percent."
    (request,) = asked.samplings
    assert [m.role for m in request.messages] == ["user"]
    assert asked.sampling_texts() == [text]
    assert request.max_tokens == 200

    (answer,) = client_answers(gw.upstream, mark, version)
    if version != MODERN_VERSION:
        answer = answer["result"]
    assert answer["role"] == "assistant" and answer["model"] == "e2e-model"
    assert answer["content"] == {"type": "text", "text": "Revenue grew four percent."}


# --- stateless: requestState is bound to the caller it was relayed to --------------------------------------
#
# -32602 is answered with HTTP 400: the stateless revision maps a JSON-RPC error code to the HTTP status
# (docs/mcp.md, Errors: "HTTP 200 in a session; the stateless revision's status table otherwise"; the SDK's
# `mcp.shared.inbound.ERROR_CODE_HTTP_STATUS` maps INVALID_PARAMS to 400 as well).

def assert_unknown_request_state(r, request_id):
    assert r.status_code == 400, (r.status_code, r.text)
    assert r.headers["content-type"].startswith("application/json")
    answer = rpc_response(r)
    assert answer["id"] == request_id and "result" not in answer, answer
    assert answer["error"]["code"] == INVALID_PARAMS, answer
    assert answer["error"]["data"]["reason"] == "unknown_request_state", answer

def test_retry_with_a_request_state_the_gateway_never_relayed_is_refused(gw):
    marker = "forged-" + uuid.uuid4().hex
    state = "v1." + marker
    body = rpc("tools/call", {"name": "confirm_transfer", "arguments": {"account": marker}, "_meta": elicit_meta(),
                              "inputResponses": {"__main__:ask_transfer_note": {
                                  "action": "accept", "content": {"note": "forged"}}},
                              "requestState": state})
    mark = gw.upstream.mark()
    r = post_rpc(gw.endpoint, body, gw.token(), stateless_headers("confirm_transfer"))
    assert_unknown_request_state(r, body["id"])
    assert gw.upstream.tool_calls(mark) == []
    received = json.dumps(gw.upstream.requests(mark))
    assert marker not in received and state not in received


def test_request_state_relayed_to_another_caller_is_refused(gw):
    account = "NL-" + uuid.uuid4().hex[:10]
    first = rpc("tools/call", {"name": "confirm_transfer", "arguments": {"account": account}, "_meta": elicit_meta()})
    r = post_rpc(gw.endpoint, first, gw.token("bob"), stateless_headers("confirm_transfer"))
    assert r.status_code == 200, (r.status_code, r.text)
    relayed = rpc_response(r)["result"]
    assert relayed["resultType"] == "input_required", relayed
    (key,) = relayed["inputRequests"]
    state = relayed["requestState"]
    assert isinstance(state, str) and state

    retry = {"name": "confirm_transfer", "arguments": {"account": account}, "_meta": elicit_meta(),
             "inputResponses": {key: {"action": "accept", "content": {"note": "not bob"}}}, "requestState": state}
    mark = gw.upstream.mark()
    stolen_body = rpc("tools/call", retry)
    stolen = post_rpc(gw.endpoint, stolen_body, gw.token("alice"), stateless_headers("confirm_transfer"))
    assert_unknown_request_state(stolen, stolen_body["id"])
    assert gw.upstream.tool_calls(mark) == []

    # Bob's own retry with it goes through.
    retry["inputResponses"][key]["content"]["note"] = "bob agrees"
    own = post_rpc(gw.endpoint, rpc("tools/call", retry), gw.token("bob"), stateless_headers("confirm_transfer"))
    assert own.status_code == 200, (own.status_code, own.text)
    result = rpc_response(own)["result"]
    assert [c["text"] for c in result["content"]] == ["transfer confirmed: bob agrees"], result
    (call,) = gw.upstream.tool_calls(mark, "confirm_transfer")
    assert call["requestState"] == state and call["inputResponses"][key]["content"] == {"note": "bob agrees"}
