"""Policy reload against the real binary: a broken policy file on SIGHUP keeps the previous set deciding,
logs why and counts `policy_reload_failures`; a good change is picked up without a restart (SIGHUP or the
file watcher); `policy.hide_policy_ids` keeps policy ids out of 403 bodies but not out of the audit trail."""
import json
import re
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import requests

from conftest import BIN, HERE, Stack

GOOD_CHANGE = (HERE / "policies.cedar").read_text() + """
@id("no-gpt-test-today")
forbid(principal, action in Action::"inference", resource == Model::"gpt-test");
"""
BROKEN = (HERE / "policies.cedar").read_text() + """
@id("half-written")
forbid(principal, action in Action::"inference", resource == Model::"gpt-test"
"""


class PolicyStack(Stack):
    def __init__(self, work, policy_extra, **kw):
        self.policy_extra = policy_extra
        super().__init__(work, **kw)

    def config(self):
        return super().config().replace("policy:\n  files: [policies.cedar]\n", "policy:\n  files: [policies.cedar]\n" + self.policy_extra)


def ask(stack, model="gpt-test", rid=None):
    headers = {"authorization": "Bearer " + stack.token("reloader")}
    if rid:
        headers["x-request-id"] = rid
    return requests.post(stack.base + "/v1/chat/completions", headers=headers, timeout=30,
                         json={"model": model, "messages": [{"role": "user", "content": "hi"}]})


def metric(stack, name):
    text = requests.get(stack.base + "/metrics", timeout=5).text
    m = re.search(r"^portcullis_%s_total(?:\{[^}]*\})? (\d+)" % name, text, re.M)
    return int(m.group(1)) if m else 0


def wait_for(check, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def decided_hash(stack, rid):
    out = subprocess.run([BIN, "audit", "show", rid, "--db", str(stack.db)], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return [json.loads(l) for l in out.stdout.splitlines()][0]["decision"]["policy_set_hash"]


def test_sighup_with_a_broken_file_keeps_the_old_set_then_a_good_change_applies_without_restart():
    # The watcher is slowed down so that only SIGHUP can trigger the reloads here.
    stack = PolicyStack(Path(tempfile.mkdtemp(prefix="portcullis-reload-")), "  reload_interval_seconds: 3600\n")
    try:
        assert ask(stack, rid="before").status_code == 200
        pid = stack.gateway.pid
        (stack.work / "policies.cedar").write_text(BROKEN)
        stack.gateway.send_signal(signal.SIGHUP)
        assert wait_for(lambda: metric(stack, "policy_reload_failures") == 1), "the refused reload must be counted"
        assert metric(stack, "policy_reloads") == 0
        # The previous set still decides: gpt-test allowed, restricted-model still refused by its policy.
        assert ask(stack, rid="during").status_code == 200
        refused = ask(stack, model="restricted-model")
        assert refused.status_code == 403 and "restricted-admins-only" in refused.json()["error"]["message"]
        assert wait_for(lambda: "policy reload refused" in (stack.work / "gateway.log").read_text())
        lines = [json.loads(l) for l in (stack.work / "gateway.log").read_text().splitlines() if l.startswith("{")]
        refusal = [l for l in lines if l.get("message", "").startswith("policy reload refused")]
        assert refusal and refusal[0]["level"] == "error"
        assert "policies.cedar:" in refusal[0]["error"]                         # names file:line:col

        (stack.work / "policies.cedar").write_text(GOOD_CHANGE)
        stack.gateway.send_signal(signal.SIGHUP)
        assert wait_for(lambda: metric(stack, "policy_reloads") == 1)
        denied = ask(stack, rid="after")
        assert denied.status_code == 403 and "no-gpt-test-today" in denied.json()["error"]["message"]
        assert stack.gateway.pid == pid and stack.gateway.poll() is None        # no restart
    finally:
        stack.stop()
    assert decided_hash(stack, "before") == decided_hash(stack, "during") != decided_hash(stack, "after")


def test_the_file_watcher_picks_up_a_change_and_refuses_a_broken_one():
    stack = PolicyStack(Path(tempfile.mkdtemp(prefix="portcullis-watch-")), "  reload_interval_seconds: 0.2\n")
    try:
        assert ask(stack).status_code == 200
        (stack.work / "policies.cedar").write_text(BROKEN)
        assert wait_for(lambda: metric(stack, "policy_reload_failures") >= 1)
        assert ask(stack).status_code == 200
        (stack.work / "policies.cedar").write_text(GOOD_CHANGE)
        assert wait_for(lambda: ask(stack).status_code == 403)
        assert metric(stack, "policy_reloads") >= 1
    finally:
        stack.stop()


def test_hide_policy_ids_keeps_ids_out_of_the_answer_but_in_the_audit_record():
    stack = PolicyStack(Path(tempfile.mkdtemp(prefix="portcullis-hidden-")), "  hide_policy_ids: true\n")
    try:
        r = ask(stack, model="restricted-model", rid="hidden-deny")
        assert r.status_code == 403
        body = r.json()["error"]
        assert body["code"] == "policy_denied" and body["message"] == "Request refused: denied by policy."
        assert "restricted-admins-only" not in r.text
    finally:
        stack.stop()
    out = subprocess.run([BIN, "audit", "show", "hidden-deny", "--db", str(stack.db)], capture_output=True, text=True, timeout=30)
    record = json.loads(out.stdout.splitlines()[0])
    assert record["outcome"] == "refused_policy"
    assert record["decision"]["determining_policies"] == ["restricted-admins-only"]
