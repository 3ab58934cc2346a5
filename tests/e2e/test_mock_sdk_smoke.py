"""The mock upstream on its own, driven by the official SDKs (tests/e2e/mock_sdk_smoke.py), then stopped
with SIGTERM: every reply parses and the process exits 0."""
import os
import signal
import subprocess
import sys
from pathlib import Path

from conftest import BIN, free_port, wait_ready

HERE = Path(__file__).parent


def test_mock_upstream_speaks_the_official_sdks_and_stops_on_sigterm():
    port = free_port()
    proc = subprocess.Popen([BIN, "mock-upstream", "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_ready(f"http://127.0.0.1:{port}/healthz", proc)
        result = subprocess.run(
            [sys.executable, str(HERE / "mock_sdk_smoke.py")],
            env={**os.environ, "MOCK_BASE_URL": f"http://127.0.0.1:{port}"},
            capture_output=True, text=True, timeout=180,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "checks passed" in result.stdout
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=15)
    assert code == 0
    assert f"listening on http://127.0.0.1:{port}" in proc.stdout.read()
