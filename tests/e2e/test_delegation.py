"""Delegated identity through the real gateway (issue 16): a service acting for a signed-in user. The user is the
principal; the actor chain — from an RFC 8693 `act` claim, or a workload that authenticates itself and carries the
user's token in `x-portcullis-user-token` — is in the policy context, keys limits and is kept in the audit record.
Every refusal the issue lists is tried over HTTP: a user token for another audience, one expired while the
workload's is valid, a binding mismatch, a chain over the depth limit, an unconfigured workload."""
import http.client
import json
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests

from conftest import BIN, ISSUER, Stack

POLICIES = f"""
@id("models-list-all")
permit(principal, action == Action::"models.list", resource is Model);

@id("direct")
permit(principal in Group::"staff", action in Action::"inference", resource is Model)
when {{ !context.delegated }};

@id("rag-acts-to-summarise")
permit(principal in Group::"staff", action in Action::"inference", resource is Model)
when {{ context has actor && context.actor == Service::"{ISSUER}#rag-api" && context has purpose && context.purpose == "summarise" }};

@id("agents-may-act")
permit(principal in Group::"staff", action in Action::"inference", resource is Model)
when {{ context has actor && context.actor in Group::"agents" }};

@id("never-the-scraper")
forbid(principal, action, resource)
when {{ context.actors.contains(Service::"{ISSUER}#scraper") }};
"""

LIMITS = """  rate_limits:
    - {scope: principal, match: "*", requests_per_minute: 3}
    - {scope: actor, match: bulk-bot, requests_per_minute: 2}
"""

# bulk-bot's and summariser's groups come from the entity store, as an operator would declare a service.
ENTITIES = [
    {"uid": {"type": "Service", "id": f"{ISSUER}#summariser"}, "attrs": {}, "parents": [{"type": "Group", "id": "agents"}]},
    {"uid": {"type": "Service", "id": f"{ISSUER}#bulk-bot"}, "attrs": {}, "parents": [{"type": "Group", "id": "agents"}]},
]


class DelegationStack(Stack):
    def __init__(self, work, **kw):
        super().__init__(work, issuer_extra="      claim_mapping: {preset: generic, actor_client: /azp}\n", identity_extra=f"""  delegation:
    max_actor_depth: 3
    workloads:
      - {{issuer: "{ISSUER}", subject: rag-api, user_token_clients: [rag-web]}}
""", **kw)

    def service_token(self, sub, **extra):
        return self.token(sub=sub, groups=("services",), client_id=sub, **extra)


@pytest.fixture(scope="module")
def deleg():
    work = Path(tempfile.mkdtemp(prefix="portcullis-delegation-"))
    (work / "p.cedar").write_text(POLICIES)
    (work / "e.json").write_text(json.dumps(ENTITIES))
    s = DelegationStack(work, policies=work / "p.cedar", entities=work / "e.json", limits=LIMITS)
    yield s
    s.stop()


def chat(s, token=None, user_token=None, purpose=None, headers=None):
    h = dict(headers or {})
    if token:
        h["Authorization"] = f"Bearer {token}"
    if user_token is not None:
        h["x-portcullis-user-token"] = user_token
    if purpose:
        h["x-portcullis-purpose"] = purpose
    body = {"model": "gpt-test", "messages": [{"role": "user", "content": "summarise the quarterly notes"}]}
    return requests.post(s.base + "/v1/chat/completions", json=body, headers=h, timeout=30)


def records(s):
    out = subprocess.run([BIN, "audit", "export", "--db", str(s.db), "--format", "jsonl"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return [json.loads(l) for l in out.stdout.splitlines()]


def record_for(s, request_id, phase=None):
    deadline = time.time() + 10
    while time.time() < deadline:
        found = [r for r in records(s) if r.get("request_id") == request_id and (phase is None or r["phase"] == phase)]
        if found:
            return found[-1]
        time.sleep(0.2)
    raise AssertionError(f"no record for {request_id}")


def test_an_act_claim_makes_the_acting_service_visible_to_policy_and_audit(deleg):
    user = deleg.token(sub="amy", act={"sub": "rag-api"})
    allowed = chat(deleg, user, purpose="summarise", headers={"x-request-id": "deleg-act-1"})
    assert allowed.status_code == 200, allowed.text
    rec = record_for(deleg, "deleg-act-1", phase="end")
    assert rec["principal"]["subject"] == "amy"
    assert rec["principal"]["actors"] == [{"issuer": ISSUER, "kind": "service", "source": "act", "subject": "rag-api"}]
    assert rec["decision"]["determining_policies"] == ["rag-acts-to-summarise"]
    # The same service without the declared purpose, and another service: refused by default deny.
    assert chat(deleg, user).status_code == 403
    assert chat(deleg, deleg.token(sub="amy", act={"sub": "batch"}), purpose="summarise").status_code == 403
    # The same user directly, without an actor.
    assert chat(deleg, deleg.token(sub="amy")).status_code == 200


def test_policies_allow_one_actor_and_deny_another_anywhere_in_the_chain(deleg):
    # summariser is in Group::"agents" by the entity store.
    assert chat(deleg, deleg.token(sub="ben", act={"sub": "summariser"})).status_code == 200
    behind = deleg.token(sub="ben", act={"sub": "summariser", "act": {"sub": "scraper"}})
    r = chat(deleg, behind)
    assert r.status_code == 403, r.text
    assert "never-the-scraper" in r.json()["error"]["message"]


def test_an_actor_chain_over_the_depth_limit_is_401(deleg):
    deep = deleg.token(sub="ben", act={"sub": "a", "act": {"sub": "b", "act": {"sub": "c", "act": {"sub": "d"}}}})
    r = chat(deleg, deep)
    assert r.status_code == 401, r.text
    assert "actor chain" in r.json()["error"]["message"]


def test_a_workload_carrying_the_users_token_acts_for_the_user(deleg):
    workload = deleg.service_token("rag-api")
    user = deleg.token(sub="cleo", azp="rag-web")
    deleg.clear_mock()
    r = chat(deleg, workload, user_token=user, purpose="summarise", headers={"x-request-id": "deleg-wl-1"})
    assert r.status_code == 200, r.text
    rec = record_for(deleg, "deleg-wl-1", phase="end")
    p = rec["principal"]
    assert p["subject"] == "cleo" and p["kind"] == "user"
    assert p["authentication_method"] == "delegated"
    assert [(a["subject"], a["source"]) for a in p["actors"]] == [("rag-api", "workload"), ("rag-web", "client")]
    # Neither token reaches the provider.
    dump = json.dumps(deleg.mock_requests())
    assert workload not in dump and user not in dump


def test_every_broken_delegation_is_refused_before_the_provider(deleg):
    workload = deleg.service_token("rag-api")
    now = int(time.time())
    cases = {
        "another audience": (workload, deleg.token(sub="cleo", azp="rag-web", aud="api://elsewhere")),
        "expired user token": (workload, deleg.token(sub="cleo", azp="rag-web", iat=now - 700, nbf=now - 700, exp=now - 120)),
        "binding mismatch": (workload, deleg.token(sub="cleo", azp="hr-portal")),
        "unconfigured workload": (deleg.service_token("batch"), deleg.token(sub="cleo", azp="rag-web")),
        "user as workload": (deleg.token(sub="mallory"), deleg.token(sub="cleo", azp="rag-web")),
        "service as user": (workload, deleg.service_token("rag-api")),
        "no workload credential": (None, deleg.token(sub="cleo", azp="rag-web")),
        "expired workload": (deleg.service_token("rag-api", iat=now - 700, nbf=now - 700, exp=now - 120), deleg.token(sub="cleo", azp="rag-web")),
    }
    deleg.clear_mock()
    for name, (w, u) in cases.items():
        r = chat(deleg, w, user_token=u, purpose="summarise", headers={"x-request-id": "deleg-bad-" + name.replace(" ", "-")})
        assert r.status_code == 401, (name, r.status_code, r.text)
        assert r.json()["error"]["type"] == "authentication_error", name
        assert "invalid_token" in r.headers.get("www-authenticate", ""), name
        rec = record_for(deleg, "deleg-bad-" + name.replace(" ", "-"))
        assert rec["outcome"] == "refused_auth", (name, rec)
        assert "principal" not in rec, (name, rec)
    assert deleg.mock_requests() == []
    # Two user-token headers: refused, never one of them picked.
    conn = http.client.HTTPConnection("127.0.0.1", deleg.port, timeout=30)
    conn.putrequest("POST", "/v1/chat/completions")
    body = json.dumps({"model": "gpt-test", "messages": [{"role": "user", "content": "x"}]}).encode()
    for name, value in [("Authorization", f"Bearer {workload}"), ("x-portcullis-user-token", deleg.token(sub="cleo", azp="rag-web")),
                        ("x-portcullis-user-token", deleg.token(sub="dan", azp="rag-web")), ("Content-Type", "application/json"),
                        ("Content-Length", str(len(body)))]:
        conn.putheader(name, value)
    conn.endheaders(body)
    answer = conn.getresponse()
    assert answer.status == 401, answer.read()
    conn.close()
    assert deleg.mock_requests() == []


def test_limits_count_the_user_across_the_services_acting_for_them(deleg):
    # 3 per minute per user, whichever service acts: two through the RAG workload, one via an act claim
    # through the summariser, one directly; the fourth is over.
    workload = deleg.service_token("rag-api")
    assert chat(deleg, workload, user_token=deleg.token(sub="erin", azp="rag-web"), purpose="summarise").status_code == 200
    assert chat(deleg, workload, user_token=deleg.token(sub="erin", azp="rag-web"), purpose="summarise").status_code == 200
    assert chat(deleg, deleg.token(sub="erin", act={"sub": "summariser"})).status_code == 200
    r = chat(deleg, deleg.token(sub="erin"))
    assert r.status_code == 429, r.text
    # Another user through the same services is not affected.
    assert chat(deleg, workload, user_token=deleg.token(sub="finn", azp="rag-web"), purpose="summarise").status_code == 200


def test_a_service_is_limited_across_the_users_it_acts_for(deleg):
    assert chat(deleg, deleg.token(sub="gus", act={"sub": "bulk-bot"})).status_code == 200
    assert chat(deleg, deleg.token(sub="hal", act={"sub": "bulk-bot"})).status_code == 200
    r = chat(deleg, deleg.token(sub="ida", act={"sub": "bulk-bot"}))
    assert r.status_code == 429, r.text
    # The same users directly are not limited by the bot's bucket.
    assert chat(deleg, deleg.token(sub="ida")).status_code == 200


def test_the_trail_with_delegated_records_verifies(deleg):
    r = subprocess.run([BIN, "audit", "verify", "--db", str(deleg.db)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
