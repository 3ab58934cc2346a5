"""SigV4 and the AWS event stream, differentially: the gateway's hand-written `SigV4Signer` against
botocore's `SigV4Auth` over generated requests (fixed seed), and the gateway's event-stream decoder
against frames assembled here with zlib's CRC32. Both run inside the mock upstream process
(`POST /mock/sigv4/sign`, `POST /mock/eventstream/decode`)."""
import base64
import datetime
import json
import random
import signal
import struct
import subprocess
import zlib
from unittest import mock

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.utils import percent_encode

from conftest import BIN, free_port, wait_ready

CASES = 600
SEED = 1414

MODEL_IDS = ["anthropic.claude-3:0", "anthropic.claude-3-5-sonnet-20240620-v1:0", "meta.llama3-70b-instruct-v1:0",
             "us.amazon.nova-pro-v1:0", "arn:aws:bedrock:us-east-1:123456789012:inference-profile/x y"]
SEGMENTS = ["model", "converse", "converse-stream", "a b", "é", "модель", "日本語", "!*'();:@&=+$,", "100%", "~user",
            "a.b", "x_y-z", "plus+sign", "semi;colon", "tab\tchar", "emoji-😀"]
RAW_SEGMENTS = [".", "..", "", "a:b", "@x", "$y!", "%41"]
HOSTS = ["bedrock-runtime.us-east-1.amazonaws.com", "localhost", "127.0.0.1", "Example.COM", "[::1]", "sts.amazonaws.com"]
QUERY_KEYS = ["a", "b", "Param", "X-Amz-Meta", "model", "é", "key with space", "k"]
QUERY_VALUES = ["", "1", "value", "two words", "ünï", "a=b", "x&y", "~tilde", "slash/ed", "+plus"]
HEADER_NAMES = ["Content-Type", "X-Custom", "x-custom", "X-AMZ-Target", "Accept", "X-Amzn-Bedrock-Trace",
                "User-Agent", "Expect", "X-Amzn-Trace-Id", "Content-Length", "x-amz-content-sha256", "Connection"]
HEADER_VALUES = ["application/json", "  padded  ", "inner   spaces\there", "a,b", "100-continue", "x", "",
                 "Mixed Case Value", "  many    inner     runs  "]
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-1", "us-gov-west-1", "eu-central-2"]
SERVICES = ["bedrock", "sts", "execute-api", "s3"]
TIMES = [datetime.datetime(2015, 8, 30, 12, 36, 0), datetime.datetime(2024, 2, 29, 23, 59, 59),
         datetime.datetime(2026, 12, 31, 0, 0, 1), datetime.datetime(2000, 1, 1, 0, 0, 0),
         datetime.datetime(2038, 1, 19, 3, 14, 8)]
LARGE = bytes(random.Random(7).getrandbits(8) for _ in range(1_100_000))


@pytest.fixture(scope="module")
def mock_url():
    port = free_port()
    proc = subprocess.Popen([BIN, "mock-upstream", "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(f"http://127.0.0.1:{port}/healthz", proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)


def make_case(rng: random.Random, i: int):
    scheme = rng.choice(["https", "http"])
    host = rng.choice(HOSTS)
    port = rng.choice([None, None, 443 if scheme == "https" else 80, 8443, 9000])
    netloc = host if port is None else f"{host}:{port}"
    if i % 3 == 0:  # Bedrock-shaped: /model/{modelId}/converse, the id encoded as botocore's serializer does
        path = "/model/" + percent_encode(rng.choice(MODEL_IDS)) + rng.choice(["/converse", "/converse-stream"])
    else:
        parts = []
        for _ in range(rng.randint(0, 5)):
            if rng.random() < 0.25:
                parts.append(rng.choice(RAW_SEGMENTS))
            else:
                parts.append(percent_encode(rng.choice(SEGMENTS + MODEL_IDS), safe=""))
        path = "/" + "/".join(parts) + ("/" if rng.random() < 0.2 else "")
        if rng.random() < 0.05:
            path = ""  # no path at all: canonical URI "/"
    query = []
    for _ in range(rng.choice([0, 0, 1, 2, 4])):
        key = percent_encode(rng.choice(QUERY_KEYS), safe="-_.~")
        r = rng.random()
        if r < 0.1:
            query.append(key)  # no '='
        else:
            query.append(key + "=" + percent_encode(rng.choice(QUERY_VALUES), safe="-_.~"))
    url = f"{scheme}://{netloc}{path}" + (("?" + "&".join(query)) if query else "")
    headers = []
    for _ in range(rng.randint(0, 6)):
        headers.append((rng.choice(HEADER_NAMES), rng.choice(HEADER_VALUES)))
    if rng.random() < 0.1:
        headers.append(("Host", rng.choice(["Override.Example:8080", " spaced.host  "])))
    if rng.random() < 0.1:
        headers.append(("X-Amz-Date", "19990101T000000Z"))  # stale: replaced by the signer
    token = None if rng.random() < 0.5 else "FwoGZXIvYXdzE" + "".join(rng.choice("abcXYZ019+/=") for _ in range(rng.randint(20, 300)))
    if rng.random() < 0.1:
        headers.append(("X-Amz-Security-Token", "stale-token"))
    r = rng.random()
    if r < 0.3:
        body = b""
    elif r < 0.8:
        body = json.dumps({"messages": [{"role": "user", "content": [{"text": "héllo " * rng.randint(1, 50)}]}]}).encode()
    elif r < 0.99:
        body = bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 4096)))
    else:
        body = LARGE
    if i in (5, 6):
        body = LARGE  # at least two ≥ 1 MB bodies whatever the draw
    return dict(method=rng.choice(["GET", "POST", "POST", "PUT", "DELETE", "PATCH", "HEAD"]), url=url, headers=headers,
                body=body, access_key_id="AKID" + str(rng.randint(10**15, 10**16)),
                secret_access_key="".join(rng.choice("abcdefXYZ0123456789/+") for _ in range(40)),
                session_token=token, region=rng.choice(REGIONS), service=rng.choice(SERVICES), time=rng.choice(TIMES))


def botocore_sign(case):
    request = AWSRequest(method=case["method"], url=case["url"], data=case["body"])
    for name, value in case["headers"]:
        request.headers[name] = value  # HTTPHeaders appends: duplicates stay
    credentials = Credentials(case["access_key_id"], case["secret_access_key"], case["session_token"])
    with mock.patch("botocore.auth.get_current_datetime", return_value=case["time"]):
        SigV4Auth(credentials, case["service"], case["region"]).add_auth(request)
    return request.headers


def ours(mock_url, case):
    payload = {k: case[k] for k in ("method", "url", "access_key_id", "secret_access_key", "session_token", "region", "service")}
    payload["headers"] = [[k, v] for k, v in case["headers"]]
    payload["body_b64"] = base64.b64encode(case["body"]).decode()
    payload["amz_date"] = case["time"].strftime("%Y%m%dT%H%M%SZ")
    answer = requests.post(mock_url + "/mock/sigv4/sign", json=payload, timeout=30)
    assert answer.status_code == 200, answer.text
    return dict(answer.json()["headers"]), answer.json()


def test_signatures_match_botocore(mock_url):
    rng = random.Random(SEED)
    compared = 0
    with_token = 0
    large = 0
    for i in range(CASES):
        case = make_case(rng, i)
        expected = botocore_sign(case)
        got, detail = ours(mock_url, case)
        assert got["authorization"] == expected["Authorization"], (case["url"], case["headers"], detail["canonical_request"])
        assert got["x-amz-date"] == expected["X-Amz-Date"]
        if case["session_token"]:
            assert got["x-amz-security-token"] == expected["X-Amz-Security-Token"] == case["session_token"]
            with_token += 1
        else:
            assert "x-amz-security-token" not in got
        large += len(case["body"]) >= 1_000_000
        compared += 1
    print(f"\n{compared} requests signed identically to botocore ({with_token} with a session token, {large} bodies >= 1 MB)")
    assert compared >= 500 and large >= 2


def test_any_change_changes_the_signature(mock_url):
    base = dict(method="POST", url="https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3%3A0/converse",
                headers=[("Content-Type", "application/json"), ("X-Custom", "v")], body=b'{"messages":[]}',
                access_key_id="AKIDEXAMPLE", secret_access_key="secret", session_token=None, region="us-east-1",
                service="bedrock", time=TIMES[0])

    def signature(case):
        got, _ = ours(mock_url, case)
        assert got["authorization"] == botocore_sign(case)["Authorization"]
        return got["authorization"].rsplit("Signature=", 1)[1]

    reference = signature(base)
    variants = [dict(base, body=b'{"messages":[ ]}'), dict(base, headers=[("Content-Type", "application/json"), ("X-Custom", "w")]),
                dict(base, url=base["url"].replace("converse", "converse-stream")), dict(base, secret_access_key="secreT")]
    for variant in variants:
        assert signature(variant) != reference
    # An unsigned header (user-agent) does not change it.
    assert signature(dict(base, headers=base["headers"] + [("User-Agent", "other")])) == reference


def frame(headers: list, payload: bytes) -> bytes:
    """One event-stream message, assembled by hand with zlib's CRC32."""
    block = b""
    for name, value in headers:
        raw = name.encode()
        block += bytes([len(raw)]) + raw + b"\x07" + struct.pack(">H", len(value.encode())) + value.encode()
    total = 12 + len(block) + len(payload) + 4
    prelude = struct.pack(">II", total, len(block))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    message = prelude + block + payload
    return message + struct.pack(">I", zlib.crc32(message))


def test_decoder_accepts_frames_assembled_with_zlib(mock_url):
    stream = (frame([(":event-type", "messageStart"), (":content-type", "application/json"), (":message-type", "event")], b'{"role":"assistant"}')
              + frame([(":event-type", "contentBlockDelta"), (":message-type", "event")], '{"delta":{"text":"héllo"}}'.encode())
              + frame([(":exception-type", "throttlingException"), (":message-type", "exception")], b'{"message":"slow down"}')
              + frame([(":error-code", "InternalFailure"), (":error-message", "it broke"), (":message-type", "error")], b""))
    answer = requests.post(mock_url + "/mock/eventstream/decode", data=stream, timeout=10)
    assert answer.status_code == 200, answer.text
    events = [(e["name"], base64.b64decode(e["data_b64"])) for e in answer.json()["events"]]
    assert events == [("messageStart", b'{"role":"assistant"}'), ("contentBlockDelta", '{"delta":{"text":"héllo"}}'.encode()),
                      ("exception:throttlingException", b'{"message":"slow down"}'),
                      ("error:InternalFailure", b'{"message":"it broke"}')]
    corrupt = bytearray(stream)
    corrupt[30] ^= 1
    refused = requests.post(mock_url + "/mock/eventstream/decode", data=bytes(corrupt), timeout=10)
    assert refused.status_code == 422 and "Checksum" in refused.json()["error"]
    cut = requests.post(mock_url + "/mock/eventstream/decode", data=stream[:-5], timeout=10)
    assert cut.status_code == 422 and "truncated" in cut.json()["error"]
