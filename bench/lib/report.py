"""Markdown for bench/run: side-by-side tables, ratios to nginx, and the issue's aims checked (reported,
never enforced: the benchmark has no thresholds)."""
import math

MANUAL_MARKER = "<!-- notes below this line are kept by bench/run -->"
ORDER = ["direct", "nginx", "passthrough", "bedrock", "full", "full-postgres", "litellm"]


def f(x, digits=2, signed=False):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x:+.{digits}f}" if signed else f"{x:.{digits}f}"


def n(x):
    return "—" if x is None else f"{x:,.0f}"


def added(results, key, rate, pct, base="direct"):
    try:
        return results[key]["fixed"][rate][pct] - results[base]["fixed"][rate][pct]
    except KeyError:
        return None


def gateway_latency(results, cfg, meta):
    lines = [f"Portcullis added latency over calling the mock directly ({meta['body_bytes']} B chat body, "
             f"open-loop fixed rate, {cfg.fixed_s:.0f} s per run; {meta['machine']}; load {meta['load'][0]:.1f})", "",
             "| profile | rate (req/s) | p50 direct | p50 added | p99 direct | p99 added | errors |",
             "|---|---|---|---|---|---|---|"]
    for key in ("passthrough", "full"):
        for rate in cfg.rates:
            d, g = results["direct"]["fixed"][rate], results[key]["fixed"][rate]
            lines.append(f"| {results[key]['label']} | {rate} | {f(d['p50'], 3)} ms | {f(g['p50'] - d['p50'], 3, True)} ms "
                         f"| {f(d['p99'], 3)} ms | {f(g['p99'] - d['p99'], 3, True)} ms | {g['errors']} |")
    return "\n".join(lines)


def markdown(results, cfg, meta, guard, guard_error, smoke=False):
    keys = [k for k in ORDER if k in results]
    nginx = results.get("nginx", {})
    out = ["# Benchmarks", ""]
    if smoke:
        out += ["_Smoke run (`bench/run --smoke`): tiny durations, numbers meaningless; checks the tools run._", ""]
    v = meta["versions"]
    out += [f"- **Date**: {meta['date']}",
            f"- **Machine**: {meta['machine']}; load average at the end {meta['load'][0]:.1f} "
            "(load generator, mock, proxy share the cores; other work on the machine moves numbers ±20% or more)",
            "- **Versions**: " + ", ".join(f"{k} {val}" for k, val in v.items()),
            f"- **Command**: `{('bench/run ' + meta['argv']).strip()}`",
            f"- **Body**: {meta['body_bytes']} B OpenAI chat request (system prompt, one earlier exchange, question); "
            "the mock answers ~60 words; Portcullis callers send an ES256 JWT and purpose/classification headers",
            "- **Targets**: mock upstream direct (Portcullis `mock-upstream`, instant); nginx reverse proxy "
            "(keep-alive upstream, `proxy_buffering off`, workers auto); LiteLLM proxy (1 worker, master key, no DB); "
            "Portcullis *passthrough* (JWT verified, permit-all policy, guardrail profile `off`, audit content `none`); "
            "the same *with a Bedrock upstream* (each call translated to Converse and SigV4-signed, streams decoded from "
            "AWS event-stream frames; the mock also verifies every signature, which counts in this row's upstream "
            "time); "
            "Portcullis *full* (JWT verified, example policy set, `standard` request+response guardrails, audit "
            "begin+end records with content hashes, per-principal rate limit and daily budget); the same *with "
            "PostgreSQL stores* (audit chain, rate limits, budgets and DPoP replay in a local PostgreSQL over TLS, as one "
            "replica of a cluster runs)",
            ""]
    rates = cfg.rates
    out += ["## Latency at fixed rates (open loop, instant upstream)", "",
            f"Open-loop generator (bench/lib/loadgen.py, latency from each request's due time), {cfg.fixed_s:g} s per "
            f"rate. *Added* = target minus direct at the same rate. LiteLLM cannot sustain these rates; it is "
            f"measured at {cfg.litellm_rate} req/s instead (its column says so).", ""]
    head = "| target |" + "".join(f" p50 @{r} | p99 @{r} | added p50 / p99 @{r} | errors @{r} |" for r in rates)
    out += [head, "|---" * (1 + 4 * len(rates)) + "|"]
    for k in keys:
        r = results[k]
        row = f"| {r['label']} |"
        for rate in rates:
            x = r["fixed"][rate]
            note = f" (at {x['rate']})" if x["rate"] != rate else ""
            add = "—" if k == "direct" else f"{f(added(results, k, rate, 'p50'), 3, True)} / {f(added(results, k, rate, 'p99'), 3, True)} ms"
            row += f" {f(x['p50'], 3)} ms{note} | {f(x['p99'], 3)} ms | {add} | {x['errors']} |"
        out.append(row)
    out.append("")
    if any("slow50" in results[k] for k in keys):
        out += ["## Latency with a 50 ms upstream", "",
                "| target | rate | p50 | p99 | added p50 / p99 | errors |", "|---|---|---|---|---|---|"]
        for k in keys:
            x = results[k].get("slow50")
            if not x:
                continue
            d = results["direct"]["slow50"]
            add = "—" if k == "direct" else f"{f(x['p50'] - d['p50'], 3, True)} / {f(x['p99'] - d['p99'], 3, True)} ms"
            out.append(f"| {results[k]['label']} | {x['rate']} | {f(x['p50'], 3)} ms | {f(x['p99'], 3)} ms | {add} | {x['errors']} |")
        out.append("")
    out += ["## Throughput and memory", "",
            f"`wrk -t2 -c50 -d{cfg.open_s}s` with the same body. CPU per request = the proxy's user+system CPU "
            "during the run / requests answered (the mock's CPU not included). RSS = peak resident set of the "
            "proxy's processes, sampled every 100 ms (nginx: master+workers; LiteLLM: all its processes).", "",
            "| target | max req/s | vs nginx | errors | wrk p50 / p99 | CPU per request | peak RSS (load) | RSS vs nginx |",
            "|---|---|---|---|---|---|---|---|"]
    nginx_rps = nginx.get("open", {}).get("rps")
    nginx_rss = max((x["rss"] for x in nginx.get("fixed", {}).values()), default=None)
    for k in keys:
        r = results[k]
        o = r["open"]
        rss = max([x["rss"] for x in r["fixed"].values()] + [o.get("rss", 0)])
        ratio = f"{o['rps'] / nginx_rps:.2f}×" if nginx_rps else "—"
        rss_ratio = f"{rss / nginx_rss:.1f}×" if nginx_rss else "—"
        if k == "direct":
            ratio, rss_ratio = "—", "—"
        out.append(f"| {r['label']} | {n(o.get('rps'))} | {ratio} | {o.get('errors')} | {f(o.get('p50'))} / {f(o.get('p99'))} ms "
                   f"| {n(o.get('cpu_us_per_req'))} µs | {f(rss, 0)} MB | {rss_ratio} |")
    out.append("")
    out += ["## Streaming", "",
            f"Time to first token: {cfg.ttft_n} streamed requests one after another (new connection each), instant "
            "mock; time from sending to the first event carrying content. Concurrent streams: N SSE requests opened "
            f"together (ramped at 2,000/s), each ~{cfg.stream_words} words in 8-character chunks 200 ms apart "
            "(`mock-gpt+chunk=8+delay=200`), held open until `[DONE]`.", "",
            "| target | TTFT p50 | TTFT p99 | added p50 / p99 | streams | ok / failed | events/s | wall | peak RSS |",
            "|---|---|---|---|---|---|---|---|---|"]
    d = results["direct"]["ttft"]
    for k in keys:
        r = results[k]
        t = r["ttft"]
        add = "—" if k == "direct" else f"{f(t['p50'] - d['p50'], 3, True)} / {f(t['p99'] - d['p99'], 3, True)} ms"
        s = r.get("streams")
        sc = (f"{s['n']} | {s['ok']} / {s['failed']} | {n(s['events_per_s'])} | {f(s['wall_s'], 1)} s | {f(s['rss'], 0)} MB"
              if s else "— | — | — | — | —")
        out.append(f"| {r['label']} | {f(t['p50'], 3)} ms | {f(t['p99'], 3)} ms | {add} | {sc} |")
    out.append("")
    out += aims(results, cfg)
    out += ["## Guardrails vs Presidio", ""]
    if guard:
        out += ["Output of `bench/guardrails.sh --bin <release binary>` (same texts, same run):", "", "```", guard, "```", ""]
    else:
        out += [f"Not measured in this run: {guard_error}", ""]
    out += ["## How to run", "", "```",
            "bench/run                    # everything (installs nginx, wrk, LiteLLM venv, Presidio venv when missing)",
            "bench/run --smoke            # seconds-long, every target once, no LiteLLM/Presidio (CI)",
            "bench/gateway-latency        # only Portcullis' added latency over the mock (p50/p99)",
            "bench/run --no-litellm --no-presidio --streams 500 --rates 500,2000 --duration 10",
            "```", "",
            "Work files (configs, logs, audit databases) stay in `.tmp/bench/<time>/`."]
    return "\n".join(out) + "\n"


def aims(results, cfg):
    """Issue 9's aims, evaluated on this run (information only)."""
    if "full" not in results:
        return []
    rows = []
    rate = 2000 if 2000 in cfg.rates else cfg.rates[-1]
    if "nginx" in results:
        p50 = added(results, "full", rate, "p50", base="nginx")
        p99 = added(results, "full", rate, "p99", base="nginx")
        rows.append((f"full adds ≤ 0.3 ms p50 over nginx at {rate} req/s", f"{f(p50, 3, True)} ms", p50 is not None and p50 <= 0.3))
        rows.append((f"full adds ≤ 1.5 ms p99 over nginx at {rate} req/s", f"{f(p99, 3, True)} ms", p99 is not None and p99 <= 1.5))
    fr, nr = results["full"]["open"].get("rps"), results.get("nginx", {}).get("open", {}).get("rps")
    if fr and nr:
        rows.append(("full reaches ≥ 50% of nginx's max req/s", f"{fr / nr * 100:.0f}%", fr / nr >= 0.5))
    if "litellm" in results and results["litellm"]["open"].get("rps"):
        lr = results["litellm"]["open"]["rps"]
        rows.append(("full reaches ≥ 20× LiteLLM's max req/s", f"{fr / lr:.0f}×", fr / lr >= 20))
    pg = results.get("full-postgres", {}).get("open", {}).get("rps")
    if fr and pg:
        rows.append(("full on PostgreSQL reaches ≥ 70% of full on SQLite (issue 17), one phase each", f"{pg / fr * 100:.0f}%", pg / fr >= 0.7))
    rounds = results.get("paired")
    if rounds:
        ratios = sorted(r["full-postgres"] / r["full"] for r in rounds)
        median = ratios[len(ratios) // 2]
        shown = ", ".join(f"{r['full-postgres']:,.0f}/{r['full']:,.0f}" for r in rounds)
        rows.append((f"the same, median of {len(rounds)} alternating rounds (PostgreSQL/SQLite req/s: {shown})",
                     f"{median * 100:.0f}%", median >= 0.7))
    s = results["full"].get("streams")
    if s:
        rows.append((f"full holds {s['n']} open streams in ≤ 150 MB RSS", f"{s['rss']:.0f} MB, {s['failed']} failed",
                     s["rss"] <= 150 and s["failed"] == 0 and s["n"] >= 1000))
    out = ["## Aims (issue 9), this run", "", "| aim | measured | met |", "|---|---|---|"]
    out += [f"| {a} | {m} | {'yes' if ok else 'no'} |" for a, m, ok in rows]
    return out + [""]
