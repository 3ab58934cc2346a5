"""DPoP (RFC 9449) through the real gateway with server nonces required: the first proof without a nonce is
answered 401 `WWW-Authenticate: DPoP error="use_dpop_nonce"` with a `DPoP-Nonce`; the retry with it is served and
recorded with `token_binding: dpop`; a replay, another key's proof and the bound token as Bearer are refused; a
certificate-bound token cannot be used without its certificate. Proofs are made here with PyJWT, independently of
the gateway's own signer."""
import base64
import hashlib
import json
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import ec

from conftest import BIN, Stack


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Holder:
    """A client's DPoP key: its public JWK, RFC 7638 thumbprint and proofs."""

    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP256R1())
        jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self.key.public_key()))
        self.jwk = {k: jwk[k] for k in ("kty", "crv", "x", "y")}
        canonical = json.dumps({k: self.jwk[k] for k in ("crv", "kty", "x", "y")}, separators=(",", ":"))
        self.jkt = b64(hashlib.sha256(canonical.encode()).digest())

    def proof(self, url, token, method="POST", nonce=None, iat=None):
        claims = {"jti": uuid.uuid4().hex, "htm": method, "htu": url, "iat": iat or int(time.time()),
                  "ath": b64(hashlib.sha256(token.encode()).digest())}
        if nonce:
            claims["nonce"] = nonce
        return jwt.encode(claims, self.key, algorithm="ES256", headers={"typ": "dpop+jwt", "jwk": self.jwk})


class DPoPStack(Stack):
    def config(self):
        # The public URL needs the port, which is chosen in Stack.__init__ before config() runs.
        self.identity_extra = f"  dpop:\n    public_url: http://127.0.0.1:{self.port}\n    require_nonce: true\n"
        return super().config()


@pytest.fixture(scope="module")
def dpop():
    s = DPoPStack(Path(tempfile.mkdtemp(prefix="portcullis-dpop-")))
    yield s
    s.stop()


BODY = {"model": "gpt-test", "messages": [{"role": "user", "content": "hello"}]}


def post(s, headers):
    return requests.post(s.base + "/v1/chat/completions", json=BODY, headers=headers, timeout=30)


def test_a_nonce_is_asked_for_then_the_bound_token_is_served_and_recorded(dpop):
    holder = Holder()
    token = dpop.token(sub="nina", cnf={"jkt": holder.jkt})
    url = dpop.base + "/v1/chat/completions"
    first = post(dpop, {"Authorization": f"DPoP {token}", "DPoP": holder.proof(url, token)})
    assert first.status_code == 401, first.text
    assert 'DPoP error="use_dpop_nonce"' in first.headers["www-authenticate"]
    nonce = first.headers["dpop-nonce"]
    dpop.clear_mock()
    ok = post(dpop, {"Authorization": f"DPoP {token}", "DPoP": holder.proof(url, token, nonce=nonce), "x-request-id": "dpop-ok-1"})
    assert ok.status_code == 200, ok.text
    # Neither the token nor the proof reaches the provider.
    dump = json.dumps(dpop.mock_requests())
    assert token not in dump and "dpop+jwt" not in dump.lower()
    out = subprocess.run([BIN, "audit", "export", "--db", str(dpop.db), "--format", "jsonl"], capture_output=True, text=True, timeout=60)
    recs = [json.loads(l) for l in out.stdout.splitlines() if '"dpop-ok-1"' in l]
    assert recs and recs[-1]["principal"]["token_binding"] == "dpop", recs


def test_every_misuse_of_a_bound_token_is_refused(dpop):
    holder, thief = Holder(), Holder()
    token = dpop.token(sub="olga", cnf={"jkt": holder.jkt})
    url = dpop.base + "/v1/chat/completions"
    nonce = post(dpop, {"Authorization": f"DPoP {token}", "DPoP": holder.proof(url, token)}).headers["dpop-nonce"]
    proof = holder.proof(url, token, nonce=nonce)
    assert post(dpop, {"Authorization": f"DPoP {token}", "DPoP": proof}).status_code == 200
    dpop.clear_mock()
    cases = {
        "replayed proof": {"Authorization": f"DPoP {token}", "DPoP": proof},
        "another key's proof": {"Authorization": f"DPoP {token}", "DPoP": thief.proof(url, token, nonce=nonce)},
        "bound token as bearer": {"Authorization": f"Bearer {token}"},
        "bound token without proof": {"Authorization": f"DPoP {token}"},
        "wrong method": {"Authorization": f"DPoP {token}", "DPoP": holder.proof(url, token, method="GET", nonce=nonce)},
        "wrong url": {"Authorization": f"DPoP {token}", "DPoP": holder.proof(dpop.base + "/v1/embeddings", token, nonce=nonce)},
        "stale iat": {"Authorization": f"DPoP {token}", "DPoP": holder.proof(url, token, nonce=nonce, iat=int(time.time()) - 600)},
    }
    for name, headers in cases.items():
        r = post(dpop, headers)
        assert r.status_code == 401, (name, r.status_code, r.text)
        assert r.json()["error"]["type"] == "authentication_error", name
        challenge = r.headers.get("www-authenticate", "")
        assert challenge.startswith(("DPoP ", "Bearer ")), (name, challenge)
        assert token not in r.text and token not in challenge, name
    assert dpop.mock_requests() == []


def test_a_certificate_bound_token_without_its_certificate_is_refused(dpop):
    token = dpop.token(sub="pia", cnf={"x5t#S256": b64(hashlib.sha256(b"some certificate").digest())})
    r = post(dpop, {"Authorization": f"Bearer {token}"})
    assert r.status_code == 401, r.text
    assert "certificate" in r.json()["error"]["message"]
