"""Process lifecycle: SIGTERM drains in-flight streams before the gateway exits."""
import json
import signal
import tempfile
import threading
import time
from pathlib import Path

import requests

from conftest import Stack


def test_sigterm_drains_in_flight_stream():
    stack = Stack(Path(tempfile.mkdtemp(prefix="portcullis-drain-")))
    try:
        token = stack.token()
        received = []
        r = requests.post(stack.base + "/v1/chat/completions", headers={"authorization": f"Bearer {token}"}, stream=True,
                          timeout=60, json={"model": "slow-stream", "stream": True, "messages": [{"role": "user", "content": "#lorem 8"}]})
        assert r.status_code == 200
        lines = r.iter_lines()
        received.append(next(lines))
        stack.gateway.send_signal(signal.SIGTERM)       # shutdown starts while the stream is open
        for line in lines:
            if line:
                received.append(line)
        assert received[-1] == b"data: [DONE]", "the stream must complete, not be cut, during graceful shutdown"
        text = "".join(json.loads(l[6:])["choices"][0]["delta"].get("content") or ""
                       for l in received if l != b"data: [DONE]" and json.loads(l[6:])["choices"])
        assert len(text.split()) == 8
        assert stack.gateway.wait(timeout=30) == 0
        # new connections are refused once it has stopped
        try:
            requests.get(stack.base + "/healthz", timeout=2)
            assert False, "gateway still accepting after shutdown"
        except requests.ConnectionError:
            pass
    finally:
        stack.stop()
