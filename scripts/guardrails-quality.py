#!/usr/bin/env python3
"""Precision and recall of the data guardrails (PII, secrets) per category, through `portcullis scan`.

Span-labelled sets: presidio-evaluator synthetic sentences (eval-dev/pii_presidio_synth_v2.jsonl), the
regression fixtures (tests/fixtures/guardrails/, written with the detectors) and the independent fixtures
(tests/fixtures/guardrails-independent/: realistic carriers, evasions and near misses, not fitted to). A
predicted span counts as correct when it overlaps a labelled span of the same category. Texts with no
label (near misses, benign corpora) give false-positive rates: the share of texts with any finding.

    python3 scripts/guardrails-quality.py [--bin PATH] [--eval-dir DIR] [--fixtures DIR] [--independent DIR]
        [--generate SEED]   # a fresh independent set from the generator instead of the committed one
        [--check]           # exit 1 when the aims are missed (see AIMS)
"""
import argparse, collections, json, os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# presidio-evaluator entity types → our categories; None = not a pattern detector's job (reported as not covered).
PRESIDIO = {
    "CREDIT_CARD": "pii.credit_card", "US_SSN": "pii.us_ssn", "EMAIL_ADDRESS": "pii.email", "PHONE_NUMBER": "pii.phone",
    "IBAN_CODE": "pii.iban", "IP_ADDRESS": "pii.ip_address", "US_PASSPORT": "pii.passport", "US_BANK_NUMBER": "pii.bank_account",
    "CRYPTO": "pii.crypto_wallet", "MAC_ADDRESS": "pii.mac_address",
    "PERSON": None, "LOCATION": None, "GPE": None, "ORGANIZATION": None, "STREET_ADDRESS": None, "NRP": None, "TITLE": None,
    "AGE": None, "ZIP_CODE": None, "DOMAIN_NAME": None, "US_DRIVER_LICENSE": None, "DATE_TIME": None,
}
# Predictions that overlap these (uncovered) labels are not false positives: the text there is that kind of value.
COMPATIBLE = {"pii.date_of_birth": {"DATE_TIME"}, "pii.bank_account": {"US_BANK_NUMBER", "US_DRIVER_LICENSE"}, "pii.passport": {"US_DRIVER_LICENSE"}}

def find_binary(explicit):
    for c in [explicit, os.environ.get("PORTCULLIS_BIN"), os.path.join(ROOT, ".build", "release", "portcullis"),
              os.path.join(ROOT, ".build", "debug", "portcullis")]:
        if c and os.path.exists(c):
            return [c]
    print("building portcullis (release)...", file=sys.stderr)
    subprocess.run(["swift", "build", "-c", "release", "--product", "portcullis"], cwd=ROOT, check=True)
    return [os.path.join(ROOT, ".build", "release", "portcullis")]

def scan(binary, rows, direction="request"):
    payload = "".join(json.dumps({"id": i, "text": r["text"]}) + "\n" for i, r in enumerate(rows))
    out = subprocess.run(binary + ["scan", "--detectors", "data", "--direction", direction], input=payload.encode(), capture_output=True, check=False)
    results = [json.loads(l) for l in out.stdout.decode().splitlines() if l.strip()]
    if len(results) != len(rows):
        sys.exit(f"scan returned {len(results)} lines for {len(rows)} inputs: {out.stderr.decode()[:500]}")
    return [r["findings"] for r in results]

def load(path):
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]

def overlaps(a, b):
    return a["start"] < b["end"] and b["start"] < a["end"]

def data_category(cat):
    return cat.startswith("pii.") or cat.startswith("secret.")

def score_spans(rows, findings, label_map):
    tp, fp, fn = collections.Counter(), collections.Counter(), collections.Counter()
    uncovered = collections.Counter()
    for row, found in zip(rows, findings):
        found = [f for f in found if data_category(f["category"])]
        gold = []
        for s in row.get("spans", []):
            cat = label_map(s["type"])
            if cat is None:
                uncovered[s["type"]] += 1
            gold.append({"cat": cat, "type": s["type"], "start": s["start"], "end": s["end"]})
        for g in gold:
            if g["cat"] is None:
                continue
            if any(f["category"] == g["cat"] and overlaps(f, g) for f in found):
                tp[g["cat"]] += 1
            else:
                fn[g["cat"]] += 1
        for f in found:
            ok = any(overlaps(f, g) and (g["cat"] == f["category"] or g["type"] in COMPATIBLE.get(f["category"], ())) for g in gold)
            if not ok:
                fp[f["category"]] += 1
    return tp, fp, fn, uncovered

# The aims (issue 6) on data the detectors were not written with (presidio-evaluator + independent fixtures).
AIMS = {"pii_recall": 0.99, "pii_precision": 0.95, "secret_recall": 0.97, "secret_fpr": 0.02}

def totals(tp, fp, fn, prefix):
    t = sum(v for k, v in tp.items() if k.startswith(prefix))
    f = sum(v for k, v in fp.items() if k.startswith(prefix))
    n = sum(v for k, v in fn.items() if k.startswith(prefix))
    return (t / (t + f) if t + f else 1.0), (t / (t + n) if t + n else 1.0)

def rate(found, prefix):
    """Share of texts with at least one finding of `prefix`."""
    return sum(1 for f in found if any(x["category"].startswith(prefix) for x in f)) / max(1, len(found))

def table(title, tp, fp, fn):
    print(f"\n{title}")
    print(f"{'category':32} {'tp':>5} {'fp':>5} {'fn':>5} {'precision':>9} {'recall':>7}")
    cats = sorted(set(tp) | set(fp) | set(fn))
    for c in cats:
        p = tp[c] / (tp[c] + fp[c]) if tp[c] + fp[c] else float("nan")
        r = tp[c] / (tp[c] + fn[c]) if tp[c] + fn[c] else float("nan")
        print(f"{c:32} {tp[c]:5d} {fp[c]:5d} {fn[c]:5d} {p:9.3f} {r:7.3f}")
    for prefix in ("pii.", "secret."):
        t = sum(v for k, v in tp.items() if k.startswith(prefix)); f = sum(v for k, v in fp.items() if k.startswith(prefix))
        n = sum(v for k, v in fn.items() if k.startswith(prefix))
        if t + f + n:
            print(f"{prefix + '* (all)':32} {t:5d} {f:5d} {n:5d} {t / (t + f) if t + f else float('nan'):9.3f} {t / (t + n) if t + n else float('nan'):7.3f}")

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin")
    ap.add_argument("--eval-dir", default=next((d for d in [os.path.join(ROOT, "..", "shared", "eval-dev"), "/work/shared/eval-dev"] if os.path.isdir(d)), None))
    ap.add_argument("--fixtures", default=os.path.join(ROOT, "tests", "fixtures", "guardrails"))
    ap.add_argument("--independent", default=os.path.join(ROOT, "tests", "fixtures", "guardrails-independent"))
    ap.add_argument("--generate", type=int, help="score a freshly generated independent set (this seed) instead")
    ap.add_argument("--check", action="store_true", help="exit 1 when the aims are missed")
    a = ap.parse_args()
    binary = find_binary(a.bin)

    all_tp, all_fp, all_fn = collections.Counter(), collections.Counter(), collections.Counter()
    held_tp, held_fp, held_fn = collections.Counter(), collections.Counter(), collections.Counter()
    negatives = []  # findings of texts without labels that are not PII by construction
    if a.eval_dir and os.path.exists(os.path.join(a.eval_dir, "pii_presidio_synth_v2.jsonl")):
        rows = load(os.path.join(a.eval_dir, "pii_presidio_synth_v2.jsonl"))
        tp, fp, fn, uncovered = score_spans(rows, scan(binary, rows), lambda t: PRESIDIO.get(t))
        table(f"presidio-evaluator synth_dataset_v2 ({len(rows)} texts)", tp, fp, fn)
        print("not covered by pattern detectors (labels): " + ", ".join(f"{k} {v}" for k, v in uncovered.most_common()))
        all_tp += tp; all_fp += fp; all_fn += fn
        held_tp += tp; held_fp += fp; held_fn += fn
    fixture_rows = []
    for name in sorted(os.listdir(a.fixtures)) if os.path.isdir(a.fixtures) else []:
        if name.endswith(".jsonl"):
            fixture_rows += load(os.path.join(a.fixtures, name))
    if fixture_rows:
        tp, fp, fn, _ = score_spans(fixture_rows, scan(binary, fixture_rows), lambda t: t)
        table(f"regression fixtures, written with the detectors ({len(fixture_rows)} texts)", tp, fp, fn)
        all_tp += tp; all_fp += fp; all_fn += fn

    if a.generate is not None:
        sys.path.insert(0, HERE)
        import guardrails_independent
        sets = guardrails_independent.generate(a.generate)
        independent = [r for rows in sets.values() for r in rows]
        origin = f"generated, seed {a.generate}"
    else:
        independent = []
        for name in sorted(os.listdir(a.independent)) if os.path.isdir(a.independent) else []:
            if name.endswith(".jsonl"):
                independent += load(os.path.join(a.independent, name))
        origin = os.path.relpath(a.independent, ROOT)
    if independent:
        found = scan(binary, independent)
        tp, fp, fn, _ = score_spans(independent, found, lambda t: t)
        table(f"independent fixtures ({origin}; {len(independent)} texts)", tp, fp, fn)
        for kind in ("positive", "evasion"):
            rows = [(r, f) for r, f in zip(independent, found) if r.get("kind") == kind]
            if rows:
                t, _, n, _ = score_spans([r for r, _ in rows], [f for _, f in rows], lambda t: t)
                print(f"{kind + 's':32} recall {sum(t.values()) / max(1, sum(t.values()) + sum(n.values())):.3f} ({sum(t.values())} of {sum(t.values()) + sum(n.values())})")
        near = [f for r, f in zip(independent, found) if r.get("kind") == "near_miss"]
        negatives += near
        held_tp += tp; held_fp += fp; held_fn += fn
        if near:
            print(f"{'near misses (no label)':32} texts {len(near)}, with a secret.* finding {rate(near, 'secret.'):.4f}, with a pii.* finding {rate(near, 'pii.'):.4f}")
        all_tp += tp; all_fp += fp; all_fn += fn
    table("all span-labelled sets", all_tp, all_fp, all_fn)

    if a.eval_dir:
        print("\nfalse positives on unlabelled corpora (share of texts with a finding)")
        print(f"{'corpus':40} {'texts':>6} {'secret.*':>9} {'pii.*':>7}")
        for name in ["benign_prompts.jsonl", "benign_sharegpt_unverified.jsonl", "attack_jailbreak_templates.jsonl", "attack_prompt_injection.jsonl", "harmful_requests.jsonl"]:
            path = os.path.join(a.eval_dir, name)
            if not os.path.exists(path):
                continue
            rows = load(path)
            found = scan(binary, rows)
            if name != "benign_prompts.jsonl":
                negatives += found
            note = " (contains PII by construction)" if name == "benign_prompts.jsonl" else ""
            print(f"{name:40} {len(rows):6d} {rate(found, 'secret.'):9.4f} {rate(found, 'pii.'):7.4f}{note}")

    pii_p, pii_r = totals(held_tp, held_fp, held_fn, "pii.")
    sec_p, sec_r = totals(held_tp, held_fp, held_fn, "secret.")
    fpr = rate(negatives, "secret.") if negatives else 0.0
    print(f"\naims on presidio-evaluator + independent fixtures: structured PII recall {pii_r:.3f} (>= {AIMS['pii_recall']}) "
          f"at precision {pii_p:.3f} (>= {AIMS['pii_precision']}); secrets recall {sec_r:.3f} (>= {AIMS['secret_recall']}) "
          f"at false-positive rate {fpr:.4f} (<= {AIMS['secret_fpr']}; {len(negatives)} texts without labels)")
    missed = pii_r < AIMS["pii_recall"] or pii_p < AIMS["pii_precision"] or sec_r < AIMS["secret_recall"] or fpr > AIMS["secret_fpr"]
    if a.check and missed:
        sys.exit("guardrail quality below the aims")

if __name__ == "__main__":
    main()
