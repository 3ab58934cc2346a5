#!/usr/bin/env python3
"""Checks an audit export (jsonl, from `portcullis audit export`) against what the client saw:
every answered request has a complete trail (complete, or begin + end, or begin + aborted), every begin
has an end or aborted, no request has two terminal records. Exit 1 on any violation."""
import collections, json, sys

strict = "--strict" in sys.argv  # answered only after the end/complete record returned (the probe)
export_path, answered_path = [a for a in sys.argv[1:] if a != "--strict"][:2]
phases = collections.defaultdict(list)
for line in open(export_path):
    r = json.loads(line)
    phases[r["request_id"]].append(r["phase"])
answered = []
for l in open(answered_path):
    try:
        answered.append(json.loads(l))
    except ValueError:
        pass  # the client was stopped mid-line

problems = []
for rid, ps in phases.items():
    if ps == ["complete"] or ps == ["begin", "end"] or ps == ["begin", "aborted"]:
        continue
    problems.append(f"request {rid}: phases {ps}")
answered_aborted = 0
for a in answered:
    ps = phases.get(a["request_id"])
    if ps is None:
        problems.append(f"request {a['request_id']} was answered {a['status']} but has no audit record")
    elif ps == ["begin", "aborted"]:
        answered_aborted += 1
        if strict:
            problems.append(f"request {a['request_id']} was answered after its end record, yet is aborted")
counts = collections.Counter(tuple(p) for p in phases.values())
print(f"answered by the gateway: {len(answered)}; trails: {len(phases)}; " +
      ", ".join(f"{'+'.join(k)}: {v}" for k, v in sorted(counts.items())))
if answered_aborted:
    print(f"note: {answered_aborted} answered request(s) closed as aborted (answer sent before the end record was durable)")
for p in problems[:20]:
    print("PROBLEM", p)
if problems:
    print(f"{len(problems)} problem(s)")
    sys.exit(1)
print("every answered request has a complete trail; every begin has an end or aborted")
