#!/usr/bin/env python3
"""Intent guardrail cost per request as the gateway pays it: `portcullis scan` over N 2 KB chat prompts,
one worker thread, with every detector (`--detectors all`) and with the data detectors only
(`--detectors data`); the difference per line is the intent detector's cost (normalise, signatures,
classifier). Start-up (signature compilation) is measured with an empty input and subtracted.
Usage: bench/intent_scan.py BIN [BIN ...] [--lines N]   (prints a Markdown table, one row per binary)
"""
import argparse
import json
import subprocess
import time

SENTENCE = ("Please summarise the attached quarterly report for the board, list three risks with their owners, "
            "and suggest next steps for the migration of the payment platform. ")


def run(binary, payload, detectors):
    t = time.perf_counter()
    subprocess.run([binary, "scan", "--threads", "1", "--detectors", detectors], input=payload,
                   capture_output=True, check=True)
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bins", nargs="+")
    ap.add_argument("--lines", type=int, default=4000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    text = (SENTENCE * 12)[:2048]
    payload = "".join(json.dumps({"id": i, "text": f"{i} {text}"}) + "\n" for i in range(args.lines)).encode()
    print(f"| binary | lines | all detectors µs/line | data only µs/line | intent µs/line |")
    print("|---|---:|---:|---:|---:|")
    for b in args.bins:
        empty_all = min(run(b, b"", "all") for _ in range(args.repeat))
        empty_data = min(run(b, b"", "data") for _ in range(args.repeat))
        a = min(run(b, payload, "all") for _ in range(args.repeat)) - empty_all
        d = min(run(b, payload, "data") for _ in range(args.repeat)) - empty_data
        n = args.lines
        print(f"| `{b}` | {n} | {a / n * 1e6:.1f} | {d / n * 1e6:.1f} | {(a - d) / n * 1e6:.1f} |")


if __name__ == "__main__":
    main()
