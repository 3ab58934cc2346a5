"""Helpers for the limits, identity-scoping and demo end-to-end tests: configuration rewrites of the shared
Stack, a recording HTTP listener (a JWKS endpoint that notes every request), curl and audit export."""
import json
import re
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from conftest import BIN, Stack


def mark_unpriced_models_free(config: str) -> str:
    """With budgets configured the gateway refuses models without a price: declare the unpriced test models free."""
    return re.sub(r"^(  - \{name: [^}\n]*?)\}$",
                  lambda m: m.group(0) if "price" in m.group(0) else m.group(1) + ", free: true}",
                  config, flags=re.M)


def replace_section(config: str, name: str, body: str) -> str:
    """Replaces a top-level YAML section (`name:` up to the next top-level key) with `body`."""
    pattern = re.compile(rf"^{name}:\n(?:(?:  .*)?\n)*", re.M)
    assert pattern.search(config), name
    return pattern.sub(lambda _: body if body.endswith("\n") else body + "\n", config, count=1)


class PricedStack(Stack):
    """The shared stack with budgets: unpriced models are declared free, extra sections appended."""

    def __init__(self, work, extra: str = "", **kw):
        self.extra = extra
        super().__init__(work, **kw)

    def config(self):
        return mark_unpriced_models_free(super().config()) + self.extra


class RecordingServer:
    """A loopback HTTP listener that serves fixed documents and records the path of every request."""

    def __init__(self, documents: dict[str, str]):
        self.documents = documents
        self.paths: list[str] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                recorder.paths.append(self.path)
                body = recorder.documents.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("content-type", "application/json")
                data = (body or "{}").encode()
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()


def curl(*args):
    out = subprocess.run(["curl", "-s", "-i", *args], capture_output=True, text=True, timeout=30).stdout
    head, _, body = out.replace("\r\n", "\n").partition("\n\n")
    status = int(head.split()[1])
    headers = {l.split(":", 1)[0].lower(): l.split(":", 1)[1].strip() for l in head.split("\n")[1:] if ":" in l}
    return status, headers, body


def audit_records(stack, request_id, phases=("complete", "end"), timeout=10):
    """The audit records of one request (polled: the end record may land just after the answer)."""
    deadline = time.time() + timeout
    while True:
        out = subprocess.run([BIN, "audit", "export", "--db", str(stack.db), "--format", "jsonl"],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        records = [json.loads(l) for l in out.stdout.splitlines() if l.strip()]
        mine = [r for r in records if r.get("request_id") == request_id]
        if any(r.get("phase") in phases for r in mine) or time.time() > deadline:
            return mine
        time.sleep(0.2)
