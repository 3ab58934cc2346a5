"""The official `openai` SDK against the real gateway: every endpoint, streaming and not, tools, errors."""
import json
import time

import openai
import pytest
import requests


def test_chat_non_streaming(client, stack):
    stack.clear_mock()
    r = client.chat.completions.create(model="gpt-test", messages=[{"role": "user", "content": "hello gateway"}])
    assert r.choices[0].message.content == "Echo: hello gateway"
    assert r.usage.prompt_tokens > 0 and r.usage.completion_tokens > 0
    forwarded = stack.mock_requests()[-1]
    assert forwarded["body"]["model"] == "mock-gpt"          # routed to the upstream model name
    assert forwarded["body"]["max_tokens"] == 512            # policy obligation cap written
    import conftest
    assert forwarded["headers"]["authorization"] == f"Bearer {conftest.UPSTREAM_KEY}"   # gateway-held key only


def test_chat_streaming_is_relayed_in_pieces(client):
    chunks = list(client.chat.completions.create(
        model="gpt-test", stream=True, stream_options={"include_usage": True},
        messages=[{"role": "user", "content": "#lorem 150"}]))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text.split() == ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut "
                            "labore et dolore magna aliqua".split() * 40)[:150]
    content_chunks = [c for c in chunks if c.choices and c.choices[0].delta.content]
    # The response guardrails hold back only a bounded window (the widest detector match), so a long
    # answer flows in many pieces instead of arriving whole at the end.
    assert len(content_chunks) > 100, "a long answer must stream in many pieces, not be buffered whole"
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0


def test_stream_without_usage_request_gets_no_usage_chunk(client):
    chunks = list(client.chat.completions.create(model="gpt-test", stream=True, messages=[{"role": "user", "content": "hi"}]))
    assert all(c.usage is None for c in chunks)
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "Echo: hi"


def test_tool_calls(client):
    tools = [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]
    r = client.chat.completions.create(model="gpt-test", tools=tools,
                                       messages=[{"role": "user", "content": '#tool get_weather {"city":"Singapore"}'}])
    call = r.choices[0].message.tool_calls[0]
    assert call.function.name == "get_weather"
    assert json.loads(call.function.arguments) == {"city": "Singapore"}
    # streamed tool call deltas assemble to the same call
    args = ""
    name = None
    for c in client.chat.completions.create(model="gpt-test", tools=tools, stream=True,
                                            messages=[{"role": "user", "content": '#tool get_weather {"city":"Hong Kong"}'}]):
        for tc in (c.choices[0].delta.tool_calls or []) if c.choices else []:
            name = tc.function.name or name
            args += tc.function.arguments or ""
    assert name == "get_weather" and json.loads(args) == {"city": "Hong Kong"}


def test_responses_api(client):
    r = client.responses.create(model="gpt-test", input="summarise this")
    assert r.output_text == "Echo: summarise this"
    deltas = []
    final = None
    with client.responses.stream(model="gpt-test", input="#lorem 20") as stream:
        for event in stream:
            if event.type == "response.output_text.delta":
                deltas.append(event.delta)
        final = stream.get_final_response()
    assert "".join(deltas).split()[:3] == ["lorem", "ipsum", "dolor"]
    assert final.output_text == "".join(deltas)


def test_embeddings(client):
    r = client.embeddings.create(model="embed-test", input=["first text", "second text"], dimensions=64)
    assert len(r.data) == 2 and len(r.data[0].embedding) == 64
    again = client.embeddings.create(model="embed-test", input=["first text"], dimensions=64)
    assert again.data[0].embedding == r.data[0].embedding


def test_models_list_is_filtered_by_policy(stack):
    from openai import OpenAI
    staff = OpenAI(base_url=stack.base + "/v1", api_key=stack.token("bob", groups=["staff"]), max_retries=0)
    admin = OpenAI(base_url=stack.base + "/v1", api_key=stack.token("carol", groups=["admins"]), max_retries=0)
    staff_ids = {m.id for m in staff.models.list()}
    admin_ids = {m.id for m in admin.models.list()}
    assert "gpt-test" in staff_ids and "restricted-model" not in staff_ids
    assert "restricted-model" in admin_ids


def test_error_bodies(stack, client):
    from openai import OpenAI
    anonymous = OpenAI(base_url=stack.base + "/v1", api_key="not-a-jwt", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as e:
        anonymous.chat.completions.create(model="gpt-test", messages=[{"role": "user", "content": "x"}])
    assert e.value.status_code == 401 and e.value.body["code"] == "invalid_token"
    with pytest.raises(openai.PermissionDeniedError) as e:
        client.chat.completions.create(model="restricted-model", messages=[{"role": "user", "content": "x"}])
    assert "restricted-admins-only" in e.value.body["message"]
    with pytest.raises(openai.NotFoundError) as e:
        client.chat.completions.create(model="no-such-model", messages=[{"role": "user", "content": "x"}])
    assert e.value.body["code"] == "model_not_found"
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(model="gpt-test", messages=[])
    assert "messages" in e.value.body["message"]


def test_upstream_failures(client):
    with pytest.raises(openai.InternalServerError) as e:
        client.chat.completions.create(model="error-model", messages=[{"role": "user", "content": "x"}])
    assert e.value.status_code == 500      # provider's status and body relayed
    with pytest.raises(openai.APIStatusError) as e:
        client.chat.completions.create(model="dead-model", messages=[{"role": "user", "content": "x"}])
    assert e.value.status_code == 502 and e.value.body["code"] == "upstream_unreachable"
    started = time.time()
    with pytest.raises(openai.APIStatusError) as e:
        client.chat.completions.create(model="slow-model", messages=[{"role": "user", "content": "x"}])
    assert e.value.status_code == 504 and e.value.body["code"] == "upstream_timeout"
    assert time.time() - started < 8


def test_stream_cut_mid_way_ends_with_error_event(client):
    with pytest.raises(openai.APIError) as e:
        for _ in client.chat.completions.create(model="cut-model", stream=True, messages=[{"role": "user", "content": "#lorem 40"}]):
            pass
    assert "stopped the stream" in str(e.value)


def test_client_disconnect_cancels_upstream(stack):
    stack.clear_mock()
    token = stack.token()
    r = requests.post(stack.base + "/v1/chat/completions", headers={"authorization": f"Bearer {token}"}, stream=True, timeout=30,
                      json={"model": "slow-stream", "stream": True, "messages": [{"role": "user", "content": "#lorem 200"}]})
    assert r.status_code == 200
    lines = r.iter_lines()
    for _ in range(3):
        next(lines)
    r.raw._fp.fp.raw._sock.shutdown(2) if hasattr(r.raw._fp.fp.raw, "_sock") else None
    r.close()  # the caller goes away mid-stream
    deadline = time.time() + 10
    outcome = None
    while time.time() < deadline:
        entries = [e for e in stack.mock_requests() if e["path"] == "/v1/chat/completions"]
        outcome = entries[-1]["outcome"] if entries else None
        if outcome not in (None, "in_progress"):
            break
        time.sleep(0.2)
    assert outcome == "client_disconnected", "the upstream request must be cancelled when the caller goes away"


def test_azure_provider_uses_deployment_url_and_api_key_header(client, stack):
    import conftest
    stack.clear_mock()
    r = client.chat.completions.create(model="azure-gpt", messages=[{"role": "user", "content": "via azure"}])
    assert r.choices[0].message.content == "Echo: via azure"
    forwarded = stack.mock_requests()[-1]
    assert forwarded["path"].startswith("/openai/deployments/my-deployment/chat/completions")
    assert forwarded["headers"]["api-key"] == conftest.UPSTREAM_KEY
    assert "authorization" not in {k.lower() for k in forwarded["headers"]}
