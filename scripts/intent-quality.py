#!/usr/bin/env python3
"""Quality of the intent guardrails, measured through the repo's own binary (`portcullis scan`, the
DESIGN.md JSONL contract): every number it prints comes from two scan runs over the same rows — one with
the default configuration (the operating point), one with `scripts/intent-sweep.yaml` (every threshold 0,
so each text reports its scores: the threshold sweep / ROC points).

Rows: the attack and benign corpora of ../shared/eval-dev (read here only, never committed), and — when
the training script has run — its held-out TEST split (training/intent/.cache/holdout-test.jsonl: rows of
the pinned packages never trained on and not used to choose thresholds).

Usage: intent-quality.py --bin PATH/TO/portcullis [--eval-dir DIR] [--holdout FILE] [--sample N]
                         [--json OUT] [--gate] [--weights FILE] [--op KEY=VALUE ...]
  --sample N   keep every row whose index is a multiple of N (CI: a quick, deterministic subset)
  --gate       exit 1 when a floor below is missed (CI regression check)
  --weights F  a weights file (`train.py --weights-out F`) instead of the weights compiled into the binary
               (both runs; env INTENT_WEIGHTS does the same) — measures new weights without a rebuild
  --op K=V     operating point other than the binary's defaults: user=, tool=, system=, assistant=,
               harmful= (e.g. `--op user=0.8 --op harmful=0.85`) — measures new defaults without a rebuild
Standard library only.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
EVAL = [  # file, expected family, kind
    ("attack_jailbreak_templates.jsonl", "attack", "TPR"),
    ("attack_prompt_injection.jsonl", "attack", "TPR"),
    ("attack_prompt_leak.jsonl", "attack", "TPR"),
    ("harmful_requests.jsonl", "harmful", "TPR"),
    ("benign_prompts.jsonl", "any", "FPR"),
    ("benign_sharegpt_unverified.jsonl", "any", "FPR"),
]
THRESHOLDS = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.99]
# CI floors (--gate): regressions below these fail. Set a little under the numbers in docs/intent.md.
# benign_sharegpt_unverified is real user chat: its false-positive rate is the one users feel (0.117 before the
# chat data and the 0.85 / 0.9 defaults, 0.026 after) — the floor keeps that from creeping back.
FLOORS = {"TPR": {"attack_jailbreak_templates.jsonl": 0.95, "attack_prompt_injection.jsonl": 0.85,
                  "harmful_requests.jsonl": 0.55, "holdout user jailbreak": 0.95, "holdout tool injection": 0.75,
                  "holdout user harmful": 0.65},
          "FPR": {"benign_prompts.jsonl": 0.01, "benign_sharegpt_unverified.jsonl": 0.035,
                  "holdout user benign": 0.01, "holdout user benign, unseen sources": 0.02}}


def family(category):
    if category in ("injection", "jailbreak"):
        return "attack"
    if category.startswith("harmful."):
        return "harmful"
    return None


def config_file(sweep_config, weights, op):
    """A scan configuration: the sweep file's gateway sections with an intent section of our own (weights
    file, thresholds); None when neither is given (the binary's defaults)."""
    if not weights and not op:
        return None
    base = open(sweep_config).read().split("\nintent:")[0]
    lines = ["intent:"]
    if weights:
        lines.append(f"  weights_path: {json.dumps(os.path.abspath(weights))}")
    roles = {k: v for k, v in op.items() if k in ("system", "user", "tool", "assistant")}
    if roles:
        lines.append("  thresholds: {" + ", ".join(f"{k}: {v}" for k, v in roles.items()) + "}")
    if "harmful" in op:
        lines.append(f"  harmful_threshold: {op['harmful']}")
    path = os.path.join(tempfile.mkdtemp(prefix="intent-quality-"), "config.yaml")
    with open(path, "w") as f:
        f.write(base.rstrip() + "\n" + "\n".join(lines) + "\n")
    return path


def scan(binary, rows, config=None):
    cmd = [binary, "scan"] + (["--config", config] if config else [])
    payload = "".join(json.dumps({"id": i, "text": r["text"], "role": r.get("role", "user")}) + "\n"
                      for i, r in enumerate(rows))
    out = subprocess.run(cmd, input=payload.encode(), capture_output=True, check=True).stdout
    results = {}
    for line in out.decode().splitlines():
        if line.strip():
            d = json.loads(line)
            results[d.get("id")] = d.get("findings", [])
    return [results.get(i, []) for i in range(len(rows))]


def best(findings, fam):
    s = [f["score"] for f in findings if family(f["category"]) == fam]
    return max(s) if s else 0.0


def load(args):
    groups = []  # (name, family, kind, rows)
    for name, fam, kind in EVAL:
        path = os.path.join(args.eval_dir, name)
        if os.path.exists(path):
            rows = [json.loads(l) for l in open(path) if l.strip()]
            groups.append((name, fam, kind, rows[::args.sample]))
    if args.holdout and os.path.exists(args.holdout):
        by = {}
        for l in open(args.holdout):
            r = json.loads(l)
            key = f"holdout {r['role']} {r['label']}"
            by.setdefault(key, []).append(r)
        # Benign chat from sources that are never trained on at all (held out whole: AlpacaEval, HealthBench),
        # as a group of its own too — the closest thing here to a hidden corpus of real requests.
        unseen = [r for r in by.get("holdout user benign", []) if "(held out only)" in r.get("source", "")]
        if unseen:
            by["holdout user benign, unseen sources"] = unseen
        for key, rows in sorted(by.items()):
            label = "benign" if key.endswith("unseen sources") else key.split()[-1]
            fam = "harmful" if label == "harmful" else ("any" if label == "benign" else "attack")
            groups.append((key, fam, "FPR" if label == "benign" else "TPR", rows[::args.sample]))
    return groups


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--eval-dir", default=os.path.join(REPO, "..", "shared", "eval-dev"))
    ap.add_argument("--holdout", default=os.path.join(REPO, "training", "intent", ".cache", "holdout-test.jsonl"))
    ap.add_argument("--sweep-config", default=os.path.join(HERE, "intent-sweep.yaml"))
    ap.add_argument("--sample", type=int, default=1)
    ap.add_argument("--json")
    ap.add_argument("--gate", action="store_true")
    ap.add_argument("--weights", default=os.environ.get("INTENT_WEIGHTS"))
    ap.add_argument("--op", action="append", default=[], metavar="KEY=VALUE")
    args = ap.parse_args()
    point = {}
    for kv in args.op:
        k, _, v = kv.partition("=")
        if k not in ("system", "user", "tool", "assistant", "harmful"):
            ap.error(f"--op {kv}: unknown key {k}")
        point[k] = float(v)
    groups = load(args)
    if not groups:
        print(f"intent-quality: no corpora found (eval-dev {args.eval_dir}, held-out {args.holdout}); nothing measured",
              file=sys.stderr)
        return 0
    rows = [r for g in groups for r in g[3]]
    op = scan(args.bin, rows, config_file(args.sweep_config, args.weights, point))
    sweep_config = args.sweep_config
    if args.weights:
        sweep_config = config_file(args.sweep_config, args.weights,
                                   dict(system=0, user=0, tool=0, assistant=0, harmful=0))
    sweep = scan(args.bin, rows, sweep_config)
    report = {"operating_point": {}, "roc": {}}
    print("\n## Operating point (default configuration; role as given, `user` for eval-dev)\n")
    print("| corpus | n | rate | any intent finding | expected family |")
    print("|---|---:|---|---:|---:|")
    at = 0
    for name, fam, kind, grp in groups:
        res = op[at:at + len(grp)]
        sw = sweep[at:at + len(grp)]
        at += len(grp)
        anyflag = sum(1 for f in res if any(family(x["category"]) for x in f)) / max(1, len(grp))
        exp = anyflag if fam == "any" else sum(1 for f in res if any(family(x["category"]) == fam for x in f)) / max(1, len(grp))
        print(f"| {name} | {len(grp)} | {kind} | {anyflag:.3f} | {exp:.3f} |")
        report["operating_point"][name] = dict(n=len(grp), kind=kind, any=anyflag, expected=exp)
        for f in ("attack", "harmful"):
            report["roc"].setdefault(f, {})[name] = [sum(1 for x in sw if best(x, f) >= t) / max(1, len(grp))
                                                     for t in THRESHOLDS]
    for f in ("attack", "harmful"):
        names = [n for n, fam, kind, _ in groups if (kind == "TPR" and fam == f) or kind == "FPR"]
        print(f"\n## Threshold sweep: {f} score (highest {f} finding per text)\n")
        print("| threshold | " + " | ".join(f"{'TPR' if dict((g[0], g[2]) for g in groups)[n] == 'TPR' else 'FPR'} {n}"
                                           for n in names) + " |")
        print("|---:|" + "---:|" * len(names))
        for i, t in enumerate(THRESHOLDS):
            print(f"| {t:.2f} | " + " | ".join(f"{report['roc'][f][n][i]:.3f}" for n in names) + " |")
    if args.json:
        json.dump(report, open(args.json, "w"), indent=1)
    if args.gate:
        bad = []
        for name, v in report["operating_point"].items():
            floor = FLOORS.get(v["kind"], {}).get(name)
            if floor is None:
                continue
            if (v["kind"] == "TPR" and v["expected"] < floor) or (v["kind"] == "FPR" and v["any"] > floor):
                bad.append(f"{name}: {v['expected'] if v['kind'] == 'TPR' else v['any']:.3f} vs floor {floor}")
        if bad:
            print("\nQUALITY GATE FAILED:\n  " + "\n  ".join(bad), file=sys.stderr)
            return 1
        print("\nquality gate: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
