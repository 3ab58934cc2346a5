#!/usr/bin/env python3
"""Checks an audit export (jsonl, from `portcullis audit export`) against what the client saw and what the
provider received:
- every trail (records sharing a `trail_id`) is complete: complete, begin + end, or begin + aborted;
- every answered request (by the x-request-id the client sent, unique per request) has exactly one trail;
- with --upstream FILE (the mock upstream's GET /mock/requests), every request the provider received
  has a durable begin record — no request ever reaches a provider without one.
Exit 1 on any violation.

  crash_check.py [--strict] [--upstream FILE] EXPORT ANSWERED
--strict: answered only after the end/complete record returned (the probe): such a trail is never aborted."""
import argparse, collections, json, sys

ap = argparse.ArgumentParser()
ap.add_argument("--strict", action="store_true")
ap.add_argument("--upstream")
ap.add_argument("export")
ap.add_argument("answered")
args = ap.parse_args()

trails = collections.defaultdict(list)
for line in open(args.export):
    r = json.loads(line)
    trails[r.get("trail_id", r["request_id"])].append(r)
by_request = collections.defaultdict(list)
for tid, rs in trails.items():
    by_request[rs[0]["request_id"]].append([r["phase"] for r in rs])
answered = []
for l in open(args.answered):
    try:
        answered.append(json.loads(l))
    except ValueError:
        pass  # the client was stopped mid-line

problems = []
for tid, rs in trails.items():
    ps = [r["phase"] for r in rs]
    if ps == ["complete"] or ps == ["begin", "end"] or ps == ["begin", "aborted"]:
        if len({r["request_id"] for r in rs}) != 1:
            problems.append(f"trail {tid}: records of several request ids")
        continue
    problems.append(f"trail {tid} (request {rs[0]['request_id']}): phases {ps}")
answered_aborted = 0
for a in answered:
    rid = a.get("sent_id") or a["request_id"]
    found = by_request.get(rid, [])
    if not found:
        problems.append(f"request {rid} was answered {a['status']} but has no audit record")
    elif len(found) > 1:
        problems.append(f"request {rid} (sent once) has {len(found)} trails")
    elif found[0] == ["begin", "aborted"]:
        answered_aborted += 1
        if args.strict:
            problems.append(f"request {rid} was answered after its end record, yet is aborted")
received = 0
if args.upstream:
    begun = {rs[0]["request_id"] for rs in trails.values() if rs[0]["phase"] == "begin"}
    for e in json.load(open(args.upstream))["data"]:
        if e.get("path", "").split("?")[0] != "/v1/chat/completions":
            continue
        received += 1
        rid = e.get("headers", {}).get("x-request-id")
        if rid not in begun:
            problems.append(f"the provider received request {rid} but there is no begin record for it")
    if received == 0:
        problems.append("the provider received no request: the test did not exercise forwarding")
counts = collections.Counter(tuple(r["phase"] for r in rs) for rs in trails.values())
print(f"answered by the gateway: {len(answered)}; received by the provider: {received}; trails: {len(trails)}; " +
      ", ".join(f"{'+'.join(k)}: {v}" for k, v in sorted(counts.items())))
if answered_aborted:
    print(f"note: {answered_aborted} answered request(s) closed as aborted (answer sent before the end record was durable)")
for p in problems[:20]:
    print("PROBLEM", p)
if problems:
    print(f"{len(problems)} problem(s)")
    sys.exit(1)
print("every trail is complete; every answered request has one; every request the provider received had a durable begin")
