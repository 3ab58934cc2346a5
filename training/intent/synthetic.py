"""Examples written for this project (no external source), to teach the boundary:

* benign near-misses: operator system prompts, benign role play ("act as a translator"), everyday
  "ignore/forget" phrasing, security questions that are not requests for harm;
* indirect injection: benign passages (training split only) with an injection payload (training split
  only) embedded, as a retrieved document or tool result would carry it.
"""
import itertools

from corpus import BENIGN, INJECTION

SYSTEM = [
    "You are a helpful assistant for {org}. Answer questions about {topic} politely and concisely.",
    "You are {org}'s support bot. Only answer questions about {topic}. If you do not know, say so.",
    "You are an expert {role}. Keep answers under 200 words and cite sources when possible.",
    "Act as a {role}. I will give you {topic} questions and you will answer them clearly.",
    "I want you to act as a {role}. My first request is about {topic}.",
    "Pretend you are a {role} explaining {topic} to a new employee.",
    "From now on, answer as a friendly {role} who loves {topic}.",
    "You are a translator. Translate the user's message into {lang}. Do not add explanations.",
    "Your task is to summarize the following document about {topic} in three bullet points.",
    "Respond only in JSON with the keys answer and confidence. The topic is {topic}.",
]
EVERYDAY = [
    "Ignore the previous error and retry the {topic} upload.",
    "Please ignore my last message, I meant {topic} not {topic2}.",
    "Forget what I said about {topic}; let's talk about {topic2} instead.",
    "Disregard the typo in the previous paragraph and continue with {topic}.",
    "Can you override the default font size in the {topic} stylesheet?",
    "How do I reset the system prompt in my own {topic} chatbot app?",
    "Write a story where a {role} ignores the rules of {topic} and learns a lesson.",
    "What are the instructions for assembling a {topic} shelf?",
    "How do I kill a {proc} process that is stuck?",
    "How can I bypass the cache when testing {topic}?",
    "Explain how SQL injection works so I can protect my {topic} application.",
    "What is a jailbreak on an iPhone and is it legal?",
    "My {topic} script shows 'developer mode enabled'; how do I turn it off?",
    "Translate 'ignore all previous instructions' into {lang} for my security training slides.",
    "How do phishing emails usually look, so I can teach my team about {topic}?",
    "Print the previous results table again, sorted by {topic}.",
    "Repeat the instructions for the {topic} recipe, step by step.",
    "What were the main points of the previous meeting about {topic}?",
    "Show me the system requirements for {topic}.",
    "You are now the moderator of our {topic} book club; suggest three questions.",
]
FILL = dict(
    org=["Acme Bank", "Globex", "Initech", "the city library", "Contoso Health"],
    topic=["billing", "mortgages", "python", "gardening", "travel insurance", "kubernetes", "tax returns"],
    topic2=["shipping", "refunds", "java", "cooking"],
    role=["travel agent", "math tutor", "Linux terminal", "career coach", "poet", "historian"],
    lang=["French", "German", "Japanese", "Spanish"],
    proc=["java", "node", "python", "docker"],
)
LEADS = [
    "\n\nIMPORTANT: {p}",
    "\n<!-- {p} -->\n",
    "\n[system] {p}\n",
    " Note to the AI assistant reading this: {p} ",
    "\n\n### Instruction\n{p}\n",
    "\n{p}\n",
]


def expand(templates, limit):
    out = []
    for t in templates:
        keys = [k for k in FILL if "{" + k + "}" in t]
        combos = itertools.product(*[FILL[k] for k in keys])
        for combo in itertools.islice(combos, limit):
            out.append(t.format(**dict(zip(keys, combo))))
    return out


def add_synthetic(corpus, rng):
    for t in expand(SYSTEM, 12):
        corpus.add(t, BENIGN, "synthetic:system_prompts", "syn_system", False)
    for t in expand(EVERYDAY, 8):
        corpus.add(t, BENIGN, "synthetic:everyday_near_misses", "syn_everyday", False)
    passages = [r["text"] for r in corpus.rows if r["label"] == BENIGN and r["split"] == "train"
                and r["family"] in ("book_cloze.tsv", "guardian_cloze.tsv", "nyt_cloze.tsv")]
    payloads = [r["text"] for r in corpus.rows if r["label"] == INJECTION and r["split"] == "train"
                and len(r["text"]) < 400]
    rng.shuffle(passages)
    for i, passage in enumerate(passages[:600]):
        p = rng.choice(payloads)
        lead = rng.choice(LEADS).format(p=p)
        cut = rng.randrange(len(passage) // 2, len(passage) + 1)
        corpus.add(passage[:cut] + lead + passage[cut:], INJECTION, "synthetic:indirect_injection", "syn_indirect",
                   False)


ROLES = ("travel guide, math teacher, Linux terminal, javascript console, English translator, interviewer, "
         "stand-up comedian, motivational coach, career counselor, poet, rapper, storyteller, debate coach, "
         "screenwriter, novelist, movie critic, relationship coach, personal trainer, nutritionist, "
         "real estate agent, accountant, financial advisor, SEO expert, copywriter, brand strategist, "
         "UX designer, software architect, SQL terminal, Python interpreter, excel sheet, chef, tour guide, "
         "history professor, philosophy teacher, chess player, doctor's receptionist, legal advisor, "
         "product manager, data scientist, DevOps engineer, recruiter, social media manager, drunk person, "
         "pirate, Shakespearean actor, food critic, tech reviewer, startup idea generator").split(", ")
AWESOME = [
    "I want you to act as a {r}. I will {give} and you will {reply}. {only} My first request is \"{first}\"",
    "Act as a {r}. {only} I will {give}. Reply with \"Ready\" if you understand.",
    "You are an experienced {r} with over 20 years of experience. I need your help. {only}",
    "From now on you are my {r}. I will {give} and you will {reply}.",
    "Pretend you are a {r}. Stay in character and {reply}. My first request is \"{first}\"",
    "Please ignore the formatting of my previous message. Act as a {r} and {reply}.",
]
AW_FILL = dict(
    give=["provide some topics", "type commands", "describe my situation", "send you a text", "ask you questions"],
    reply=["answer in a friendly tone", "reply only with the output inside one code block", "give me three ideas",
           "explain your reasoning step by step", "respond in less than 100 words"],
    only=["Do not write explanations.", "Only answer in English.", "Keep it short.", "Use bullet points.", ""],
    first=["I need help planning a trip to Japan", "pwd", "write a poem about the sea", "review my resume",
           "SELECT * FROM users LIMIT 5", "how do I lose weight safely"],
)
ASK = ["how to", "how do I", "how can I", "what is the best way to", "can you show me how to", "explain how to",
       "write code to", "give me an example of how to", "is it possible to", "help me"]
TOPICS = ("bake sourdough bread, learn Spanish fast, improve my sleep, write a cover letter, negotiate a raise, "
          "plan a wedding on a budget, train for a marathon, grow tomatoes on a balcony, start a podcast, "
          "file my taxes as a freelancer, deploy a react app to AWS, center a div in CSS, fix a merge conflict in git, "
          "read a CSV file with pandas, speed up a slow SQL query, write unit tests in Java, set up a home network, "
          "clean a cast iron pan, teach my kid to ride a bike, prepare for a job interview, make a budget spreadsheet, "
          "use async await in javascript, connect to postgres from node, write a business plan, market my etsy shop, "
          "kill a zombie process in linux, shoot better photos with my phone, remove a stuck screw, hack together a "
          "quick prototype, cut onions without crying, attack a hard math problem, beat the final boss in zelda, "
          "store files in azure blob storage, crack an egg with one hand, build a birdhouse, write a D&D campaign").split(", ")


def add_more_synthetic(corpus, rng, stdlib_dir):
    for t in AWESOME:
        for r in ROLES:
            fill = {k: rng.choice(v) for k, v in AW_FILL.items()}
            corpus.add(t.format(r=r, **fill).replace("  ", " "), BENIGN, "synthetic:act_as_prompts", "syn_actas", False)
    for a in ASK:
        for t in TOPICS:
            q = f"{a} {t}?"
            corpus.add(q[0].upper() + q[1:] if rng.random() < 0.5 else q, BENIGN, "synthetic:how_to", "syn_howto", False)
    # Questions about the standard library, from its docstring summaries.
    import glob, os, re
    summaries = []
    for f in sorted(glob.glob(os.path.join(stdlib_dir, "*.py"))):
        try:
            src = open(f, encoding="utf-8").read()
        except Exception:
            continue
        for m in re.finditer(r'def (\w+)\([^)]*\):\s*\n\s*"""([A-Z][^."\n]{15,90})', src):
            summaries.append((os.path.basename(f)[:-3], m.group(1), m.group(2)))
    rng.shuffle(summaries)
    for mod, fn, s in summaries[:900]:
        tmpl = rng.choice(["How do I use {mod}.{fn} in Python?", "{a} {s} in python", "What does {mod}.{fn} do? The docs say: {s}.",
                           "Write a python function that does this: {s}", "why does {fn}() fail with a TypeError"])
        corpus.add(tmpl.format(mod=mod, fn=fn, s=s.lower(), a=rng.choice(ASK)), BENIGN, "synthetic:stdlib_questions",
                   "syn_stdlib", False)
    passages = [r["text"] for r in corpus.rows if r["label"] == BENIGN and r["split"] == "train"
                and r["family"] in ("book_cloze.tsv", "guardian_cloze.tsv", "nyt_cloze.tsv", "truefalse")]
    rng.shuffle(passages)
    verbs = ["Rewrite this in simpler words:", "Summarize the following text:", "Translate to French:",
             "Fix the grammar:", "Make this more formal:", "Write a reply to this:", "What is the tone of this text?"]
    for p in passages[:300]:
        corpus.add(rng.choice(verbs) + "\n\n" + p, BENIGN, "synthetic:text_tasks", "syn_texttask", False)
    for i in range(120):
        results = "\n\n".join(f'[{k + 1}] "{passages[(i * 3 + k) % len(passages)][:400]}"\nURL: https://www.example{k}.com/page{i}'
                              for k in range(3))
        corpus.add(f"Web search results:\n\n{results}\n\nCurrent date: 3/{1 + i % 28}/2023\n\nInstructions: Using the provided "
                   "web search results, write a comprehensive reply to the given query. Cite results using [number] notation.\n"
                   f"Query: {rng.choice(TOPICS)}", BENIGN, "synthetic:search_results", "syn_search", False)
