"""End-to-end harness: the real `portcullis` binary (serve + mock-upstream) on loopback, with an identity
provider whose JWKS the test owns (tokens minted with PyJWT, verified by the gateway like any IdP's)."""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import ec

HERE = Path(__file__).parent
BIN = os.environ.get("PORTCULLIS_BIN", str(HERE.parent.parent / ".build" / "debug" / "portcullis"))
ISSUER = "https://idp.e2e.test"
AUDIENCE = "portcullis"
UPSTREAM_KEY = "e2e-upstream-" + uuid.uuid4().hex


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url, proc, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode}")
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise TimeoutError(url)


class Stack:
    def __init__(self, work: Path, policies: Path = HERE / "policies.cedar", entities: Path | None = None,
                 limits: str = "  cache:\n    enabled: true\n", mock_args=(), extra_env=None,
                 mcp_config: str | None = None, issuer_extra: str = "", identity_extra: str = "", observability_extra: str = ""):
        self.work = work
        # YAML lines added to the `observability:` section (2 spaces in), e.g. a `tracing:` block.
        self.observability_extra = observability_extra
        # YAML lines added to the e2e issuer's entry (6 spaces in) and to the `identity:` section (2 spaces in).
        self.issuer_extra = issuer_extra
        self.identity_extra = identity_extra
        self.limits = limits
        # A YAML snippet appended to the generated configuration (an `mcp:` section); `{gateway_port}` in it
        # becomes the gateway's port, which is only chosen here.
        self.mcp_config = mcp_config
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.kid = "e2e-" + uuid.uuid4().hex[:8]
        jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self.key.public_key()))
        jwk.update({"kid": self.kid, "alg": "ES256", "use": "sig"})
        (work / "jwks.json").write_text(json.dumps({"keys": [jwk]}))
        (work / "policies.cedar").write_text(policies.read_text())
        (work / "entities.json").write_text(entities.read_text() if entities else "[]")
        self.mock_port = free_port()
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.mock = f"http://127.0.0.1:{self.mock_port}"
        self.db = work / "audit.sqlite"
        (work / "portcullis.yaml").write_text(self.config())
        env = dict(os.environ, E2E_UPSTREAM_KEY=UPSTREAM_KEY, **(extra_env or {}))
        self.logs = open(work / "gateway.log", "w")
        self.mock_proc = subprocess.Popen(
            [BIN, "mock-upstream", "--port", str(self.mock_port), "--api-key", "env:E2E_UPSTREAM_KEY", "--chunk-size", "3", *mock_args],
            env=env, stdout=self.logs, stderr=subprocess.STDOUT)
        self._wait_mock()
        self.gateway = subprocess.Popen([BIN, "serve", "--config", str(work / "portcullis.yaml")], env=env,
                                        stdout=self.logs, stderr=subprocess.STDOUT)
        wait_ready(self.base + "/healthz", self.gateway)

    def _wait_mock(self):
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                requests.get(self.mock + "/mock/requests", timeout=1)
                return
            except requests.RequestException:
                time.sleep(0.1)
        raise TimeoutError("mock upstream")

    def config(self):
        return f"""
server:
  host: 127.0.0.1
  port: {self.port}
  max_body_bytes: 65536
  shutdown_grace_seconds: 5
providers:
  # The shared stack's injected failures are deterministic and repeated on purpose, and each test expects the
  # provider's own status: circuit breaking is off here and tested in test_failover.py.
  mock:
    kind: openai
    base_url: {self.mock}/v1
    api_key: env:E2E_UPSTREAM_KEY
    max_retries: 0
    circuit_breaker: {{enabled: false}}
  mock-impatient:
    kind: openai
    base_url: {self.mock}/v1
    api_key: env:E2E_UPSTREAM_KEY
    timeout_seconds: 1
    max_retries: 0
    circuit_breaker: {{enabled: false}}
  azure-mock:
    kind: azure
    base_url: {self.mock}
    api_key: env:E2E_UPSTREAM_KEY
    api_version: "2024-10-21"
    max_retries: 0
    circuit_breaker: {{enabled: false}}
  dead:
    kind: openai
    base_url: http://127.0.0.1:1/v1
    max_retries: 0
    circuit_breaker: {{enabled: false}}
  anthropic-mock:
    kind: anthropic
    base_url: {self.mock}/v1
    api_key: env:E2E_UPSTREAM_KEY
    max_retries: 0
    circuit_breaker: {{enabled: false}}
models:
  - {{name: claude-test, provider: anthropic-mock, upstream_model: mock-claude, input_price_per_million: 3, output_price_per_million: 15}}
  - {{name: claude-overloaded, provider: anthropic-mock, upstream_model: mock-error-529}}
  - {{name: claude-cut, provider: anthropic-mock, upstream_model: mock-cut}}
  - {{name: claude-unavailable, provider: anthropic-mock, upstream_model: mock-error-503}}
  - {{name: gpt-test, provider: mock, upstream_model: mock-gpt, hosting: external, allowed_data_classes: [public]}}
  - {{name: slow-stream, provider: mock, upstream_model: "mock-gpt+delay=150"}}
  - {{name: embed-test, provider: mock, upstream_model: mock-embedding}}
  - {{name: restricted-model, provider: mock, upstream_model: mock-gpt}}
  - {{name: slow-model, provider: mock-impatient, upstream_model: mock-slow}}
  - {{name: cut-model, provider: mock, upstream_model: mock-cut}}
  - {{name: error-model, provider: mock, upstream_model: mock-error-500}}
  - {{name: dead-model, provider: dead, upstream_model: anything}}
  - {{name: azure-gpt, provider: azure-mock, upstream_model: my-deployment}}
  - {{name: priced-model, provider: mock, upstream_model: mock-gpt, input_price_per_million: 1000, output_price_per_million: 1000}}
  - {{name: gpt-4o, provider: mock, upstream_model: mock-gpt, hosting: external, region: us, allowed_data_classes: [public, internal]}}
  - {{name: llama-internal, provider: mock, upstream_model: mock-gpt, hosting: internal, region: sg, allowed_data_classes: [public, internal, confidential]}}
identity:
  issuers:
    - name: e2e
      issuer: {ISSUER}
      audiences: [{AUDIENCE}]
      jwks_file: jwks.json
      discovery: false
{self.issuer_extra}  upstream_user_id:
    mode: hmac
    key: env:E2E_UPSTREAM_KEY
{self.identity_extra}policy:
  files: [policies.cedar]
  entities: entities.json
audit:
  path: audit.sqlite
limits:
{self.limits}observability:
  log_level: info
  log_format: json
{self.observability_extra}""" + (self.mcp_config.replace("{gateway_port}", str(self.port)) if self.mcp_config else "")

    def token(self, sub="alice", groups=("staff",), ttl=600, **extra):
        now = int(time.time())
        claims = {"iss": ISSUER, "sub": sub, "aud": AUDIENCE, "iat": now, "nbf": now, "exp": now + ttl,
                  "groups": list(groups), "scope": "llm", "client_id": "e2e-app", **extra}
        return jwt.encode(claims, self.key, algorithm="ES256", headers={"kid": self.kid, "typ": "at+jwt"})

    def mock_requests(self):
        return requests.get(self.mock + "/mock/requests", timeout=5).json()["data"]

    def clear_mock(self):
        requests.delete(self.mock + "/mock/requests", timeout=5)

    def stop(self):
        for p in (self.gateway, self.mock_proc):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in (self.gateway, self.mock_proc):
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
        self.logs.close()


@pytest.fixture(scope="session")
def stack():
    work = Path(tempfile.mkdtemp(prefix="portcullis-e2e-"))
    s = Stack(work)
    yield s
    s.stop()
    if os.environ.get("E2E_KEEP") is None:
        pass


@pytest.fixture()
def anthropic_client(stack):
    import anthropic
    return anthropic.Anthropic(base_url=stack.base, api_key=stack.token(), max_retries=0)


@pytest.fixture()
def client(stack):
    from openai import OpenAI
    return OpenAI(base_url=stack.base + "/v1", api_key=stack.token(), max_retries=0)
