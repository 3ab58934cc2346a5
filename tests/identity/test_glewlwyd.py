"""End-to-end identity tests against a real OIDC server (glewlwyd) on loopback.

Runs the real `portcullis` binary (path in PORTCULLIS_BIN) with the mock upstream, trusts glewlwyd as an issuer
(discovery + JWKS over HTTP), fetches tokens with the client_credentials and password grants and calls the gateway
with the official `openai` SDK, the token as api_key. Includes a key rotation at the IdP while requests flow.

Delegation: glewlwyd's user access tokens name the client they were issued to in `client_id` (RFC 9068; no
`azp`), so the issuer maps `actor_client: /client_id`. The workload `rag-api` authenticates with its own
client-credentials token and carries alice's token (password grant through the app `rag-web`) in
`x-portcullis-user-token`; the principal is alice, the chain [rag-api (workload), rag-web (client)], and every
broken combination of real tokens is a 401.

DPoP: glewlwyd 2.7.5 (draft 07) checks a `DPoP` proof sent to its token endpoint and issues an access token with
`cnf: {"jkt": <RFC 7638 thumbprint>}` and `token_type: DPoP` (the RFC 9449 shape). The gateway accepts such a token
only as `Authorization: DPoP` with a fresh proof by that key for this request (htm, htu = public_url + path,
ath); as Bearer, replayed, by another key, for another method or URL it is a 401.

    tests/identity/run.sh          # creates .venv-identity, installs pinned openai/pytest/PyJWT, runs this file
"""

import base64
import hashlib
import json
import os
import secrets
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

import jwt
import openai
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

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


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


class DPoPKey:
    """An ES256 key a client proves possession of (RFC 9449 proofs: typ dpop+jwt, the public key in the header)."""

    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self.key.public_key()))

    @property
    def thumbprint(self) -> str:  # RFC 7638: required members, sorted, no spaces
        members = {k: self.jwk[k] for k in ("crv", "kty", "x", "y")}
        return b64url(hashlib.sha256(json.dumps(members, separators=(",", ":"), sort_keys=True).encode()).digest())

    def proof(self, htm: str, htu: str, access_token: str | None = None, signer=None, **claims) -> str:
        body = {"jti": secrets.token_urlsafe(16), "htm": htm, "htu": htu, "iat": int(time.time())}
        if access_token is not None:
            body["ath"] = b64url(hashlib.sha256(access_token.encode()).digest())
        body |= claims
        return jwt.encode(body, signer or self.key, algorithm="ES256", headers={"typ": "dpop+jwt", "jwk": self.jwk})


def token_response(idp, grant: str, scope: str = "llm", resource: bool = True, client: str = "batch",
                   dpop: DPoPKey | None = None) -> dict:
    """A token from glewlwyd: `client` is batch (batch-service), workload (rag-api) or app (rag-web)."""
    form = {"grant_type": grant, "scope": scope}
    if grant == "password":
        form |= {"username": idp["USERNAME"], "password": idp["PASSWORD"]}
    if resource:
        form["resource"] = idp["AUDIENCE"]
    client_id, secret = {
        "batch": (idp["CLIENT_ID"], idp["CLIENT_SECRET"]),
        "workload": (idp["WORKLOAD_ID"], idp["WORKLOAD_SECRET"]),
        "app": (idp["USER_APP_ID"], idp["USER_APP_SECRET"]),
    }[client]
    headers = {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}
    if dpop is not None:
        headers["DPoP"] = dpop.proof("POST", idp["TOKEN_URL"])
    request = urllib.request.Request(idp["TOKEN_URL"], data=urllib.parse.urlencode(form).encode(), headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def token(idp, grant: str, scope: str = "llm", resource: bool = True, client: str = "batch",
          dpop: DPoPKey | None = None) -> str:
    return token_response(idp, grant, scope, resource, client, dpop)["access_token"]


POLICIES = """
@id("glewlwyd-llm")
permit(principal, action in Action::"inference", resource is Model);
@id("models")
permit(principal, action == Action::"models.list", resource is Model);
"""


def gateway_config(idp, gateway_port: int, upstream_port: int, audit: Path) -> str:
    """portcullis.yaml (shape in docs/configuration.md); the `identity` section trusts glewlwyd via discovery."""
    return f"""
server:
  host: 127.0.0.1
  port: {gateway_port}
providers:
  mock:
    kind: openai
    base_url: http://127.0.0.1:{upstream_port}/v1
    api_key: env:IDENTITY_E2E_UPSTREAM_KEY
    max_retries: 0
models:
  - {{name: gpt-4o-mini, provider: mock, upstream_model: mock-gpt}}
identity:
  issuers:
    - name: glewlwyd
      issuer: {idp["ISSUER"]}
      # client_credentials honours RFC 8707 `resource`; glewlwyd's password grant sets aud to the scope list.
      audiences: ["{idp["AUDIENCE"]}", llm]
      require_access_token_typ: true
      # glewlwyd names the client a user token was issued to in `client_id` (no azp).
      claim_mapping: {{preset: generic, list_separator: ",", actor_client: /client_id}}
  delegation:
    workloads:
      - {{issuer: "{idp["ISSUER"]}", subject: {idp["WORKLOAD_ID"]}, user_token_clients: [{idp["USER_APP_ID"]}]}}
  dpop:
    public_url: http://127.0.0.1:{gateway_port}
policy:
  files: [policies.cedar]
  entities: entities.json
audit:
  path: {audit}
observability:
  log_level: info
  log_format: json
"""


@pytest.fixture(scope="session")
def gateway(idp):
    binary = os.environ.get("PORTCULLIS_BIN")
    if not binary:
        pytest.skip("PORTCULLIS_BIN not set")
    work = Path(tempfile.mkdtemp(prefix="portcullis-identity-"))
    upstream_port, gateway_port = free_port(), free_port()
    env = dict(os.environ, IDENTITY_E2E_UPSTREAM_KEY="identity-e2e-upstream-key")
    log = open(work / "gateway.log", "w")
    upstream = subprocess.Popen(
        [binary, "mock-upstream", "--port", str(upstream_port), "--api-key", "env:IDENTITY_E2E_UPSTREAM_KEY"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    wait_http(f"http://127.0.0.1:{upstream_port}/mock/requests")
    (work / "policies.cedar").write_text(POLICIES)
    (work / "entities.json").write_text("[]")
    config = work / "portcullis.yaml"
    config.write_text(gateway_config(idp, gateway_port, upstream_port, work / "audit.sqlite"))
    server = subprocess.Popen([binary, "serve", "--config", str(config)], stdout=log, stderr=subprocess.STDOUT, env=env)
    wait_http(f"http://127.0.0.1:{gateway_port}/healthz")
    # Keys are loaded before the gateway reports ready.
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{gateway_port}/readyz", timeout=1).status == 200:
                break
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    yield {"base_url": f"http://127.0.0.1:{gateway_port}/v1", "log": work / "gateway.log", "db": work / "audit.sqlite",
           "public_url": f"http://127.0.0.1:{gateway_port}", "binary": binary}
    for process in (server, upstream):
        process.terminate()
        process.wait(timeout=10)
    log.close()
    shutil.rmtree(work, ignore_errors=True)


def chat(gateway, api_key: str, headers: dict | None = None) -> str:
    client = openai.OpenAI(base_url=gateway["base_url"], api_key=api_key, max_retries=0, timeout=20)
    reply = client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "Say hello"}], extra_headers=headers)
    return reply.choices[0].message.content or ""


def audit_record(gateway, request_id: str) -> dict:
    """The last record of a request in the trail, read back with `portcullis audit export`."""
    deadline = time.time() + 10
    while True:
        out = subprocess.run([gateway["binary"], "audit", "export", "--db", str(gateway["db"]), "--format", "jsonl"],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        found = [r for r in map(json.loads, out.stdout.splitlines()) if r.get("request_id") == request_id]
        if found or time.time() > deadline:
            assert found, f"no audit record for {request_id}"
            return found[-1]
        time.sleep(0.2)


def raw_post(gateway, headers: dict) -> tuple[int, dict, dict]:
    body = json.dumps({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}).encode()
    request = urllib.request.Request(
        gateway["base_url"] + "/chat/completions", data=body, headers={"Content-Type": "application/json", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, json.loads(error.read() or b"{}")


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
    assert headers.get("www-authenticate", "").startswith("Bearer")
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
    challenge = headers.get("www-authenticate", "")
    assert 'error="invalid_token"' in challenge and reason_word in challenge
    assert forged not in json.dumps(body) and forged not in challenge
    with pytest.raises(openai.AuthenticationError):
        chat(gateway, forged)


def test_token_for_another_audience_is_refused(idp, gateway):
    other = token(idp, "client_credentials", scope="other", resource=False)
    assert jwt_part(other, 1)["aud"] == "other"
    status, headers, _ = raw_post(gateway, {"Authorization": "Bearer " + other})
    assert status == 401 and "audience" in headers.get("www-authenticate", "")


def test_key_rotation_while_requests_flow(idp, gateway):
    before = token(idp, "client_credentials")
    assert chat(gateway, before)
    failures, kids, done = [], set(), threading.Event()
    # glewlwyd 2.7.5 segfaults when its OIDC plugin is reset while a token request is in flight (seen here:
    # MHD-connection use after free). The IdP side of the rotation is therefore quiesced: no token is
    # fetched while the plugin reloads. Gateway traffic never pauses; during the reload it keeps using the
    # last token it got, so calls signed with the old key and with the new key both flow across the rotation.
    rotating = threading.Lock()
    current = [before]

    def traffic():
        while not done.is_set():
            if rotating.acquire(blocking=False):
                try:
                    current[0] = token(idp, "client_credentials")
                except urllib.error.HTTPError:
                    pass  # the token endpoint is briefly absent right after the plugin reloads
                finally:
                    rotating.release()
            kids.add(jwt_part(current[0], 0)["kid"])
            try:
                chat(gateway, current[0])
            except Exception as error:  # noqa: BLE001 - every gateway failure is a test failure
                failures.append(repr(error))
            time.sleep(0.05)

    worker = threading.Thread(target=traffic)
    worker.start()
    time.sleep(0.5)
    with rotating:
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
    assert {"rsa-1", new_kid} <= kids  # traffic used both keys


# --- Delegation: a workload carrying a user's token ---------------------------------------------------------


def test_glewlwyd_user_tokens_name_their_client_in_client_id(idp):
    claims = jwt_part(token(idp, "password", client="app"), 1)
    # RFC 9068 `client_id`, no OIDC `azp`: the gateway maps actor_client: /client_id for this issuer.
    assert claims["client_id"] == idp["USER_APP_ID"] and "azp" not in claims
    assert claims["sub"] == "alice-sub-0001" != claims["client_id"]
    assert claims["aud"] == "llm"  # the password grant ignores `resource`: aud is the scope list
    service = jwt_part(token(idp, "client_credentials", client="workload"), 1)
    assert service["sub"] == service["client_id"] == idp["WORKLOAD_ID"] and service["aud"] == idp["AUDIENCE"]


def test_a_user_token_names_the_client_it_was_issued_to_as_actor(idp, gateway):
    assert chat(gateway, token(idp, "password", client="app"), headers={"x-request-id": "glewlwyd-client-actor"})
    principal = audit_record(gateway, "glewlwyd-client-actor")["principal"]
    assert principal["subject"] == "alice-sub-0001" and principal["kind"] == "user"
    assert [(a["subject"], a["source"]) for a in principal["actors"]] == [(idp["USER_APP_ID"], "client")]


def test_a_workload_carrying_the_users_token_acts_for_the_user(idp, gateway):
    workload = token(idp, "client_credentials", client="workload")
    user = token(idp, "password", client="app")
    assert chat(gateway, workload, headers={"x-portcullis-user-token": user, "x-request-id": "glewlwyd-delegated"})
    record = audit_record(gateway, "glewlwyd-delegated")
    principal = record["principal"]
    assert principal["subject"] == "alice-sub-0001" and principal["kind"] == "user"
    assert principal["issuer"] == idp["ISSUER"]
    assert principal["authentication_method"] == "delegated"
    assert principal["actors"][0] == {"issuer": idp["ISSUER"], "kind": "service", "source": "workload",
                                      "subject": idp["WORKLOAD_ID"]}
    assert [(a["subject"], a["source"]) for a in principal["actors"]] == [
        (idp["WORKLOAD_ID"], "workload"), (idp["USER_APP_ID"], "client")]
    assert workload not in json.dumps(record) and user not in json.dumps(record)


def test_broken_delegations_with_real_tokens_are_refused(idp, gateway):
    workload = token(idp, "client_credentials", client="workload")
    user = token(idp, "password", client="app")
    cases = {
        # batch-service is a real service of this issuer, but not a listed workload.
        "unlisted-workload": ("Bearer " + token(idp, "client_credentials", client="batch"), user,
                              "may not present user tokens"),
        # alice's token obtained through batch-service, not through rag-web.
        "user-token-of-another-client": ("Bearer " + workload, token(idp, "password", client="batch"),
                                         "not issued to a client this workload may present"),
        "no-workload-credential": (None, user, "must authenticate itself"),
        "service-token-as-user-token": ("Bearer " + workload, token(idp, "client_credentials", client="batch"),
                                        "the user token is a service's"),
        "user-token-for-another-api": ("Bearer " + workload, token(idp, "password", scope="other", client="app"),
                                       "audience"),
    }
    for name, (authorization, user_token, reason) in cases.items():
        headers = {"x-portcullis-user-token": user_token, "x-request-id": "glewlwyd-bad-" + name}
        if authorization:
            headers["Authorization"] = authorization
        status, answer_headers, body = raw_post(gateway, headers)
        assert status == 401, (name, status, body)
        challenge = answer_headers.get("www-authenticate", "")
        assert "invalid_token" in challenge and reason in challenge, (name, challenge)
        assert user_token not in challenge and user_token not in json.dumps(body), name
        record = audit_record(gateway, "glewlwyd-bad-" + name)
        assert record["outcome"] == "refused_auth" and "principal" not in record, (name, record)


# --- DPoP (RFC 9449): glewlwyd binds tokens to the client's key; the gateway demands the proof -------------


def test_glewlwyd_binds_access_tokens_to_the_dpop_key(idp):
    key = DPoPKey()
    answer = token_response(idp, "client_credentials", dpop=key)
    claims = jwt_part(answer["access_token"], 1)
    assert answer["token_type"] == "DPoP"
    assert claims["cnf"] == {"jkt": key.thumbprint}  # RFC 9449 §6.1, not a draft-01 top-level claim
    assert claims["sub"] == idp["CLIENT_ID"] and claims["aud"] == idp["AUDIENCE"]
    # The password grant binds the user's token the same way.
    assert jwt_part(token(idp, "password", client="app", dpop=key), 1)["cnf"] == {"jkt": key.thumbprint}
    # Without a proof: a plain bearer token.
    plain = token_response(idp, "client_credentials")
    assert plain["token_type"].lower() == "bearer" and "cnf" not in jwt_part(plain["access_token"], 1)


def test_glewlwyd_refuses_a_replayed_proof_at_its_token_endpoint(idp):
    key = DPoPKey()
    proof = key.proof("POST", idp["TOKEN_URL"])
    basic = base64.b64encode(f'{idp["CLIENT_ID"]}:{idp["CLIENT_SECRET"]}'.encode()).decode()
    form = urllib.parse.urlencode({"grant_type": "client_credentials", "scope": "llm"}).encode()

    def request():
        return urllib.request.Request(idp["TOKEN_URL"], data=form, headers={"Authorization": "Basic " + basic, "DPoP": proof})

    with urllib.request.urlopen(request(), timeout=10) as first:
        assert first.status == 200
    with pytest.raises(urllib.error.HTTPError) as replay:
        urllib.request.urlopen(request(), timeout=10)
    assert replay.value.code == 403  # glewlwyd answers 403, not RFC 9449's 400
    assert json.loads(replay.value.read())["error"] == "invalid_dpop_proof"


@pytest.fixture(scope="module")
def bound(idp):
    """A client-credentials token of batch-service bound to a fresh key."""
    key = DPoPKey()
    return key, token(idp, "client_credentials", dpop=key)


def chat_url(gateway) -> str:
    return gateway["public_url"] + "/v1/chat/completions"


def test_a_dpop_bound_token_with_a_fresh_proof_calls_the_gateway(idp, gateway, bound):
    key, t = bound
    # The openai SDK sends `Authorization: Bearer <api_key>`; extra headers replace it with the DPoP scheme.
    for n in range(2):  # a new proof per request; the second call also hits the verified-token cache
        headers = {"Authorization": "DPoP " + t, "DPoP": key.proof("POST", chat_url(gateway), t),
                   "x-request-id": f"glewlwyd-dpop-{n}"}
        assert chat(gateway, "unused", headers=headers)
    principal = audit_record(gateway, "glewlwyd-dpop-1")["principal"]
    assert principal["subject"] == idp["CLIENT_ID"] and principal["kind"] == "service"
    assert principal["token_binding"] == "dpop"


def test_a_dpop_bound_token_sent_as_bearer_is_refused(gateway, bound):
    key, t = bound
    status, headers, _ = raw_post(gateway, {"Authorization": "Bearer " + t})
    assert status == 401 and "needs the DPoP scheme" in headers.get("www-authenticate", ""), headers
    # With its proof beside it, still not as Bearer.
    status, headers, _ = raw_post(gateway, {"Authorization": "Bearer " + t, "DPoP": key.proof("POST", chat_url(gateway), t)})
    assert status == 401 and headers.get("www-authenticate", "").startswith('DPoP error="invalid_dpop_proof"'), headers


def test_a_replayed_dpop_proof_is_refused(gateway, bound):
    key, t = bound
    headers = {"Authorization": "DPoP " + t, "DPoP": key.proof("POST", chat_url(gateway), t)}
    assert raw_post(gateway, headers)[0] == 200
    status, answer_headers, body = raw_post(gateway, headers)
    assert status == 401, body
    assert answer_headers.get("www-authenticate", "").startswith('DPoP error="invalid_dpop_proof"')
    assert t not in json.dumps(body) and headers["DPoP"] not in answer_headers["www-authenticate"]


@pytest.mark.parametrize("case, reason", [
    ("another key's proof", "signed by another key than the token is bound to"),
    ("forged signature", "signature does not verify"),
    ("wrong htm", "(htm)"),
    ("wrong htu path", "(htu)"),
    ("wrong htu host", "(htu)"),
    ("the token endpoint's htu", "(htu)"),
    ("ath of another token", "another access token (ath)"),
    ("no ath", "lacks the access token hash"),
    ("stale iat", "stale (iat)"),
    ("no proof", "proof is required"),
])
def test_a_proof_that_does_not_fit_the_request_is_refused(idp, gateway, bound, case, reason):
    key, t = bound
    url, other = chat_url(gateway), DPoPKey()
    proof = {
        "another key's proof": lambda: other.proof("POST", url, t),  # a valid proof, but not by the bound key
        "forged signature": lambda: key.proof("POST", url, t, signer=other.key),  # the bound key's jwk, other's signature
        "wrong htm": lambda: key.proof("GET", url, t),
        "wrong htu path": lambda: key.proof("POST", gateway["public_url"] + "/v1/embeddings", t),
        "wrong htu host": lambda: key.proof("POST", url.replace("127.0.0.1", "localhost"), t),
        "the token endpoint's htu": lambda: key.proof("POST", idp["TOKEN_URL"], t),
        "ath of another token": lambda: key.proof("POST", url, t + "x"),
        "no ath": lambda: key.proof("POST", url),
        "stale iat": lambda: key.proof("POST", url, t, iat=int(time.time()) - 600),
        "no proof": lambda: None,
    }[case]()
    headers = {"Authorization": "DPoP " + t}
    if proof:
        headers["DPoP"] = proof
    status, answer_headers, body = raw_post(gateway, headers)
    assert status == 401, (case, body)
    assert reason in answer_headers.get("www-authenticate", ""), (case, answer_headers)
    assert t not in json.dumps(body) and t not in answer_headers["www-authenticate"]


def test_an_unbound_token_with_the_dpop_scheme_is_refused(idp, gateway):
    t, key = token(idp, "client_credentials"), DPoPKey()
    status, headers, body = raw_post(gateway, {"Authorization": "DPoP " + t, "DPoP": key.proof("POST", chat_url(gateway), t)})
    assert status == 401 and "must be DPoP-bound" in headers.get("www-authenticate", ""), body


def test_a_workload_proves_the_key_the_users_token_is_bound_to(idp, gateway):
    # rag-api holds one key; alice's token is obtained through rag-web with a proof by the same key (the app and
    # the API share it, e.g. one backend), so both tokens are bound to it. A user token bound to another key is
    # not accepted from this workload.
    key, stranger = DPoPKey(), DPoPKey()
    workload = token(idp, "client_credentials", client="workload", dpop=key)
    user = token(idp, "password", client="app", dpop=key)

    def call(user_token, request_id):
        return raw_post(gateway, {"Authorization": "DPoP " + workload, "DPoP": key.proof("POST", chat_url(gateway), workload),
                                  "x-portcullis-user-token": user_token, "x-request-id": request_id})

    status, _, body = call(user, "glewlwyd-dpop-delegated")
    assert status == 200, body
    principal = audit_record(gateway, "glewlwyd-dpop-delegated")["principal"]
    assert principal["subject"] == "alice-sub-0001" and principal["authentication_method"] == "delegated"
    assert principal["token_binding"] == "dpop" and principal["actors"][0]["subject"] == idp["WORKLOAD_ID"]
    status, headers, body = call(token(idp, "password", client="app", dpop=stranger), "glewlwyd-dpop-delegated-stranger")
    assert status == 401 and "the workload did not prove" in headers.get("www-authenticate", ""), body
