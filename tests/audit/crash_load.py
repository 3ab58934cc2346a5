#!/usr/bin/env python3
"""Load for the audit crash test (stdlib only): N workers send chat completions until killed or until
--seconds elapse, and append one JSON line per answered request to --answered:
{"request_id": ..., "status": ...}. The request id is the gateway's x-request-id response header, or the
one the client sent."""
import argparse, json, threading, time, urllib.request, urllib.error, uuid

p = argparse.ArgumentParser()
p.add_argument("--url", required=True)
p.add_argument("--model", required=True)
p.add_argument("--token", default="")
p.add_argument("--workers", type=int, default=16)
p.add_argument("--seconds", type=float, default=30)
p.add_argument("--answered", required=True)
p.add_argument("--stream-every", type=int, default=3, help="every Nth request streams")
args = p.parse_args()

lock = threading.Lock()
out = open(args.answered, "a", buffering=1)
deadline = time.time() + args.seconds

def worker(w):
    n = 0
    while time.time() < deadline:
        n += 1
        rid = f"crash-{w}-{n}-{uuid.uuid4().hex[:8]}"
        body = {"model": args.model, "messages": [{"role": "user", "content": f"hello {rid}"}],
                "stream": n % args.stream_every == 0}
        headers = {"content-type": "application/json", "x-request-id": rid}
        if args.token:
            headers["authorization"] = "Bearer " + args.token
        req = urllib.request.Request(args.url + "/v1/chat/completions", json.dumps(body).encode(), headers)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                r.read()  # the whole answer, streamed or not
                status, got = r.status, r.headers.get("x-request-id")
        except urllib.error.HTTPError as e:
            e.read()
            status, got = e.code, e.headers.get("x-request-id")
        except Exception:
            continue  # no answer seen (connection refused or cut by the kill): makes no claim
        with lock:
            out.write(json.dumps({"request_id": got or rid, "sent_id": rid, "status": status}) + "\n")

threads = [threading.Thread(target=worker, args=(w,), daemon=True) for w in range(args.workers)]
for t in threads:
    t.start()
for t in threads:
    t.join()
