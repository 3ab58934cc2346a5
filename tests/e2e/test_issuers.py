"""Two trusted issuers (staff and a partner IdP) plus one whose keys cannot be had: names are scoped by issuer
(buckets, budgets, tenant cache, administration), key-pointing headers are never fetched, and an IdP outage
is a 503, not a bad token."""
import json
import tempfile
import time
import uuid
from pathlib import Path

import jwt
import openai
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import ec
from openai import OpenAI

from conftest import AUDIENCE, HERE, ISSUER
from limits_support import PricedStack, RecordingServer, curl, replace_section

PARTNER = "https://partner.e2e.test/realms/p"
DOWN = "https://down.e2e.test"


def public_jwk(key, kid):
    jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key()))
    jwk.update({"kid": kid, "alg": "ES256", "use": "sig"})
    return jwk


class TwoIssuerStack(PricedStack):
    def __init__(self, work):
        self.partner_key = ec.generate_private_key(ec.SECP256R1())
        self.partner_kid = "partner-" + uuid.uuid4().hex[:8]
        self.attacker_key = ec.generate_private_key(ec.SECP256R1())
        self.jwks = RecordingServer({
            "/partner/jwks": json.dumps({"keys": [public_jwk(self.partner_key, self.partner_kid)]}),
            "/evil/jwks": json.dumps({"keys": [public_jwk(self.attacker_key, "attacker")]}),
            "/evil/cert.pem": "-----BEGIN CERTIFICATE-----\n",
        })
        limits = """  rate_limits:
    - {scope: principal, match: alice, issuer: partner, requests_per_minute: 2}
  budgets:
    - {scope: group, match: "*", daily: 0.03}
  cache:
    enabled: true
"""
        super().__init__(work, limits=limits, policies=HERE / "issuers_policies.cedar",
                         extra="administration:\n  issuers: [staff]\n")

    def config(self):
        identity = f"""identity:
  issuers:
    - name: staff
      issuer: {ISSUER}
      audiences: [{AUDIENCE}]
      jwks_file: jwks.json
      discovery: false
      claim_mapping: {{preset: generic, tenant: /tid}}
    - name: partner
      issuer: {PARTNER}
      audiences: [{AUDIENCE}]
      jwks_uri: {self.jwks.url}/partner/jwks
      discovery: false
      group_namespace: partner
      claim_mapping: {{preset: generic, tenant: /tid}}
    - name: down
      issuer: {DOWN}
      audiences: [{AUDIENCE}]
      jwks_uri: http://127.0.0.1:1/jwks
      discovery: false
      group_namespace: down
"""
        return replace_section(super().config(), "identity", identity)

    def partner_token(self, sub, groups=("eng",), key=None, kid=None, issuer=PARTNER, headers=None, **extra):
        now = int(time.time())
        claims = {"iss": issuer, "sub": sub, "aud": AUDIENCE, "iat": now, "nbf": now, "exp": now + 600,
                  "groups": list(groups), "scope": "llm", **extra}
        return jwt.encode(claims, key or self.partner_key, algorithm="ES256",
                          headers={"kid": kid or self.partner_kid, **(headers or {})})

    def stop(self):
        super().stop()
        self.jwks.stop()


@pytest.fixture(scope="module")
def two():
    s = TwoIssuerStack(Path(tempfile.mkdtemp(prefix="portcullis-issuers-")))
    yield s
    s.stop()


def client(stack, token):
    return OpenAI(base_url=stack.base + "/v1", api_key=token, max_retries=0)


def ask(c, text, model="gpt-test", **kw):
    return c.chat.completions.with_raw_response.create(model=model, messages=[{"role": "user", "content": text}], **kw)


def test_a_partner_cannot_drain_a_staff_groups_budget(two):
    partner = client(two, two.partner_token("p-user", groups=["eng"]))
    refused = None
    for i in range(20):
        try:
            ask(partner, f"spend {i}", model="priced-model", max_tokens=10)
        except openai.RateLimitError as e:
            refused = e
            break
    assert refused is not None and refused.body["code"] == "insufficient_quota"
    # The staff's group "eng" has an account of its own.
    staff = client(two, two.token("s-user", groups=["eng"]))
    assert ask(staff, "still funded", model="priced-model", max_tokens=10).http_response.status_code == 200


def test_a_rule_naming_an_issuer_applies_to_that_issuers_principal_only(two):
    partner = client(two, two.partner_token("alice", groups=["other"]))
    assert ask(partner, "1").headers["x-ratelimit-limit-requests"] == "2"
    ask(partner, "2")
    with pytest.raises(openai.RateLimitError):
        ask(partner, "3")
    staff = client(two, two.token("alice", groups=["other"]))
    for i in range(4):  # the staff's alice is another principal, with no rate limit
        assert ask(staff, f"s{i}").http_response.status_code == 200


def test_a_tenant_cache_scope_never_crosses_issuers(two):
    question = "what is the tenant cache " + uuid.uuid4().hex
    a = client(two, two.token("tenant-a", tid="acme"))
    b = client(two, two.token("tenant-b", tid="acme"))
    p = client(two, two.partner_token("tenant-p", tid="acme"))
    assert ask(a, question).headers["x-portcullis-cache"] == "miss"
    assert ask(b, question).headers["x-portcullis-cache"] == "hit"       # same issuer, same tenant: shared
    assert ask(p, question).headers["x-portcullis-cache"] == "miss"      # same tid from the partner IdP: not


def test_administrators_come_only_from_the_configured_issuers(two):
    def usage(token):
        r = requests.get(two.base + "/v1/usage", headers={"authorization": f"Bearer {token}"}, timeout=10)
        assert r.status_code == 200, r.text
        return r.json()
    assert usage(two.partner_token("p-admin", roles=["portcullis-admin"]))["scope"] == "self"
    assert usage(two.token("s-admin", roles=["portcullis-admin"]))["scope"] == "all"


def test_key_pointing_headers_are_never_fetched(two):
    # The gateway did fetch the partner JWKS from this listener: it is reachable and records requests.
    assert "/partner/jwks" in two.jwks.paths
    evil = {"jku": two.jwks.url + "/evil/jwks", "x5u": two.jwks.url + "/evil/cert.pem",
            "jwk": public_jwk(two.attacker_key, "attacker")}
    for issuer in (PARTNER, ISSUER):
        for header in ({"jku": evil["jku"]}, {"x5u": evil["x5u"]}, {"jwk": evil["jwk"]}, evil):
            token = two.partner_token("mallory", key=two.attacker_key, kid="attacker", issuer=issuer, headers=header)
            status, headers, body = curl(two.base + "/v1/chat/completions", "-H", f"Authorization: Bearer {token}",
                                         "-d", json.dumps({"model": "gpt-test", "messages": [{"role": "user", "content": "x"}]}))
            assert status == 401 and 'error="invalid_token"' in headers["www-authenticate"]
    assert not [p for p in two.jwks.paths if p.startswith("/evil")], two.jwks.paths
    assert set(two.jwks.paths) == {"/partner/jwks"}


def test_an_issuer_whose_keys_cannot_be_had_is_a_503_not_a_bad_token(two):
    token = two.partner_token("someone", issuer=DOWN, kid="any")
    status, headers, body = curl(two.base + "/v1/chat/completions", "-H", f"Authorization: Bearer {token}",
                                 "-d", json.dumps({"model": "gpt-test", "messages": [{"role": "user", "content": "x"}]}))
    assert status == 503, body
    error = json.loads(body)["error"]
    assert error["code"] == "control_unavailable" and "identity" in error["message"]
    assert headers["retry-after"] == "1" and "www-authenticate" not in headers


def test_a_partner_claiming_a_staff_group_name_is_not_in_that_group(two):
    staff_admin = client(two, two.token("s-root", groups=["admins"]))
    assert ask(staff_admin, "restricted", model="restricted-model").http_response.status_code == 200
    partner_admin = client(two, two.partner_token("p-root", groups=["admins"]))
    with pytest.raises(openai.PermissionDeniedError) as e:
        ask(partner_admin, "restricted", model="restricted-model")
    assert "restricted-staff-admins-only" in e.value.body["message"]
