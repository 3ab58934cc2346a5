"""The mock's Bedrock Runtime and STS routes driven by botocore's own clients: botocore signs (the mock
verifies with the gateway's signer over real HTTP), parses the Converse JSON, decodes the ConverseStream
event stream, and parses the STS XML; the temporary credentials it gets are then accepted."""
import signal
import subprocess

import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, EventStreamError

from conftest import BIN, free_port, wait_ready

KEY, SECRET = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"


@pytest.fixture(scope="module")
def mock_url():
    port = free_port()
    proc = subprocess.Popen([BIN, "mock-upstream", "--port", str(port), "--chunk-size", "3"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(f"http://127.0.0.1:{port}/healthz", proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)


def client(mock_url, service, key=KEY, secret=SECRET, token=None, endpoint=None):
    return botocore.session.get_session().create_client(
        service, region_name="us-east-1", endpoint_url=endpoint or mock_url, aws_access_key_id=key,
        aws_secret_access_key=secret, aws_session_token=token, config=Config(retries={"max_attempts": 0}))


def user(text):
    return [{"role": "user", "content": [{"text": text}]}]


def test_converse_with_botocore(mock_url):
    answer = client(mock_url, "bedrock-runtime").converse(modelId="anthropic.claude-3:0", messages=user("hello bedrock"))
    assert answer["output"]["message"]["content"] == [{"text": "Echo: hello bedrock"}]
    assert answer["stopReason"] == "end_turn"
    assert answer["usage"]["totalTokens"] == answer["usage"]["inputTokens"] + answer["usage"]["outputTokens"]


def test_converse_stream_with_botocore(mock_url):
    tools = {"tools": [{"toolSpec": {"name": "lookup", "inputSchema": {"json": {"type": "object"}}}}]}
    answer = client(mock_url, "bedrock-runtime").converse_stream(
        modelId="mock-claude+split=5", messages=user('#say-then-tool Checking.|lookup {"q":"x"}'), toolConfig=tools)
    events = list(answer["stream"])
    names = [next(iter(e)) for e in events]
    assert names[0] == "messageStart" and names[-2:] == ["messageStop", "metadata"]
    text = "".join(e["contentBlockDelta"]["delta"].get("text", "") for e in events if "contentBlockDelta" in e)
    tool_input = "".join(e["contentBlockDelta"]["delta"].get("toolUse", {}).get("input", "") for e in events if "contentBlockDelta" in e)
    assert text == "Checking." and tool_input == '{"q":"x"}'
    assert events[names.index("contentBlockStart")]["contentBlockStart"]["start"]["toolUse"]["name"] == "lookup"
    assert events[names.index("messageStop")]["messageStop"]["stopReason"] == "tool_use"


def test_in_stream_exception_and_errors(mock_url):
    bedrock = client(mock_url, "bedrock-runtime")
    stream = bedrock.converse_stream(modelId="mock-stream-throttle", messages=user("#lorem 30"))["stream"]
    with pytest.raises(EventStreamError) as raised:
        list(stream)
    assert raised.value.response["Error"]["Code"] == "throttlingException"
    with pytest.raises(ClientError) as refused:
        bedrock.converse(modelId="mock-error-429", messages=user("x"))
    assert refused.value.response["Error"]["Code"] == "ThrottlingException"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429


def test_wrong_secret_is_refused(mock_url):
    with pytest.raises(ClientError) as refused:
        client(mock_url, "bedrock-runtime", secret="not-the-secret").converse(modelId="m", messages=user("x"))
    assert refused.value.response["Error"]["Code"] == "InvalidSignatureException"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_sts_credentials_are_accepted(mock_url):
    import requests
    before = requests.get(mock_url + "/mock/sts/calls", timeout=5).json()["calls"]
    sts = client(mock_url, "sts", endpoint=mock_url + "/sts")
    issued = sts.assume_role_with_web_identity(RoleArn="arn:aws:iam::123456789012:role/gw", RoleSessionName="e2e",
                                               WebIdentityToken="eyJ.test.token", DurationSeconds=900)["Credentials"]
    assert issued["AccessKeyId"].startswith("ASIA") and issued["SessionToken"]
    assert requests.get(mock_url + "/mock/sts/calls", timeout=5).json()["calls"] == before + 1
    temporary = client(mock_url, "bedrock-runtime", key=issued["AccessKeyId"], secret=issued["SecretAccessKey"],
                       token=issued["SessionToken"])
    assert temporary.converse(modelId="m", messages=user("temp"))["output"]["message"]["content"] == [{"text": "Echo: temp"}]
    without_token = client(mock_url, "bedrock-runtime", key=issued["AccessKeyId"], secret=issued["SecretAccessKey"])
    with pytest.raises(ClientError) as refused:
        without_token.converse(modelId="m", messages=user("x"))
    assert refused.value.response["Error"]["Code"] == "UnrecognizedClientException"
    # botocore refuses an empty token before sending, so the missing-token refusal is asked for by hand.
    bad = requests.post(mock_url + "/sts", data={"Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15",
                                                 "RoleArn": "arn:aws:iam::1:role/gw", "RoleSessionName": "e2e"}, timeout=5)
    assert bad.status_code == 400 and "<Code>ValidationError</Code>" in bad.text and "<Type>Sender</Type>" in bad.text
