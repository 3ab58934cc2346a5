"""The cluster end to end: `scripts/cluster up 3` (PostgreSQL with TLS, three replicas, nginx round-robin) driven
by concurrent clients. Shared budgets and rate limits hold across replicas; a replica SIGKILLed mid-load and
the database restarted mid-load lose no record of an answered request; `portcullis audit verify` passes on the
shared trail; the replicas agree on the policy set.

  PORTCULLIS_BIN=.build/debug/portcullis .venv-e2e/bin/pytest -q tests/cluster
"""
import concurrent.futures as cf
import json
import os
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("PORTCULLIS_BIN", str(ROOT / ".build/debug/portcullis"))
CRASH_CHECK = ROOT / "tests/audit/crash_check.py"

LIMITS = """  rate_limits:
    - {scope: principal, match: "*", requests_per_minute: 6000}
    - {scope: group, match: rl-test, requests_per_minute: 60}
  budgets:
    - {scope: group, match: budget-test, daily: 0.105}
  cache:
    enabled: true
"""
# gpt-slow answers after 15 s (mock-slow-15000): every concurrent admission is decided before any settles, even on
# a loaded machine.
# One call reserves 1000 output tokens at 10/M plus a few input tokens at 1/M: about 0.01; the budget holds 10.


def free_base_port():
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port < 60000 and all(_free(port + k) for k in (1, 2, 3, 50, 60)):
            return port


def _free(port):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


class Cluster:
    def __init__(self, work: Path):
        self.work = work
        self.dir = work / "cluster"
        limits = work / "limits.yaml"
        limits.write_text(LIMITS)
        self.port = free_base_port()
        self.env = dict(os.environ, PORTCULLIS_BIN=BIN, PORTCULLIS_CLUSTER_DIR=str(self.dir),
                        PORTCULLIS_CLUSTER_PORT=str(self.port), PORTCULLIS_CLUSTER_LIMITS=str(limits),
                        # Short leases: a killed replica's trails are closed sooner, and a database outage (8 s
                        # below) comes close to a lease — live trails must still never be closed as aborted.
                        PORTCULLIS_CLUSTER_LEASE_SECONDS="10",
                        PORTCULLIS_CLUSTER_EXTRA_MODELS="  - {name: gpt-slow, provider: mock, upstream_model: mock-slow-15000, "
                                                        "input_price_per_million: 1, output_price_per_million: 10}\n")
        out = subprocess.run([str(ROOT / "scripts/cluster"), "up", "3"], env=self.env, capture_output=True, text=True,
                             timeout=600)
        if out.returncode != 0:
            self.down()  # what did start (the database, an upstream, replicas) is stopped before failing
        assert out.returncode == 0, out.stderr[-3000:]
        self.output = out.stdout
        lines = out.stdout.splitlines()
        self.url = next(l.split(": ", 1)[1] for l in lines if l.startswith("URL: "))
        self.token = next(l.split(": ", 1)[1] for l in lines if l.startswith("token: "))
        self.pids = {int(l.split()[1]): int(l.split()[3]) for l in lines if l.startswith("replica ")}
        self.database = "file:" + str(self.dir / "database-url")

    def replica_url(self, k):
        return f"http://127.0.0.1:{self.port + k}"

    def mint(self, user, *groups):
        args = [BIN, "token", "--data-dir", str(self.dir / "idp"), "--user", user, "--ttl", "3600"]
        for g in ("staff",) + groups:
            args += ["--group", g]
        return subprocess.run(args, capture_output=True, text=True, check=True).stdout.strip()

    def chat(self, token, model="gpt-test", rid=None, max_tokens=None, timeout=30, base=None):
        body = {"model": model, "messages": [{"role": "user", "content": f"hello {rid or ''}"}]}
        if max_tokens:
            body["max_tokens"] = max_tokens
        headers = {"authorization": "Bearer " + token}
        if rid:
            headers["x-request-id"] = rid
        return requests.post((base or self.url) + "/v1/chat/completions", json=body, headers=headers, timeout=timeout)

    def audit(self, *args):
        return subprocess.run([BIN, "audit", *args, "--database", self.database], capture_output=True, text=True)

    def pg_ctl(self, *args):
        script = f'source scripts/lib/setup.sh; source scripts/lib/postgres.sh; portcullis_pg_ctl "{self.dir}/postgres" {" ".join(args)}'
        subprocess.run(["bash", "-c", script], cwd=ROOT, check=True, timeout=120)

    def down(self):
        subprocess.run([str(ROOT / "scripts/cluster"), "down"], env=self.env, capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def cluster():
    work = Path(tempfile.mkdtemp(prefix="portcullis-cluster-"))
    c = Cluster(work)
    yield c
    c.down()


class Load:
    """Workers sending chat completions until stopped; records every answer the gateway gave (it carries the
    gateway's x-request-id: an nginx error page for a killed replica does not)."""

    def __init__(self, cluster, token, workers=12, model="gpt-test"):
        self.cluster, self.token, self.model = cluster, token, model
        self.answers, self.lock, self.stop = [], threading.Lock(), threading.Event()
        self.threads = [threading.Thread(target=self.work, args=(w,), daemon=True) for w in range(workers)]
        for t in self.threads:
            t.start()

    def work(self, w):
        n = 0
        while not self.stop.is_set():
            n += 1
            rid = f"load-{w}-{n}-{uuid.uuid4().hex[:8]}"
            try:
                r = self.cluster.chat(self.token, self.model, rid=rid, timeout=15)
            except requests.RequestException:
                continue
            if r.headers.get("x-request-id") == rid:
                with self.lock:
                    self.answers.append({"request_id": rid, "sent_id": rid, "status": r.status_code,
                                         "code": (r.json().get("error") or {}).get("code") if r.status_code >= 400 else None})

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=30)
        return self.answers


def check_trails(cluster, answers, work: Path):
    """Every answered request has a complete trail, every request the provider received a begin; verify passes."""
    export = work / f"export-{uuid.uuid4().hex[:6]}.jsonl"
    out = cluster.audit("export", "--format", "jsonl")
    assert out.returncode == 0, out.stderr
    export.write_text(out.stdout)
    answered = work / f"answered-{uuid.uuid4().hex[:6]}.jsonl"
    answered.write_text("".join(json.dumps(a) + "\n" for a in answers))
    upstream = work / f"upstream-{uuid.uuid4().hex[:6]}.json"
    upstream.write_text(requests.get(f"http://127.0.0.1:{cluster.port + 50}/mock/requests", timeout=10).text)
    check = subprocess.run(["python3", str(CRASH_CHECK), "--upstream", str(upstream), str(export), str(answered)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout[-4000:]
    verify = cluster.audit("verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert verify.stdout.startswith("OK ")
    return check.stdout


def wait_open_trails_closed(cluster, deadline_s=90):
    """Until no begin is left without its end or aborted record (a killed replica's are closed by another once its
    lease lapses)."""
    deadline = time.time() + deadline_s
    while time.time() < deadline:
        out = cluster.audit("export", "--format", "jsonl")
        phases = {}
        for line in out.stdout.splitlines():
            r = json.loads(line)
            phases.setdefault(r["trail_id"], []).append(r["phase"])
        if all(p != ["begin"] for p in phases.values()):
            return
        time.sleep(1)
    raise AssertionError("open trails were not closed")


def test_up_prints_the_contract(cluster):
    assert cluster.url == f"http://127.0.0.1:{cluster.port}"
    assert sorted(cluster.pids) == [1, 2, 3]
    assert "database: postgres://portcullis:****@localhost:" in cluster.output
    assert "sslmode=verify-full" in cluster.output
    r = cluster.chat(cluster.token)
    assert r.status_code == 200, r.text


def test_requests_spread_over_replicas_and_they_agree_on_the_policy_set(cluster):
    hashes = set()
    for k in (1, 2, 3):
        ready = requests.get(cluster.replica_url(k) + "/readyz", timeout=10).json()
        assert ready["status"] == "ready", ready
        assert ready["checks"]["database"] == "ok"
        assert ready["replica"] == f"replica-{k}"
        hashes.add(ready["policy_set_hash"])
        metrics = requests.get(cluster.replica_url(k) + "/metrics", timeout=10).text
        assert f'portcullis_policy_set_info{{policy_set_hash="{ready["policy_set_hash"]}",replica="replica-{k}"}} 1' in metrics \
            or f'portcullis_policy_set_info{{replica="replica-{k}",policy_set_hash="{ready["policy_set_hash"]}"}} 1' in metrics
    assert len(hashes) == 1


def test_a_budget_for_ten_admits_at_most_ten_of_200_concurrent_calls_across_replicas(cluster):
    token = cluster.mint("bea", "budget-test")
    with cf.ThreadPoolExecutor(max_workers=200) as pool:
        results = list(pool.map(lambda i: cluster.chat(token, "gpt-slow", rid=f"budget-{i}", max_tokens=1000, timeout=60),
                                range(200)))
    statuses = [r.status_code for r in results]
    admitted = statuses.count(200)
    refused = [r for r in results if r.status_code == 429]
    assert admitted + len(refused) == 200, sorted(set(statuses))
    assert admitted == 10, admitted
    assert all("budget" in r.json()["error"]["message"] for r in refused), refused[0].text
    # Answers do not wait for the settling round trips on shared stores; the settlements land right after: the
    # account ends with the ten calls' real cost spent and nothing left reserved, seen from any replica.
    deadline = time.time() + 15
    while True:
        budgets = [requests.get(cluster.replica_url(k) + "/v1/usage", headers={"authorization": f"Bearer {token}"},
                                timeout=10).json()["data"][0]["budgets"] for k in (1, 2, 3)]
        if all(b[0]["reserved"] == 0 for b in budgets) or time.time() > deadline:
            break
        time.sleep(0.5)
    for [budget] in budgets:
        assert budget["reserved"] == 0, budget
        assert 0 < budget["spent"] < 0.105, budget


def test_a_rate_limit_holds_across_replicas_within_its_bound(cluster):
    token = cluster.mint("rui", "rl-test")
    started = time.time()
    with cf.ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(lambda i: cluster.chat(token, rid=f"rl-{i}"), range(150)))
    elapsed = time.time() - started
    admitted = sum(r.status_code == 200 for r in results)
    assert all(r.status_code in (200, 429) for r in results)
    # GCRA from a full bucket: 60 at once, then one per second. Bound stated in docs/deployment.md: exact.
    allowed = 60 + int(elapsed) + 1
    assert 60 <= admitted <= allowed, (admitted, elapsed)


def test_a_replica_killed_mid_load_loses_no_trail(cluster):
    load = Load(cluster, cluster.token)
    time.sleep(3)
    os.kill(cluster.pids[2], signal.SIGKILL)
    time.sleep(4)
    answers = load.finish()
    assert sum(a["status"] == 200 for a in answers) > 20
    wait_open_trails_closed(cluster)
    print(check_trails(cluster, answers, cluster.work))


def test_the_database_restarted_mid_load_fails_closed_and_recovers_without_restart(cluster):
    load = Load(cluster, cluster.token, workers=8)
    time.sleep(2)
    cluster.pg_ctl("stop", "-m", "immediate")
    # Down for longer than the statement deadline (query_timeout_seconds, 5 s): calls must be refused, not wait.
    time.sleep(8)
    down_ready = requests.get(cluster.replica_url(1) + "/readyz", timeout=30)
    cluster.pg_ctl("start")
    time.sleep(6)
    answers = load.finish()
    assert down_ready.status_code == 503 and down_ready.json()["checks"]["database"] == "failing"
    codes = [a["status"] for a in answers]
    assert 503 in codes, sorted(set(codes))
    assert all(a["code"] == "control_unavailable" for a in answers if a["status"] == 503)
    # Recovered: answers after the restart, without restarting any replica.
    assert codes[-20:].count(200) > 10, codes[-40:]
    r = cluster.chat(cluster.token, base=cluster.replica_url(1))
    assert r.status_code == 200, r.text
    # End and refusal records that could not be written while it was down are written once it is back.
    wait_open_trails_closed(cluster)
    print(check_trails(cluster, answers, cluster.work))
