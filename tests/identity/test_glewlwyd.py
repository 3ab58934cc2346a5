"""End-to-end identity tests against a real OIDC server (glewlwyd) on loopback.

Runs the real `portcullis` binary (path in PORTCULLIS_BIN) with the mock upstream, trusts glewlwyd as an issuer
(discovery + JWKS over HTTP), fetches tokens with the client_credentials and password grants and calls the gateway
with the official `openai` SDK, the token as api_key. Includes a key rotation at the IdP while requests flow.

    tests/identity/run.sh          # creates .venv-identity, installs pinned openai/pytest, runs this file
"""

import base64
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import openai
import pytest

HERE = Path(__file__).resolve().parent
GLEWLWYD = HERE / "glewlwyd.sh"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 30.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return  # any HTTP answer means the listener is up
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(url)


def jwt_part(token: str, index: int) -> dict:
    part = token.split(".")[index]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


@pytest.fixture(scope="session")
def idp():
    work = Path(tempfile.mkdtemp(prefix="glewlwyd-"))
    subprocess.run([str(GLEWLWYD), "start", str(work)], check=True)
    env = dict(line.split("=", 1) for line in (work / "env").read_text().split())
    env["WORK"] = str(work)
    yield env
    subprocess.run([str(GLEWLWYD), "stop", str(work)], check=False)
    shutil.rmtree(work, ignore_errors=True)


def token(idp, grant: str, scope: str = "llm", resource: bool = True) -> str:
    form = {"grant_type": grant, "scope": scope}
    if grant == "password":
        form |= {"username": idp["USERNAME"], "password": idp["PASSWORD"]}
    if resource:
        form["resource"] = idp["AUDIENCE"]
    basic = base64.b64encode(f'{idp["CLIENT_ID"]}:{idp["CLIENT_SECRET"]}'.encode()).decode()
    request = urllib.request.Request(
        idp["TOKEN_URL"], data=urllib.parse.urlencode(form).encode(), headers={"Authorization": "Basic " + basic}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["access_token"]


def gateway_config(idp, gateway_port: int, upstream_port: int, data_dir: Path) -> str:
    """portcullis.yaml: the `identity` section is Identity's; server/providers/models follow docs/configuration.md."""
    identity = {
        "issuers": [
            {
                "name": "glewlwyd",
                "issuer": idp["ISSUER"],
                # client_credentials honours RFC 8707 `resource`; glewlwyd's password grant sets aud to the scope.
                "audiences": [idp["AUDIENCE"], "llm"],
                "require_access_token_typ": True,
                "claim_mapping": {"preset": "generic", "list_separator": ","},
            }
        ],
        "upstream_user_id": {"mode": "none"},
    }
    config = {
        "server": {"host": "127.0.0.1", "port": gateway_port, "data_dir": str(data_dir)},
        "identity": identity,
        "providers": [
            {"name": "mock", "type": "openai", "base_url": f"http://127.0.0.1:{upstream_port}/v1", "api_key": "env:MOCK_KEY"}
        ],
        "models": [{"name": "gpt-4o-mini", "provider": "mock"}],
    }
    return json.dumps(config, indent=2)  # JSON is valid YAML


@pytest.fixture(scope="session")
def gateway(idp):
    binary = os.environ.get("PORTCULLIS_BIN")
    if not binary:
        pytest.skip("PORTCULLIS_BIN not set")
    work = Path(tempfile.mkdtemp(prefix="portcullis-identity-"))
    upstream_port, gateway_port = free_port(), free_port()
    upstream = subprocess.Popen([binary, "mock-upstream", "--port", str(upstream_port)])
    wait_http(f"http://127.0.0.1:{upstream_port}/")
    config = work / "portcullis.yaml"
    config.write_text(gateway_config(idp, gateway_port, upstream_port, work / "data"))
    env = dict(os.environ, MOCK_KEY="mock-upstream-key")
    log = open(work / "gateway.log", "w")
    server = subprocess.Popen([binary, "serve", "--config", str(config)], stdout=log, stderr=subprocess.STDOUT, env=env)
    wait_http(f"http://127.0.0.1:{gateway_port}/")
    yield {"base_url": f"http://127.0.0.1:{gateway_port}/v1", "log": work / "gateway.log"}
    for process in (server, upstream):
        process.terminate()
        process.wait(timeout=10)
    log.close()
    shutil.rmtree(work, ignore_errors=True)


def chat(gateway, api_key: str) -> str:
    client = openai.OpenAI(base_url=gateway["base_url"], api_key=api_key, max_retries=0, timeout=20)
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Say hello"}])
    return reply.choices[0].message.content or ""


def raw_post(gateway, headers: dict) -> tuple[int, dict, dict]:
    body = json.dumps({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}).encode()
    request = urllib.request.Request(
        gateway["base_url"] + "/chat/completions", data=body, headers={"Content-Type": "application/json", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read() or b"{}")


def test_glewlwyd_issues_rs256_access_tokens(idp):
    t = token(idp, "client_credentials")
    header, claims = jwt_part(t, 0), jwt_part(t, 1)
    assert header["alg"] == "RS256" and header["typ"] == "at+jwt" and header["kid"] == "rsa-1"
    assert claims["iss"] == idp["ISSUER"] and claims["aud"] == idp["AUDIENCE"] and claims["sub"] == idp["CLIENT_ID"]


def test_client_credentials_token_calls_the_gateway(idp, gateway):
    assert chat(gateway, token(idp, "client_credentials"))


def test_password_grant_user_token_calls_the_gateway(idp, gateway):
    t = token(idp, "password")
    assert jwt_part(t, 1)["groups"] == "eng,ml-team"
    assert chat(gateway, t)


def test_missing_token_is_refused_with_bearer_challenge(gateway):
    status, headers, body = raw_post(gateway, {})
    assert status == 401
    assert headers.get("WWW-Authenticate", "").startswith("Bearer")
    assert "error" in body


@pytest.mark.parametrize(
    "mutate, reason_word",
    [
        (lambda t: t[:-6] + ("AAAAAA" if not t.endswith("AAAAAA") else "BBBBBB"), "signature"),
        (lambda t: ".".join([t.split(".")[0], base64.urlsafe_b64encode(b'{"iss":"x"}').decode().rstrip("="), t.split(".")[2]]), "issuer"),
        (lambda t: "not-a-jwt", "well-formed"),
    ],
)
def test_forged_tokens_are_refused_without_echo(idp, gateway, mutate, reason_word):
    forged = mutate(token(idp, "client_credentials"))
    status, headers, body = raw_post(gateway, {"Authorization": "Bearer " + forged})
    assert status == 401
    challenge = headers.get("WWW-Authenticate", "")
    assert 'error="invalid_token"' in challenge and reason_word in challenge
    assert forged not in json.dumps(body) and forged not in challenge
    with pytest.raises(openai.AuthenticationError):
        chat(gateway, forged)


def test_token_for_another_audience_is_refused(idp, gateway):
    other = token(idp, "client_credentials", scope="other", resource=False)
    assert jwt_part(other, 1)["aud"] == "other"
    status, headers, _ = raw_post(gateway, {"Authorization": "Bearer " + other})
    assert status == 401 and "audience" in headers.get("WWW-Authenticate", "")


def test_key_rotation_while_requests_flow(idp, gateway):
    before = token(idp, "client_credentials")
    assert chat(gateway, before)
    failures, done = [], threading.Event()

    def traffic():
        while not done.is_set():
            try:
                chat(gateway, token(idp, "client_credentials"))
            except Exception as error:  # noqa: BLE001 - every failure is a test failure
                failures.append(repr(error))
            time.sleep(0.05)

    worker = threading.Thread(target=traffic)
    worker.start()
    time.sleep(0.5)
    new_kid = subprocess.run(
        [str(GLEWLWYD), "rotate", idp["WORK"]], check=True, capture_output=True, text=True
    ).stdout.strip().splitlines()[-1]
    time.sleep(1.5)
    done.set()
    worker.join()
    after = token(idp, "client_credentials")
    assert jwt_part(after, 0)["kid"] == new_kid != "rsa-1"
    assert chat(gateway, after)  # new key: fetched on the unknown kid, no restart
    assert chat(gateway, before)  # old key still published second: old tokens keep working
    assert failures == []
