"""Command-line contracts: config check, policy test on the shipped examples."""
import subprocess

import pytest
import tempfile
from pathlib import Path

from conftest import BIN, HERE

ROOT = HERE.parent.parent


def run(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=60)


def test_shipped_example_configuration_is_valid():
    r = run("config", "check", str(ROOT / "examples" / "portcullis.yaml"))
    assert r.returncode == 0, r.stderr
    assert "OK" in r.stdout


@pytest.mark.parametrize("name", ["bedrock.yaml", "google.yaml", "failover.yaml"])
def test_shipped_provider_examples_are_valid(name):
    r = run("config", "check", str(ROOT / "examples" / "providers" / name))
    assert r.returncode == 0, r.stderr
    assert "OK" in r.stdout


def test_shipped_mcp_example_is_valid_and_its_policy_tests_pass():
    r = run("config", "check", str(ROOT / "examples" / "mcp" / "portcullis.yaml"))
    assert r.returncode == 0, r.stderr
    r = run("policy", "test", str(ROOT / "examples" / "mcp" / "tests.yaml"))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "8 passed, 0 failed" in r.stdout, r.stdout


def test_config_check_names_file_line_key_and_expectation():
    bad = Path(tempfile.mkdtemp()) / "bad.yaml"
    text = (ROOT / "examples" / "portcullis.yaml").read_text().replace("  port: 8443", "  port: 8443\n  prot: 1", 1)
    bad.write_text(text)
    r = run("config", "check", str(bad))
    assert r.returncode == 2
    line = next(i for i, l in enumerate(text.splitlines(), 1) if l.startswith("  prot:"))
    assert f"{bad}:{line}:" in r.stderr and "server.prot" in r.stderr and "unknown key 'prot'" in r.stderr


def test_example_policies_pass_their_tests():
    r = run("policy", "test", str(ROOT / "examples" / "policies" / "tests.yaml"))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 failed" in r.stdout


def test_shipped_delegation_example_is_valid_and_its_policy_tests_pass():
    r = run("config", "check", str(ROOT / "examples" / "delegation" / "portcullis.yaml"))
    assert r.returncode == 0, r.stderr
    r = run("policy", "test", str(ROOT / "examples" / "delegation" / "tests.yaml"))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "7 passed, 0 failed" in r.stdout, r.stdout
