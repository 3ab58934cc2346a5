#!/usr/bin/env python3
"""Gateway-form differential test: the engine as the gateway runs it — `PolicyEngine.decide` with its
action-scope prefilter, request-local principal and model entities over the static entities, through the
hidden `portcullis policy decide` — against the reference engine (cedarpy) deciding the Cedar request the
gateway built (printed by `decide`) with the full entity list (static entities, the request-local ones
replacing any static entity with the same uid, and the action hierarchy). Decision, determining policies
and erroring policies must match on every case. Disagreements are saved under regressions/gateway-*.json
and replayed first.

Usage: gateway_differential.py [PORTCULLIS_BIN] [--cases N] [--seed S] [--per-set K]"""
import argparse
import glob
import hashlib
import json
import os
import subprocess
import sys
import tempfile

import cedarpy

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from differential import ERROR_ID  # noqa: E402
from gateway_generator import ACTION_ENTITIES, GatewayGenerator  # noqa: E402

REGRESSIONS = os.path.join(HERE, "regressions")
STATS = {"Allow": 0, "Deny": 0, "with errors": 0, "with reasons": 0}


def ours(binary, policies, entities, lines):
    with tempfile.TemporaryDirectory() as d:
        pfile, efile = os.path.join(d, "p.cedar"), os.path.join(d, "e.json")
        open(pfile, "w", encoding="utf-8").write(policies)
        json.dump(entities, open(efile, "w", encoding="utf-8"))
        stdin = "".join(json.dumps(l, ensure_ascii=False) + "\n" for l in lines)
        proc = subprocess.run([binary, "policy", "decide", "--policies", pfile, "--entities", efile],
                              input=stdin.encode(), capture_output=True, timeout=120)
    if proc.returncode != 0:
        return None, proc.stderr.decode(errors="replace").strip()
    return [json.loads(l) for l in proc.stdout.decode().splitlines()], ""


def key(uid):
    return (uid["type"], uid["id"])


def reference(policies, static, cedar):
    local = cedar["entities"]
    replaced = {key(e["uid"]) for e in local}
    entities = [e for e in static if key(e["uid"]) not in replaced] + local + ACTION_ENTITIES
    request = {k: cedar[k] for k in ("principal", "action", "resource", "context")}
    res = cedarpy.is_authorized(request, policies, entities)
    errs = res.diagnostics.errors
    if any(e.startswith("policy parse errors") for e in errs):
        return None
    decision = "Deny" if res.decision.value == "NoDecision" else res.decision.value
    return decision, sorted(res.diagnostics.reasons), sorted(m.group(1) for e in errs for m in [ERROR_ID.search(e)] if m)


def compare(binary, policies, entities, lines):
    """(problems, decisions compared)."""
    got, err = ours(binary, policies, entities, lines)
    if got is None:
        return ["ours refused the policy set: %s" % err], 0
    if len(got) != len(lines):
        return ["ours printed %d lines for %d requests" % (len(got), len(lines))], 0
    problems = []
    for i, g in enumerate(got):
        if "cedar" not in g:
            problems.append("request %d: ours could not decide it: %s" % (i, g["errors"]))
            continue
        ref = reference(policies, entities, g["cedar"])
        if ref is None:
            return ["the reference refused a policy set ours accepted"], 0
        STATS[ref[0]] += 1
        STATS["with errors"] += bool(ref[2])
        STATS["with reasons"] += bool(ref[1])
        mine = (g["decision"], sorted(g["reasons"]), sorted(m.group(1) for e in g["errors"] for m in [ERROR_ID.search(e)] if m))
        if ref != mine:
            problems.append("request %d: reference %s, ours %s" % (i, ref, mine))
    return problems, len(got)


def save(fixture):
    os.makedirs(REGRESSIONS, exist_ok=True)
    digest = hashlib.sha256(json.dumps(fixture, sort_keys=True).encode()).hexdigest()[:12]
    path = os.path.join(REGRESSIONS, "gateway-%s.json" % digest)
    json.dump(fixture, open(path, "w", encoding="utf-8"), indent=1, ensure_ascii=False)
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary", nargs="?", default=os.environ.get("PORTCULLIS_BIN"))
    ap.add_argument("--cases", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=20261203)
    ap.add_argument("--per-set", type=int, default=10)
    ap.add_argument("--no-save", action="store_true")
    args = ap.parse_args()
    if not args.binary:
        ap.error("give the portcullis binary as an argument or in $PORTCULLIS_BIN")
    failures = replayed = 0
    for path in sorted(glob.glob(os.path.join(REGRESSIONS, "gateway-*.json"))):
        f = json.load(open(path, encoding="utf-8"))
        problems, n = compare(args.binary, f["policies"], f["entities"], f["lines"])
        replayed += n
        if problems:
            failures += 1
            print("REGRESSION %s:\n  %s" % (os.path.basename(path), "\n  ".join(problems[:5])))
    gen = GatewayGenerator(args.seed)
    cases = sets = 0
    while cases < args.cases:
        policies, entities = gen.policy_set(), gen.entities()
        lines = [gen.request() for _ in range(args.per_set)]
        problems, n = compare(args.binary, policies, entities, lines)
        sets += 1
        cases += n
        if problems:
            failures += 1
            where = "" if args.no_save else " saved " + save({"policies": policies, "entities": entities, "lines": lines, "problems": problems})
            print("DISAGREEMENT (set %d)%s\n%s\n  %s" % (sets, where, policies, "\n  ".join(problems[:5])))
    print("gateway-form differential: %d decisions compared in %d policy sets, %d regression cases replayed, "
          "%d disagreeing sets" % (cases, sets, replayed, failures))
    print("reference outcomes: " + ", ".join("%s %d" % kv for kv in sorted(STATS.items())))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
