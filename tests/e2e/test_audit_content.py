"""`audit.content: redacted` through the real gateway: the stored copies of request and answer hold no
detected value — not the ones the `standard` profile only flags (and so forwards), not the pseudonymised
ones, and not the originals restored into the answer the caller receives. Read back with `audit show`."""
import json
import subprocess
import tempfile
from pathlib import Path

import pytest
import requests

from conftest import BIN, HERE
from test_audit_trail import AuditStack, chat_body, post

EMAIL = "jane.doe@example.com"
NRIC = "S1234567D"
CARD = "4111 1111 1111 1111"
VALUES = [EMAIL, NRIC, CARD, "4111111111111111"]
PROMPT = f"Mail {EMAIL}, NRIC {NRIC}, card {CARD} thanks"


def guardrail_audit_stack(name, audit=""):
    """A gateway with the guardrail policies and these extra `audit:` keys, stopped after the module."""
    s = AuditStack(Path(tempfile.mkdtemp(prefix=f"portcullis-{name}-")), audit=audit, policies=HERE / "guardrail_policies.cedar")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def redacted():
    yield from guardrail_audit_stack("redacted", audit="  content: redacted\n")


def answer_text(r, stream):
    if not stream:
        return r.json()["choices"][0]["message"]["content"]
    text = ""
    for line in r.text.splitlines():
        if line.startswith("data: {"):
            for c in json.loads(line[6:]).get("choices", []):
                text += c.get("delta", {}).get("content") or ""
    return text


def stored_bodies(stack, rid):
    out = subprocess.run([BIN, "audit", "show", rid, "--db", str(stack.db)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    rows = [json.loads(l) for l in out.stdout.splitlines()]
    bodies = [r["content_bodies"] for r in rows if "content_bodies" in r]
    return rows, "".join(b.get("request") or "" for b in bodies), "".join(b.get("response") or "" for b in bodies)


@pytest.mark.parametrize("group", ["plain", "pseudo"])
@pytest.mark.parametrize("stream", [False, True])
def test_redacted_content_keeps_no_detected_value(redacted, group, stream):
    redacted.clear_mock()
    rid, r = post(redacted, f"{group}{int(stream)}", chat_body(PROMPT, stream=stream), redacted.token("user-" + group, groups=[group]))
    assert r.status_code == 200
    delivered = answer_text(r, stream)
    forwarded = redacted.mock_requests()[-1]["body"]["messages"][0]["content"]
    if group == "plain":
        # `standard` flags PII in requests: the provider got the values, and echoed them.
        assert EMAIL in forwarded and NRIC in forwarded
    else:
        # Pseudonymised for the provider, restored for the caller.
        assert EMAIL not in forwarded and "[EMAIL_1]" in forwarded
        assert EMAIL in delivered
    rows, request, response = stored_bodies(redacted, rid)
    assert [r["phase"] for r in rows][:1] == ["begin"]
    assert request and response, rows
    for value in VALUES:
        assert value not in request, (value, request)
        assert value not in response, (value, response)
    assert "[REDACTED:pii.email]" in request and "[REDACTED:pii.sg_nric]" in request
    assert "[REDACTED:pii.email]" in response or "[EMAIL_1]" in response
    # The rest of the bodies is kept: this is a redacted copy, not a digest.
    assert '"model":"gpt-test"' in request.replace(" ", "") and "Mail " in request and "thanks" in response
    # The hashed records hold positions only.
    assert all(v not in json.dumps(rows) for v in VALUES)


@pytest.fixture(scope="module")
def hashed():
    yield from guardrail_audit_stack("hashed")  # the default capture: hash


def delivered_body(r, stream):
    """What `hash` capture hashes: the body as delivered; for a stream, each event's data and a newline."""
    if not stream:
        return r.content
    out = b""
    for block in r.content.split(b"\n\n"):
        data = [l[5:].removeprefix(b" ") for l in block.split(b"\n") if l.startswith(b"data:")]
        if data:
            out += b"\n".join(data) + b"\n"
    return out


@pytest.mark.parametrize("stream", [False, True])
def test_hash_capture_is_the_digest_of_what_the_caller_received(hashed, stream):
    """The default capture keeps SHA-256 and length of the answer as delivered; a stream is hashed as its
    events go out (the gateway does not keep it), and must give the same digest as hashing it whole."""
    import hashlib
    rid, r = post(hashed, f"hash{int(stream)}", chat_body(PROMPT, stream=stream), hashed.token("user-plain", groups=["plain"]))
    assert r.status_code == 200
    body = delivered_body(r, stream)
    assert len(body) > 50
    rows, _, _ = stored_bodies(hashed, rid)
    end = [row for row in rows if row["phase"] == "end"]
    assert len(end) == 1, rows
    content = end[0]["content"]
    assert content["mode"] == "hash"
    assert content["response_sha256"] == hashlib.sha256(body).hexdigest()
    assert content["response_bytes"] == len(body)
    # Digests only: no body is stored and no detected value is in the record.
    assert all("content_bodies" not in row for row in rows)
    assert all(v not in json.dumps(rows) for v in VALUES)
