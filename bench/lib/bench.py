"""bench/run: Portcullis side by side with the floor (nginx) and LiteLLM, on one mock upstream, in one run.

Phases per target, one target at a time (the others idle): warm-up; open-loop fixed rates (500 and
2,000 req/s) for latency percentiles; the same at 500 req/s against a 50 ms upstream; an open wrk run
(-t2 -c50) for max req/s and CPU per request; time to first token (sequential streams); N concurrent
slow streams. Peak RSS is sampled per phase from /proc. Prints Markdown; writes docs/benchmarks.md
unless --smoke or --gateway-latency.
"""
import argparse
import asyncio
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import loadgen  # noqa: E402
import report  # noqa: E402
from targets import REPO, Stack, cpu_seconds  # noqa: E402

CHAT_PATH = "/v1/chat/completions"
SYSTEM = ("You are a careful assistant for the finance operations team. Answer in plain English, cite the "
          "section of the document you rely on, and say so when the document does not contain the answer. "
          "Keep summaries under two hundred words, use bullet points for action items, and never invent "
          "figures. If a question is ambiguous, ask one short clarifying question before answering. ")
USER_1 = ("Here are the notes from Tuesday's quarterly review. Revenue grew in every region, with the strongest "
          "results in Asia, where two new distribution partners came online in August. Operating costs rose "
          "slightly because of the cluster migration and the new onboarding programme, but the migration cut "
          "service latency by about a third. The committee agreed to revisit the travel policy, to move the "
          "budget review to the first week of the next quarter, and to publish the refund policy change on the "
          "customer portal before the end of the month. Open questions: whether the refund policy applies to "
          "orders placed before the change, and who owns the partner onboarding checklist. Finance also "
          "flagged that the currency hedging contracts renew in November, that the audit of the procurement "
          "process starts next month, and that the shared drive clean-up is still waiting for a decision on "
          "retention periods for old project folders. Marketing asked for the regional numbers by Friday. ")
ASSISTANT_1 = ("Summary: revenue up in all regions (Asia strongest, two new partners); costs slightly up "
               "(migration, onboarding); latency down by a third. Actions: revisit travel policy; move budget "
               "review to week one of next quarter; publish the refund policy change this month. Open: refund "
               "policy scope for earlier orders; owner of the partner onboarding checklist. ")
USER_2 = "#lorem 60"


SYSTEM_EXTRA = ("Format dates as YYYY-MM-DD, amounts with a currency code, and keep the names of teams, "
                "products and partners exactly as written in the notes. ")


def chat_body(model, stream=False, last=USER_2):
    """~2.2 KB: system prompt, one earlier exchange, and the question (the mock answers the last message)."""
    body = {"model": model, "messages": [
        {"role": "system", "content": SYSTEM + SYSTEM_EXTRA}, {"role": "user", "content": USER_1},
        {"role": "assistant", "content": ASSISTANT_1}, {"role": "user", "content": last}],
        "temperature": 0.2, "max_tokens": 400, "user": "bench-user"}
    if stream:
        body["stream"] = True
    return json.dumps(body).encode()


def padded_body(model, stream=False):
    return chat_body(model, stream)


class RSSSampler(threading.Thread):
    """Samples the summed VmRSS of a process tree every 100 ms; `peak` since the last `reset`."""

    def __init__(self, target):
        super().__init__(daemon=True)
        self.target, self.peak, self.running = target, 0.0, True

    def reset(self):
        self.peak = self.target.rss_mb()

    def run(self):
        while self.running:
            self.peak = max(self.peak, self.target.rss_mb())
            time.sleep(0.1)


def run_async(coro):
    loop = loadgen.new_loop()
    try:
        return loop.run_until_complete(coro)
    finally:
        loop.close()


def summarise_fixed(res):
    lat = res["latencies"]
    return {"p50": loadgen.percentile(lat, 50), "p99": loadgen.percentile(lat, 99), "ok": res["ok"],
            "sent": res["sent"], "errors": sum(res["errors"].values()), "error_kinds": res["errors"],
            "achieved": res["achieved_rps"]}


def wrk_open(target, body, duration, threads=2, conns=50):
    body_file = Path(os.environ["BENCH_WORK"]) / f"body-{target.key}.json"
    body_file.write_bytes(body)
    env = dict(os.environ, BENCH_BODY=str(body_file),
               BENCH_HEADERS="\n".join(f"{k}: {v}" for k, v in target.headers.items()))
    pids = target.pids()
    cpu0 = cpu_seconds(pids)
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{conns}", f"-d{duration}s", "-s",
                          str(Path(__file__).with_name("wrk_post.lua")), f"http://127.0.0.1:{target.port}{CHAT_PATH}"],
                         env=env, capture_output=True, text=True, timeout=duration + 60)
    cpu = cpu_seconds(pids) - cpu0
    m = re.search(r"BENCH_JSON (\{.*\})", out.stdout)
    if not m:
        return {"rps": 0.0, "errors": -1, "raw": out.stdout + out.stderr}
    j = json.loads(m.group(1))
    errors = j["non2xx"] + j["connect"] + j["read"] + j["write"] + j["timeout"]
    good = max(1, j["requests"] - j["non2xx"])
    return {"rps": j["requests"] / (j["duration_us"] / 1e6), "errors": errors, "requests": j["requests"],
            "p50": j["p50_us"] / 1000.0, "p99": j["p99_us"] / 1000.0, "cpu_us_per_req": cpu / good * 1e6}


def measure(target, cfg, log):
    """All phases for one target; returns a dict of results."""
    r = {"label": target.label}
    sampler = RSSSampler(target)
    sampler.start()
    host, port = "127.0.0.1", target.port
    instant = padded_body(target.models["instant"])
    log(f"[{target.key}] body {len(instant)} bytes; warm-up")
    warm = run_async(loadgen.fixed_rate(host, port, CHAT_PATH, instant, target.headers, cfg.warm_rate, cfg.warm_s))
    r["warmup_errors"] = sum(warm["errors"].values())
    cap = cfg.litellm_rate if target.key == "litellm" else None
    r["fixed"] = {}
    for rate in cfg.rates:
        actual = min(rate, cap) if cap else rate
        sampler.reset()
        res = summarise_fixed(run_async(loadgen.fixed_rate(host, port, CHAT_PATH, instant, target.headers,
                                                           actual, cfg.fixed_s)))
        res["rate"], res["rss"] = actual, sampler.peak
        r["fixed"][rate] = res
        log(f"[{target.key}] {actual} req/s: p50 {res['p50']:.3f} ms p99 {res['p99']:.3f} ms "
            f"errors {res['error_kinds'] or 0} rss {res['rss']:.0f} MB")
    if cfg.slow_rate:
        actual = min(cfg.slow_rate, cap) if cap else cfg.slow_rate
        slow = padded_body(target.models["slow50"])
        res = summarise_fixed(run_async(loadgen.fixed_rate(host, port, CHAT_PATH, slow, target.headers,
                                                           actual, cfg.fixed_s)))
        res["rate"] = actual
        r["slow50"] = res
        log(f"[{target.key}] 50 ms upstream at {actual} req/s: p50 {res['p50']:.3f} p99 {res['p99']:.3f}")
    sampler.reset()
    r["open"] = wrk_open(target, instant, cfg.open_s)
    r["open"]["rss"] = sampler.peak
    log(f"[{target.key}] open: {r['open'].get('rps', 0):.0f} req/s errors {r['open']['errors']} "
        f"cpu/req {r['open'].get('cpu_us_per_req', 0):.0f} µs rss {sampler.peak:.0f} MB")
    ttft_body = padded_body(target.models["ttft"], stream=True)
    res = run_async(loadgen.sequential_ttft(host, port, CHAT_PATH, ttft_body, target.headers, cfg.ttft_n))
    r["ttft"] = {"p50": loadgen.percentile(res["ttft"], 50), "p99": loadgen.percentile(res["ttft"], 99),
                 "failed": res["failed"], "n": cfg.ttft_n}
    log(f"[{target.key}] TTFT p50 {r['ttft']['p50']:.3f} ms p99 {r['ttft']['p99']:.3f} failed {res['failed']}")
    n = min(cfg.streams, cfg.litellm_streams) if target.key == "litellm" else cfg.streams
    if n:
        stream_body = chat_body(target.models["stream"], stream=True, last=f"#lorem {cfg.stream_words}")
        sampler.reset()
        res = run_async(loadgen.streams(host, port, CHAT_PATH, stream_body, target.headers, n,
                                        timeout=cfg.stream_timeout))
        r["streams"] = {"n": n, "ok": res["ok"], "failed": res["failed"], "events_per_s": res["events_per_s"],
                        "wall_s": res["wall_s"], "rss": sampler.peak,
                        "ttft_p50": loadgen.percentile(res["ttft"], 50), "ttft_p99": loadgen.percentile(res["ttft"], 99)}
        log(f"[{target.key}] {n} streams: ok {res['ok']} failed {res['failed']} {res['events_per_s']:.0f} events/s "
            f"wall {res['wall_s']:.1f} s rss {sampler.peak:.0f} MB")
    sampler.running = False
    r["hwm"] = target.hwm_mb()
    return r


def paired(targets, rounds, seconds, log):
    """The full path on PostgreSQL against SQLite in alternating wrk rounds (full, full-postgres, full, ...): on a
    machine whose speed drifts between phases, each round's ratio compares two runs seconds apart; the median of
    the rounds is reported beside the one-phase figures."""
    by_key = {t.key: t for t in targets}
    out = []
    for i in range(rounds):
        rps = {}
        for key in ("full", "full-postgres"):
            t = by_key[key]
            rps[key] = wrk_open(t, padded_body(t.models["instant"]), seconds)["rps"]
        out.append(rps)
        log(f"paired round {i + 1}: full {rps['full']:.0f} req/s, full-postgres {rps['full-postgres']:.0f} req/s "
            f"({rps['full-postgres'] / rps['full'] * 100:.0f}%)")
    return out


def profile(stack, key, seconds, log):
    """perf (cpu-clock samples, call graphs) of one Portcullis profile under a wrk load; top symbols."""
    target = next(t for t in stack.targets if t.key == key)
    body = padded_body(target.models["instant"])
    run_async(loadgen.fixed_rate("127.0.0.1", target.port, CHAT_PATH, body, target.headers, 200, 2.0))
    data = Path(os.environ["BENCH_WORK"]) / f"perf-{key}.data"
    log(f"perf record -p {target.proc.pid} for {seconds} s under wrk -t2 -c50")
    perf = subprocess.Popen(["perf", "record", "-e", "cpu-clock", "-F", "999", "-g",
                             "-o", str(data), "-p", str(target.proc.pid), "--", "sleep", str(seconds)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    o = wrk_open(target, body, max(1, seconds - 1))
    log(f"wrk: {o.get('rps', 0):.0f} req/s; waiting for perf")
    try:
        perf.wait(timeout=seconds + 120)
    except subprocess.TimeoutExpired:
        perf.terminate()
        perf.wait()
    log("perf report")
    outs = []
    for args in (["--no-children", "--sort", "symbol"], ["--children", "--sort", "symbol"]):
        rep = subprocess.run(["perf", "report", "-i", str(data), "--stdio", "-g", "none", "--percent-limit", "0.7",
                              "--demangle"] + args, capture_output=True, text=True)
        text = rep.stdout
        demangle = subprocess.run(["swift", "demangle", "--simplified"], input=text, capture_output=True, text=True)
        if demangle.returncode == 0:
            text = demangle.stdout
        lines = [l.rstrip().replace("  -      -", "").rstrip() for l in text.splitlines() if l.strip() and not l.startswith("#")]
        outs.append(("self" if "--no-children" in args else "inclusive", lines[:45]))
    return outs


def guardrails_vs_presidio(binary, log):
    log("guardrails vs Presidio: bench/guardrails.sh")
    try:
        out = subprocess.run([str(REPO / "bench" / "guardrails.sh"), "--bin", binary], capture_output=True,
                             text=True, timeout=1800)
    except subprocess.TimeoutExpired:
        return None, "timed out after 30 min"
    if out.returncode != 0:
        return None, (out.stderr or out.stdout)[-800:]
    return out.stdout.strip(), None


def versions(binary, litellm_python):
    v = {"portcullis": subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                                      capture_output=True, text=True).stdout.strip()}
    v["nginx"] = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip().split("/")[-1]
    v["wrk"] = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "wrk"], capture_output=True, text=True).stdout
    v["swift"] = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    if litellm_python:
        v["litellm"] = subprocess.run([litellm_python, "-c", "import importlib.metadata as m;print(m.version('litellm'))"],
                                      capture_output=True, text=True).stdout.strip()
    v["python"] = platform.python_version()
    v["uvloop"] = "yes" if loadgen.uvloop else "no"
    return v


def machine():
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    os_name = "Linux"
    try:
        os_name = dict(line.rstrip().split("=", 1) for line in open("/etc/os-release") if "=" in line)["PRETTY_NAME"].strip('"')
    except (OSError, KeyError):
        pass
    return f"{os_name}, {os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, kernel {platform.release()}"


def shown_argv(argv):
    """The user's options, without the ones bench/run adds (paths differ per machine)."""
    out, skip = [], False
    for a in argv:
        if skip:
            skip = False
        elif a in ("--work", "--bin", "--litellm-python"):
            skip = True
        else:
            out.append(a)
    return " ".join(out)


def main():
    ap = argparse.ArgumentParser(prog="bench/run")
    ap.add_argument("--bin", required=True)
    ap.add_argument("--smoke", action="store_true", help="seconds-long: every target once, no LiteLLM/Presidio")
    ap.add_argument("--gateway-latency", action="store_true", help="only Portcullis' added latency over the mock")
    ap.add_argument("--no-litellm", action="store_true")
    ap.add_argument("--no-presidio", action="store_true")
    ap.add_argument("--litellm-python")
    ap.add_argument("--streams", type=int, default=1000)
    ap.add_argument("--rates", help="fixed rates in req/s (default 500,2000; --gateway-latency: 100,500)")
    ap.add_argument("--duration", type=float, default=10.0, help="seconds per fixed-rate run")
    ap.add_argument("--open-duration", type=int, default=10)
    ap.add_argument("--profile", metavar="PROFILE", help="perf-profile Portcullis 'full' or 'passthrough' under load")
    ap.add_argument("--targets", help="comma-separated subset of direct,nginx,passthrough,bedrock,full,full-postgres,litellm")
    ap.add_argument("--paired-rounds", type=int, default=3,
                    help="alternating wrk rounds of full on SQLite and on PostgreSQL (0: none)")
    ap.add_argument("--out", default=str(REPO / "docs" / "benchmarks.md"))
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    rates = args.rates or ("100,500" if args.gateway_latency else "500,2000")
    cfg = argparse.Namespace(rates=[int(x) for x in rates.split(",")], fixed_s=args.duration,
                             open_s=args.open_duration, warm_rate=200, warm_s=3.0, slow_rate=500, ttft_n=200,
                             streams=args.streams, stream_words=50, stream_timeout=120.0,
                             litellm_rate=25, litellm_streams=200, paired_rounds=args.paired_rounds, paired_s=5)
    with_litellm = not (args.no_litellm or args.smoke or args.gateway_latency)
    if args.smoke:
        cfg.rates, cfg.fixed_s, cfg.open_s, cfg.warm_rate, cfg.warm_s = [100], 1.0, 1, 50, 0.5
        cfg.slow_rate, cfg.ttft_n, cfg.streams, cfg.stream_words = 50, 3, min(args.streams, 20), 5
        cfg.stream_timeout = 30.0
        cfg.paired_rounds, cfg.paired_s = min(cfg.paired_rounds, 1), 1
    if args.gateway_latency:
        cfg.slow_rate, cfg.streams, cfg.warm_s = 0, 0, 5.0
    work = Path(args.work).resolve()
    os.environ["BENCH_WORK"] = str(work)
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    started = datetime.datetime.now(datetime.timezone.utc)
    stack = Stack(args.bin, work, with_litellm and not args.profile, args.litellm_python)
    if args.profile:
        try:
            for kind, lines in profile(stack, args.profile, args.open_duration, log):
                print(f"## perf: {args.profile}, {kind} share of samples\n\n```\n" + "\n".join(lines) + "\n```\n")
        finally:
            stack.stop()
        return 0
    results = {}
    try:
        wanted = set(args.targets.split(",")) | {"direct"} if args.targets else None
        if args.gateway_latency:
            wanted = {"direct", "passthrough", "full"}
        targets = [t for t in stack.targets if wanted is None or t.key in wanted]
        for t in targets:
            if t.key == "litellm":
                log("starting LiteLLM (start-up takes 10-30 s)")
                stack.start_litellm()
                run_async(loadgen.sequential_ttft("127.0.0.1", t.port, CHAT_PATH, padded_body(t.models["ttft"], True),
                                                  t.headers, 5))
            results[t.key] = measure(t, cfg, log)
            if t.key == "litellm":
                stack.stop_proc(t.proc)
        if {"full", "full-postgres"} <= results.keys() and cfg.paired_rounds:
            results["paired"] = paired(targets, cfg.paired_rounds, cfg.paired_s, log)
    finally:
        stack.stop()
    guard, guard_error = (None, "skipped (--smoke)") if args.smoke else (None, "skipped")
    if not (args.smoke or args.gateway_latency or args.no_presidio):
        guard, guard_error = guardrails_vs_presidio(args.bin, log)
    meta = {"date": started.strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(),
            "load": os.getloadavg(), "versions": versions(args.bin, args.litellm_python if with_litellm else None),
            "body_bytes": len(padded_body("bench-model")), "cfg": cfg, "argv": shown_argv(sys.argv[1:])}
    if args.gateway_latency:
        print(report.gateway_latency(results, cfg, meta))
        return 0
    md = report.markdown(results, cfg, meta, guard, guard_error, smoke=args.smoke)
    print(md)
    if not args.smoke:
        out = Path(args.out)
        # Hand-written notes (profiles, before/after) below the marker survive a re-run.
        kept = out.read_text().split(report.MANUAL_MARKER, 1) if out.exists() else []
        out.write_text(md + ("\n" + report.MANUAL_MARKER + kept[1] if len(kept) == 2 else ""))
        log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
