#!/usr/bin/env python3
"""Quality of the intent guardrails over ../shared/eval-dev (never committed; read only here).

Runs a `scan` command (the `portcullis scan` JSONL contract) over the attack and benign corpora and prints
  * TPR per attack corpus and FPR per benign corpus at the configured operating point;
  * the threshold sweep (ROC points) from a second run in which every text carries its classifier score;
  * the held-out numbers recorded by training (training/intent/metrics.json).
Usage: intent-quality.py --scan "BIN scan" [--sweep-scan "BIN scan --config sweep.yaml"] [--eval-dir DIR]
Standard library only.
"""
import argparse
import json
import os
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
CORPORA = [  # file, expected family, kind
    ("attack_jailbreak_templates.jsonl", "attack", "attack"),
    ("attack_prompt_injection.jsonl", "attack", "attack"),
    ("attack_prompt_leak.jsonl", "attack", "attack"),
    ("harmful_requests.jsonl", "harmful", "attack"),
    ("benign_prompts.jsonl", "any", "benign"),
    ("benign_sharegpt_unverified.jsonl", "any", "benign"),
]
THRESHOLDS = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.99]


def family(category):
    if category in ("injection", "jailbreak"):
        return "attack"
    if category.startswith("harmful."):
        return "harmful"
    return None


def run_scan(command, rows, role="user"):
    payload = "".join(json.dumps({"id": i, "text": r["text"], "role": role}) + "\n" for i, r in enumerate(rows))
    out = subprocess.run(shlex.split(command), input=payload.encode(), capture_output=True, check=True).stdout
    results = {}
    for line in out.decode().splitlines():
        if line.strip():
            d = json.loads(line)
            results[d.get("id")] = d.get("findings", [])
    return [results.get(i, []) for i in range(len(rows))]


def best_score(findings, fam):
    scores = [f["score"] for f in findings if family(f["category"]) == fam]
    return max(scores) if scores else 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scan", required=True, help="scan command at the operating point")
    ap.add_argument("--sweep-scan", help="scan command with all intent thresholds at 0")
    ap.add_argument("--eval-dir", default=os.path.join(REPO, "..", "shared", "eval-dev"))
    ap.add_argument("--json", help="also write the numbers here")
    args = ap.parse_args()

    data = {}
    for name, _, _ in CORPORA:
        path = os.path.join(args.eval_dir, name)
        if os.path.exists(path):
            data[name] = [json.loads(l) for l in open(path) if l.strip()]
    report = {"operating_point": {}, "roc": {}}
    print("\n## Operating point (configured thresholds, role user)\n")
    print("| corpus | n | kind | flagged (any intent finding) | expected category |")
    print("|---|---:|---|---:|---:|")
    for name, fam, kind in CORPORA:
        if name not in data:
            continue
        rows = data[name]
        res = run_scan(args.scan, rows)
        anyflag = sum(1 for f in res if any(family(x["category"]) for x in f)) / len(rows)
        expected = (sum(1 for f in res if any(family(x["category"]) == fam for x in f)) / len(rows)
                    if fam != "any" else anyflag)
        label = "TPR" if kind == "attack" else "FPR"
        print(f"| {name} | {len(rows)} | {label} | {anyflag:.3f} | {expected:.3f} |")
        report["operating_point"][name] = dict(n=len(rows), kind=label, any=anyflag, expected=expected)
    if args.sweep_scan:
        scores = {name: run_scan(args.sweep_scan, data[name]) for name, _, _ in CORPORA if name in data}
        for fam in ("attack", "harmful"):
            print(f"\n## Threshold sweep: {fam} score (max of {fam} findings per text)\n")
            attack_files = [n for n, f, k in CORPORA if k == "attack" and f == fam and n in scores]
            benign_files = [n for n, f, k in CORPORA if k == "benign" and n in scores]
            cols = [f"TPR {n.split('.')[0]}" for n in attack_files] + [f"FPR {n.split('.')[0]}" for n in benign_files]
            print("| threshold | " + " | ".join(cols) + " |")
            print("|---:|" + "---:|" * len(cols))
            report["roc"][fam] = []
            for t in THRESHOLDS:
                vals = []
                for n in attack_files + benign_files:
                    s = [best_score(f, fam) for f in scores[n]]
                    vals.append(sum(1 for x in s if x >= t) / len(s))
                print(f"| {t:.2f} | " + " | ".join(f"{v:.3f}" for v in vals) + " |")
                report["roc"][fam].append(dict(threshold=t, **dict(zip(cols, vals))))
    # Indirect injection: tool-role documents from inspect-evals' ipi_coding_agent (present once the training
    # script has downloaded its packages), and ShareGPT scored as if it were tool content.
    ipi = os.path.join(REPO, "training", "intent", ".cache", "inspect-evals==0.26.0", "x_inspect_evals", "inspect_evals",
                       "ipi_coding_agent", "dataset", "samples.json")
    if os.path.exists(ipi):
        print("\n## Tool role (indirect injection), at the configured tool threshold\n")
        print("| corpus | n | kind | flagged (injection/jailbreak) |")
        print("|---|---:|---|---:|")
        docs = []
        for r in json.load(open(ipi)):
            text = r.get("issue_text", "") + "\n\n" + "\n\n".join(
                f"--- {k}\n{v}" for k, v in (r.get("repo_files") or {}).items())
            docs.append({"text": text[:8000], "benign": r["is_benign"]})
        res = run_scan(args.scan, docs, role="tool")
        for benign in (False, True):
            idx = [i for i, d in enumerate(docs) if d["benign"] == benign]
            rate = sum(1 for i in idx if any(family(x["category"]) == "attack" for x in res[i])) / len(idx)
            label = "FPR" if benign else "TPR"
            print(f"| ipi_coding_agent {'benign' if benign else 'malicious'} | {len(idx)} | {label} | {rate:.3f} |")
            report["operating_point"][f"ipi_{label}"] = rate
        name = "benign_sharegpt_unverified.jsonl"
        if name in data:
            res = run_scan(args.scan, data[name], role="tool")
            rate = sum(1 for f in res if any(family(x["category"]) == "attack" for x in f)) / len(res)
            print(f"| {name} as tool content | {len(res)} | FPR | {rate:.3f} |")
    metrics = os.path.join(REPO, "training", "intent", "metrics.json")
    if os.path.exists(metrics):
        m = json.load(open(metrics))
        print("\n## Held-out training families (never trained on; Python, quantised weights, thresholds 0.5 / 0.8)\n")
        print("| source | label | n | flagged@0.5 | flagged@0.8 |")
        print("|---|---|---:|---:|---:|")
        for src, v in sorted(m["holdout"].items()):
            print(f"| `{src}` | {v['label']} | {v['n']} | {v['flagged_at_0_5']:.3f} | {v['flagged_at_0_8']:.3f} |")
        report["holdout"] = m["holdout"]
    if args.json:
        json.dump(report, open(args.json, "w"), indent=1)


if __name__ == "__main__":
    sys.exit(main())
