"""Workload identity over mTLS through the real gateway (issue 3): the listener verifies client certificates
against `server.tls.client_ca`, and the SPIFFE ID in the leaf's URI SAN becomes a service principal whose
groups come from `identity.mtls.trust_domains[].services`. Certificates are made with `openssl` per session."""
import base64
import hashlib
import json
import os
import signal
import ssl
import subprocess
import tempfile
import time
from pathlib import Path

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import ec

from conftest import BIN, UPSTREAM_KEY, free_port

TRUST_DOMAIN = "prod.example.internal"
WRITER_ID = f"spiffe://{TRUST_DOMAIN}/ns/batch/sa/report-writer"
OTHER_ID = f"spiffe://{TRUST_DOMAIN}/ns/web/sa/frontend"      # trusted domain, not in batch-jobs
FOREIGN_ID = "spiffe://evil.example.net/ns/batch/sa/report-writer"

POLICIES = """
@id("models-list-all")
permit(principal, action == Action::"models.list", resource is Model);

@id("batch-inference")
permit(principal in Group::"batch-jobs", action in Action::"inference", resource is Model);
"""


def openssl(*args, cwd):
    r = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, f"openssl {' '.join(args)}\n{r.stderr}"


def make_ca(d: Path, name: str):
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", f"{name}.key", "-out", f"{name}.pem", "-days", "2", "-subj", f"/CN={name}",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            cwd=d)
    return d / f"{name}.pem"


def make_leaf(d: Path, name: str, ca: str, san: str, server: bool):
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={name}", cwd=d)
    usage = "serverAuth" if server else "clientAuth"
    (d / f"{name}.ext").write_text(
        "basicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature\n"
        f"extendedKeyUsage={usage}\n"
        f"subjectAltName={san}\n")
    openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key", "-CAcreateserial",
            "-out", f"{name}.crt", "-days", "2", "-sha256", "-extfile", f"{name}.ext", cwd=d)
    return (str(d / f"{name}.crt"), str(d / f"{name}.key"))


class MTLSStack:
    def __init__(self, work: Path, with_jwt_issuer: bool = True):
        self.work = work
        self.with_jwt_issuer = with_jwt_issuer
        if with_jwt_issuer:
            key = ec.generate_private_key(ec.SECP256R1())
            self.jwt_key = key
            jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key()))
            jwk.update({"kid": "mtls-e2e", "alg": "ES256", "use": "sig"})
            (work / "jwks.json").write_text(json.dumps({"keys": [jwk]}))
        make_ca(work, "ca")
        make_ca(work, "rogue-ca")
        self.ca = str(work / "ca.pem")
        make_leaf(work, "server", "ca", "IP:127.0.0.1,DNS:localhost", server=True)
        self.writer = make_leaf(work, "writer", "ca", f"URI:{WRITER_ID}", server=False)
        self.other = make_leaf(work, "other", "ca", f"URI:{OTHER_ID}", server=False)
        self.rogue = make_leaf(work, "rogue", "rogue-ca", f"URI:{WRITER_ID}", server=False)
        self.foreign = make_leaf(work, "foreign", "ca", f"URI:{FOREIGN_ID}", server=False)
        (work / "policies.cedar").write_text(POLICIES)
        (work / "entities.json").write_text("[]")
        self.mock_port = free_port()
        self.port = free_port()
        self.base = f"https://127.0.0.1:{self.port}"
        self.mock = f"http://127.0.0.1:{self.mock_port}"
        self.db = work / "audit.sqlite"
        (work / "portcullis.yaml").write_text(self.config())
        env = dict(os.environ, E2E_UPSTREAM_KEY=UPSTREAM_KEY)
        self.logs = open(work / "gateway.log", "w")
        self.mock_proc = subprocess.Popen(
            [BIN, "mock-upstream", "--port", str(self.mock_port), "--api-key", "env:E2E_UPSTREAM_KEY"],
            env=env, stdout=self.logs, stderr=subprocess.STDOUT)
        self.gateway = None
        try:
            self._wait(self.mock + "/mock/requests", None, self.mock_proc)
            self.gateway = subprocess.Popen([BIN, "serve", "--config", str(work / "portcullis.yaml")], env=env,
                                            cwd=work, stdout=self.logs, stderr=subprocess.STDOUT)
            self._wait(self.base + "/healthz", self.ca, self.gateway)
        except BaseException:
            self.stop()
            raise

    @staticmethod
    def _wait(url, verify, proc, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"{url}: process exited with {proc.returncode}")
            try:
                if requests.get(url, timeout=1, verify=verify if verify else True).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise TimeoutError(url)

    def config(self):
        w = self.work
        if self.with_jwt_issuer:
            issuers = f"""
    - name: e2e
      issuer: https://idp.mtls-e2e.test
      audiences: [portcullis]
      jwks_file: {w / 'jwks.json'}
      discovery: false"""
        else:
            issuers = " []"
        return f"""
server:
  host: 127.0.0.1
  port: {self.port}
  max_body_bytes: 65536
  shutdown_grace_seconds: 5
  tls:
    certificate: {w / 'server.crt'}
    private_key: file:{w / 'server.key'}
    client_ca: {w / 'ca.pem'}
    require_client_certificate: false
providers:
  mock:
    kind: openai
    base_url: {self.mock}/v1
    api_key: env:E2E_UPSTREAM_KEY
    max_retries: 0
models:
  - {{name: gpt-test, provider: mock, upstream_model: mock-gpt}}
identity:
  issuers:{issuers}
  mtls:
    trust_domains:
      - trust_domain: {TRUST_DOMAIN}
        services:
          /ns/batch/sa/report-writer: {{name: report-writer, groups: [batch-jobs]}}
        require_listed_service: false
policy:
  files: [{w / 'policies.cedar'}]
  entities: {w / 'entities.json'}
audit:
  path: {self.db}
observability:
  log_level: info
  log_format: json
"""

    def mock_requests(self):
        return requests.get(self.mock + "/mock/requests", timeout=5).json()["data"]

    def clear_mock(self):
        requests.delete(self.mock + "/mock/requests", timeout=5)

    def stop(self):
        procs = [p for p in (self.gateway, self.mock_proc) if p is not None]
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
        self.logs.close()


@pytest.fixture(scope="module")
def mtls():
    # A (never used) JWT issuer is configured next to the trust domain: see test_mtls_only_identity_starts.
    work = Path(tempfile.mkdtemp(prefix="portcullis-e2e-mtls-"))
    s = MTLSStack(work)
    yield s
    s.stop()


def test_mtls_only_identity_starts_and_serves_a_workload():
    work = Path(tempfile.mkdtemp(prefix="portcullis-e2e-mtls-only-"))
    s = None
    try:
        s = MTLSStack(work, with_jwt_issuer=False)
        time.sleep(1)
        assert s.gateway.poll() is None, (work / "gateway.log").read_text()[-2000:]
        r = chat(s, cert=s.writer)
        assert r.status_code == 200, r.text
    finally:
        if s is not None:
            s.stop()


def chat(stack, cert=None, **kw):
    body = {"model": "gpt-test", "messages": [{"role": "user", "content": "hello over mtls"}]}
    return requests.post(stack.base + "/v1/chat/completions", json=body, cert=cert, verify=stack.ca, timeout=30, **kw)


def assert_openai_error(r, status, type_):
    assert r.status_code == status, (r.status_code, r.text)
    err = r.json()["error"]
    assert isinstance(err["message"], str) and err["message"]
    assert err["type"] == type_, err


def test_trusted_spiffe_workload_gets_completion_and_upstream_sees_only_gateway_key(mtls):
    mtls.clear_mock()
    r = chat(mtls, cert=mtls.writer)
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["object"] == "chat.completion"
    assert data["choices"][0]["message"]["content"]
    recorded = mtls.mock_requests()
    assert len(recorded) == 1, recorded
    dump = json.dumps(recorded[0])
    assert UPSTREAM_KEY in dump, recorded[0]
    headers = {k.lower(): v for k, v in recorded[0]["headers"].items()}
    assert headers["authorization"] == f"Bearer {UPSTREAM_KEY}"
    assert recorded[0]["body"]["model"] == "mock-gpt"
    # Nothing of the client's credential (certificate, SPIFFE ID) is forwarded upstream.
    assert "spiffe://" not in dump
    assert "BEGIN CERTIFICATE" not in dump
    assert "x-forwarded-client-cert" not in dump.lower()


def test_trusted_spiffe_workload_with_openai_sdk(mtls):
    httpx2 = pytest.importorskip("httpx2")
    from openai import OpenAI

    def drop_authorization(request):
        # The SDK insists on an api_key; the workload authenticates with its certificate only.
        request.headers.pop("Authorization", None)

    ctx = ssl.create_default_context(cafile=mtls.ca)
    ctx.load_cert_chain(*mtls.writer)
    http = httpx2.Client(verify=ctx, event_hooks={"request": [drop_authorization]})
    client = OpenAI(base_url=mtls.base + "/v1", api_key="unused-mtls", max_retries=0, http_client=http)
    try:
        mtls.clear_mock()
        out = client.chat.completions.create(model="gpt-test", messages=[{"role": "user", "content": "hi"}])
        assert out.choices[0].message.content
        assert "gpt-test" in [m.id for m in client.models.list().data]
        assert "unused-mtls" not in json.dumps(mtls.mock_requests())
    finally:
        http.close()


def test_trusted_domain_workload_outside_batch_jobs_is_authenticated_but_forbidden(mtls):
    mtls.clear_mock()
    listed = requests.get(mtls.base + "/v1/models", cert=mtls.other, verify=mtls.ca, timeout=30)
    assert listed.status_code == 200, listed.text
    assert "gpt-test" in [m["id"] for m in listed.json()["data"]]
    r = chat(mtls, cert=mtls.other)
    assert_openai_error(r, 403, "permission_error")
    assert mtls.mock_requests() == []


def test_no_client_certificate_is_401(mtls):
    mtls.clear_mock()
    r = chat(mtls)
    assert_openai_error(r, 401, "authentication_error")
    assert mtls.mock_requests() == []


def test_client_certificate_from_untrusted_ca_is_refused_in_handshake(mtls):
    mtls.clear_mock()
    with pytest.raises(requests.exceptions.SSLError):
        chat(mtls, cert=mtls.rogue)
    assert mtls.mock_requests() == []


def test_spiffe_id_in_untrusted_trust_domain_is_401(mtls):
    mtls.clear_mock()
    r = chat(mtls, cert=mtls.foreign)
    assert_openai_error(r, 401, "authentication_error")
    assert mtls.mock_requests() == []


def test_audit_trail_verifies(mtls):
    # Runs last in this module: the trail holds the allowed, forbidden and refused requests above.
    chat(mtls, cert=mtls.writer)
    deadline = time.time() + 10
    while True:
        r = subprocess.run([BIN, "audit", "verify", "--db", str(mtls.db)], capture_output=True, text=True,
                           timeout=60)
        if r.returncode == 0 or time.time() > deadline:
            break
        time.sleep(0.5)
    assert r.returncode == 0, r.stdout + r.stderr


def test_usage_api_authenticates_a_workload_by_its_certificate(mtls):
    chat(mtls, cert=mtls.writer)
    r = requests.get(mtls.base + "/v1/usage", cert=mtls.writer, verify=mtls.ca, timeout=30)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["scope"] == "self"
    assert report["data"][0]["principal"] == f"spiffe://{TRUST_DOMAIN}#/ns/batch/sa/report-writer"
    # Without a credential it is still refused.
    assert requests.get(mtls.base + "/v1/usage", verify=mtls.ca, timeout=30).status_code == 401


def thumbprint(cert_path):
    """RFC 8705 `x5t#S256` of a PEM certificate: base64url SHA-256 of its DER."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding
    der = x509.load_pem_x509_certificate(Path(cert_path).read_bytes()).public_bytes(Encoding.DER)
    return base64.urlsafe_b64encode(hashlib.sha256(der).digest()).rstrip(b"=").decode()


def test_a_certificate_bound_token_works_only_with_its_certificate(mtls):
    """RFC 8705: a token bound to the writer's certificate (`cnf.x5t#S256`) is served over a connection that
    presents that certificate, recorded with `token_binding: mtls`; over another client certificate, or none, a
    thief holding the token is refused."""
    now = int(time.time())
    claims = {"iss": "https://idp.mtls-e2e.test", "sub": "report-bot", "aud": "portcullis", "iat": now, "exp": now + 600,
              "groups": ["batch-jobs"], "cnf": {"x5t#S256": thumbprint(mtls.writer[0])}}
    token = jwt.encode(claims, mtls.jwt_key, algorithm="ES256", headers={"kid": "mtls-e2e"})
    auth = {"Authorization": f"Bearer {token}", "x-request-id": "mtls-bound-1"}
    ok = chat(mtls, cert=mtls.writer, headers=auth)
    assert ok.status_code == 200, ok.text
    out = subprocess.run([BIN, "audit", "export", "--db", str(mtls.db), "--format", "jsonl"], capture_output=True, text=True, timeout=60)
    recs = [json.loads(l) for l in out.stdout.splitlines() if '"mtls-bound-1"' in l]
    assert recs and recs[-1]["principal"]["token_binding"] == "mtls", recs
    assert recs[-1]["principal"]["subject"] == "report-bot"
    mtls.clear_mock()
    assert_openai_error(chat(mtls, cert=mtls.other, headers={"Authorization": f"Bearer {token}"}), 401, "authentication_error")
    assert_openai_error(chat(mtls, headers={"Authorization": f"Bearer {token}"}), 401, "authentication_error")
    assert mtls.mock_requests() == []
