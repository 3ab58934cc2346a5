#!/usr/bin/env python3
"""Differential test of `portcullis policy eval` against the reference Cedar engine (cedarpy).

Usage: differential.py [PORTCULLIS_BIN] [--cases N] [--seed S] [--per-set K]
The binary comes from the argument or $PORTCULLIS_BIN and is run as `BIN policy eval --policies FILE`.
For every case the decision, the set of determining policies (reasons) and the set of policies that
errored must match. Disagreements are saved under regressions/ and every saved fixture is replayed first.
Exit status: 0 when everything agrees, 1 otherwise.
"""
import argparse
import glob
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import cedarpy

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from generator import Generator  # noqa: E402

REGRESSIONS = os.path.join(HERE, "regressions")
STATS = {}
ERROR_ID = re.compile(r"policy `([^`]*)`")


def reference(policies, requests):
    """cedarpy's view: (parse_ok, [(decision, reasons, errored)])."""
    out = []
    for req in requests:
        r = dict(req)
        entities = r.pop("entities", [])
        res = cedarpy.is_authorized(r, policies, entities)
        errs = res.diagnostics.errors
        if any(e.startswith("policy parse errors") for e in errs):
            return False, []
        # Invalid entities or context: the reference gives NoDecision, `policy eval` a Deny with an error.
        decision = "Deny" if res.decision.value == "NoDecision" else res.decision.value
        out.append((decision, sorted(res.diagnostics.reasons), sorted(
            m.group(1) for e in errs for m in [ERROR_ID.search(e)] if m)))
    return True, out


def ours(binary, policies, requests):
    with tempfile.NamedTemporaryFile("w", suffix=".cedar", delete=False, encoding="utf-8") as f:
        f.write(policies)
        path = f.name
    try:
        stdin = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in requests)
        for attempt in range(3):  # a busy host can refuse a fork now and then
            try:
                proc = subprocess.run([binary, "policy", "eval", "--policies", path], input=stdin.encode(),
                                      capture_output=True, timeout=120)
                break
            except OSError:
                if attempt == 2:
                    raise
                time.sleep(1)
    finally:
        os.unlink(path)
    if proc.returncode != 0:
        return False, [], proc.stderr.decode(errors="replace").strip()
    lines = proc.stdout.decode().splitlines()
    out = []
    for line in lines:
        d = json.loads(line)
        out.append((d["decision"], sorted(d["reasons"]),
                    sorted(m.group(1) for e in d["errors"] for m in [ERROR_ID.search(e)] if m)))
    return True, out, ""


def compare(binary, policies, requests):
    """Returns (disagreements, whether the reference parsed the policies). Decisions were compared only
    when both engines parsed the policies and ours answered every request (see `decided`)."""
    ref_ok, ref = reference(policies, requests)
    our_ok, got, err = ours(binary, policies, requests)
    if ref_ok != our_ok:
        return ["parse: reference %s, ours %s (%s)" % ("ok" if ref_ok else "error", "ok" if our_ok else "error",
                                                       err)], ref_ok
    if not ref_ok:
        return [], False
    if len(got) != len(ref):
        return ["ours printed %d lines for %d requests" % (len(got), len(ref))], True
    problems = []
    for a in ref:
        STATS[a[0]] = STATS.get(a[0], 0) + 1
        STATS["with errors"] = STATS.get("with errors", 0) + (1 if a[2] else 0)
        STATS["with reasons"] = STATS.get("with reasons", 0) + (1 if a[1] else 0)
    for i, (a, b) in enumerate(zip(ref, got)):
        if a != b:
            problems.append("request %d: reference %s, ours %s" % (i, a, b))
    return problems, True


def sweep_extension_literals(binary):
    """Every ip()/decimal() literal of the generator through every method, one policy each: the
    engines must agree on which policies are satisfied and which error (parsing of the literals)."""
    from generator import DECIMALS, IPS
    pols = []
    for ip in IPS:
        for m in ["isIpv4()", "isIpv6()", "isLoopback()", "isMulticast()"] + [
                'isInRange(ip("%s"))' % o for o in ["10.0.0.0/8", "::/0", "1.2.0.0/16", "0.0.0.0/0", "::1/128"]]:
            pols.append('permit(principal, action, resource) when { ip("%s").%s };' % (ip, m))
        for o in IPS[:12]:
            pols.append('permit(principal, action, resource) when { ip("%s") == ip("%s") };' % (ip, o))
    for dec in DECIMALS + ["-0.0", "+1.0", "1.", "0001.5000", "-", "1.2.3"]:
        for o in ["1.5", "-1.5", "0.0"]:
            for m in ["lessThan", "lessThanOrEqual", "greaterThan", "greaterThanOrEqual"]:
                pols.append('permit(principal, action, resource) when { decimal("%s").%s(decimal("%s")) };' % (dec, m, o))
            pols.append('permit(principal, action, resource) when { decimal("%s") == decimal("%s") };' % (dec, o))
    request = {"principal": 'User::"a"', "action": 'Action::"r"', "resource": 'Doc::"d"', "context": {}, "entities": []}
    problems = []
    for i in range(0, len(pols), 100):
        chunk = "\n".join(pols[i:i + 100])
        found, _ = compare(binary, chunk, [request])
        if found:
            problems.append((chunk, [request], found))
    return len(pols), problems


def save(policies, requests, problems):
    os.makedirs(REGRESSIONS, exist_ok=True)
    digest = hashlib.sha256((policies + json.dumps(requests, sort_keys=True)).encode()).hexdigest()[:12]
    path = os.path.join(REGRESSIONS, "case-%s.json" % digest)
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"policies": policies, "requests": requests, "problems": problems}, f, indent=1, ensure_ascii=False)
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary", nargs="?", default=os.environ.get("PORTCULLIS_BIN"))
    ap.add_argument("--cases", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=20261125)
    ap.add_argument("--per-set", type=int, default=8, help="requests per generated policy set")
    ap.add_argument("--mutation-rate", type=float, default=0.08,
                    help="share of policy sets given a random text edit (parser acceptance is compared)")
    ap.add_argument("--no-save", action="store_true")
    args = ap.parse_args()
    if not args.binary:
        ap.error("give the portcullis binary as an argument or in $PORTCULLIS_BIN")

    failures = 0
    replayed = 0
    for path in sorted(glob.glob(os.path.join(REGRESSIONS, "*.json"))):
        with open(path, encoding="utf-8") as f:
            fixture = json.load(f)
        problems, _ = compare(args.binary, fixture["policies"], fixture["requests"])
        replayed += len(fixture["requests"])
        if problems:
            failures += 1
            print("REGRESSION %s:\n  %s" % (os.path.basename(path), "\n  ".join(problems[:5])))

    swept, sweep_problems = sweep_extension_literals(args.binary)
    for policies, requests, problems in sweep_problems:
        failures += 1
        where = "" if args.no_save else " saved " + save(policies, requests, problems)
        print("DISAGREEMENT (extension literal sweep)%s\n  %s" % (where, "\n  ".join(problems[:5])))

    gen = Generator(args.seed, args.mutation_rate)
    cases = 0          # decision comparisons only: both engines parsed the set and answered each request
    sets = 0
    skipped_sets = 0
    while cases < args.cases:
        policies = gen.policy_set()
        entities = gen.entities()
        requests = [gen.request(entities) for _ in range(args.per_set)]
        problems, ok = compare(args.binary, policies, requests)
        sets += 1
        if not ok:
            skipped_sets += 1   # rejected by both parsers: parser acceptance compared, no decision
        elif not any(p.startswith(("parse:", "ours printed")) for p in problems):
            cases += len(requests)
        if problems:
            failures += 1
            where = "" if args.no_save else " saved " + save(policies, requests, problems)
            print("DISAGREEMENT (set %d)%s\n%s\n  %s" % (sets, where, policies, "\n  ".join(problems[:5])))

    print("differential: %d decisions compared in %d policy sets (plus %d sets rejected by both parsers, "
          "not counted), %d extension-literal policies swept, %d regression cases replayed, %d disagreeing sets"
          % (cases, sets - skipped_sets, skipped_sets, swept, replayed, failures))
    print("reference outcomes: " + ", ".join("%s %d" % kv for kv in sorted(STATS.items())))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
