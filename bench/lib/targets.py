"""The processes bench/run measures: the mock upstream, nginx, LiteLLM and Portcullis (two profiles).

Every target speaks the OpenAI chat API on loopback. Each knows its port, the model names it maps to
the three mock behaviours (instant, +50 ms, slow-chunk stream), the headers a caller sends, and the
process ids whose memory counts as the proxy's.
"""
import base64
import json
import os
import signal
import socket
import string
import subprocess
import time
import uuid
from pathlib import Path

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import ec

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
GATEWAY_DIR = REPO / "bench" / "gateway"
STREAM_MODEL = "mock-gpt+chunk=8+delay=200"
PURPOSE = {"x-portcullis-purpose": "summarise", "x-portcullis-data-classification": "public"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, proc, timeout, headers=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[0]} exited with {proc.returncode} (see logs in the work directory)")
        try:
            if requests.get(url, timeout=2, headers=headers or {}).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise TimeoutError(url)


def tree_pids(pid):
    """pid and all its descendants (nginx workers, LiteLLM workers)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return out


def status_kb(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pids):
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total / os.sysconf("SC_CLK_TCK")


class Target:
    def __init__(self, key, label, port, models, headers, proc=None):
        self.key, self.label, self.port = key, label, port
        self.models = models  # {"instant": name, "slow50": name, "stream": name}
        self.headers = headers
        self.proc = proc

    def pids(self):
        return tree_pids(self.proc.pid) if self.proc else []

    def rss_mb(self):
        return sum(status_kb(p, "VmRSS") for p in self.pids()) / 1024.0

    def hwm_mb(self):
        return sum(status_kb(p, "VmHWM") for p in self.pids()) / 1024.0


class Stack:
    """Starts and stops everything; `targets` in measurement order."""

    def __init__(self, binary, work: Path, with_litellm: bool, litellm_python: str | None):
        self.binary, self.work = binary, work
        self.procs, self.logs = [], []
        self.env = dict(os.environ, BENCH_UPSTREAM_KEY="bench-upstream-" + uuid.uuid4().hex,
                        BENCH_AUDIT_KEY=base64.b64encode(os.urandom(32)).decode(),
                        # The mock upstream's default Bedrock test keys (it verifies every SigV4 signature).
                        BENCH_AWS_KEY_ID="AKIDEXAMPLE", BENCH_AWS_SECRET="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        self.token = self._identity()
        try:
            self._start(with_litellm, litellm_python)
        except BaseException:
            self.stop()
            raise

    def _start(self, with_litellm, litellm_python):
        binary = self.binary
        self.mock_port = free_port()
        mock = self._spawn("mock", [binary, "mock-upstream", "--port", str(self.mock_port), "--record-limit", "0"])
        wait_http(f"http://127.0.0.1:{self.mock_port}/v1/models", mock, 60)
        direct_models = {"instant": "mock-gpt", "slow50": "mock-gpt+latency=50", "stream": STREAM_MODEL,
                         "ttft": "mock-gpt"}
        gw_models = {"instant": "bench-model", "slow50": "bench-model-50", "stream": "bench-stream",
                     "ttft": "bench-model"}
        bearer = {"Authorization": f"Bearer {self.token}", **PURPOSE}
        self.targets = [Target("direct", "mock, direct", self.mock_port, direct_models, bearer, mock)]
        self.targets.append(Target("nginx", "nginx proxy", *self._nginx(), direct_models, bearer))
        self.targets[-1].proc = self.procs[-1]
        for profile, label in (("passthrough", "Portcullis passthrough"), ("bedrock", "Portcullis passthrough, Bedrock upstream"),
                               ("full", "Portcullis full"), ("full-postgres", "Portcullis full, PostgreSQL stores")):
            port, proc = self._portcullis(profile)
            self.targets.append(Target(profile, label, port, gw_models, bearer, proc))
        self.litellm = None
        if with_litellm:
            self.litellm = Target("litellm", "LiteLLM proxy", free_port(), gw_models,
                                  {"Authorization": "Bearer sk-bench-master", **PURPOSE})
            self.litellm_python = litellm_python
            self.targets.append(self.litellm)

    def _identity(self):
        key = ec.generate_private_key(ec.SECP256R1())
        kid = "bench-" + uuid.uuid4().hex[:8]
        jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key()))
        jwk.update({"kid": kid, "alg": "ES256", "use": "sig"})
        (self.work / "jwks.json").write_text(json.dumps({"keys": [jwk]}))
        now = int(time.time())
        claims = {"iss": "https://idp.bench.test", "sub": "bench-user", "aud": "portcullis", "iat": now,
                  "nbf": now - 60, "exp": now + 86400, "groups": ["staff", "backend"], "scope": "llm",
                  "client_id": "bench"}
        return jwt.encode(claims, key, algorithm="ES256", headers={"kid": kid, "typ": "at+jwt"})

    def _spawn(self, name, argv, **kw):
        log = open(self.work / f"{name}.log", "w")
        self.logs.append(log)
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=kw.pop("env", self.env), **kw)
        self.procs.append(proc)
        return proc

    def _nginx(self):
        port = free_port()
        tmp = self.work / "nginx"
        tmp.mkdir(exist_ok=True)
        tmp.chmod(0o777)
        conf = f"""worker_processes auto;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 8192; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fcgi; uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
  upstream mock {{ server 127.0.0.1:{self.mock_port}; keepalive 128; }}
  server {{
    listen 127.0.0.1:{port};
    client_max_body_size 1m;
    client_body_buffer_size 64k;
    location / {{
      proxy_pass http://mock;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_read_timeout 300s;
    }}
  }}
}}
"""
        (tmp / "nginx.conf").write_text(conf)
        proc = self._spawn("nginx", ["nginx", "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-g", "daemon off;"])
        wait_http(f"http://127.0.0.1:{port}/v1/models", proc, 30)
        return (port,)

    def _postgres(self):
        """A private PostgreSQL (TLS, verify-full) under the work folder; its DSN in a file for `database.url`."""
        pg = self.work / "postgres"
        port = free_port()
        script = f'source scripts/lib/setup.sh; source scripts/lib/postgres.sh; portcullis_pg_start "{pg}" {port}'
        dsn = subprocess.run(["bash", "-c", script], cwd=REPO, check=True, capture_output=True, text=True).stdout.strip()
        (self.work / "database-url").write_text(dsn)
        self.postgres = pg
        return self.work / "database-url"

    def _portcullis(self, profile):
        port = free_port()
        # full-postgres: the full profile with every store in a shared PostgreSQL database (as a replica would run).
        template = (GATEWAY_DIR / f"{'full' if profile == 'full-postgres' else profile}.yaml").read_text()
        if profile == "full-postgres":
            template = template.replace("audit-full.sqlite", "audit-full-postgres-unused.sqlite")
            template += f"database:\n  url: file:{self._postgres()}\n  replica: bench\n"
        text = string.Template(template).substitute(
            port=port, mock_port=self.mock_port, work=self.work, here=GATEWAY_DIR, repo=REPO,
            stream_model=STREAM_MODEL)
        cfg = self.work / f"portcullis-{profile}.yaml"
        cfg.write_text(text)
        proc = self._spawn(f"portcullis-{profile}", [self.binary, "serve", "--config", str(cfg)])
        wait_http(f"http://127.0.0.1:{port}/healthz", proc, 120)
        return port, proc

    def start_litellm(self):
        t = self.litellm
        cfg = self.work / "litellm.yaml"
        base = f"http://127.0.0.1:{self.mock_port}/v1"
        entries = "".join(
            f"  - model_name: {name}\n    litellm_params: {{model: \"openai/{upstream}\", api_base: {base}, api_key: sk-mock}}\n"
            for name, upstream in (("bench-model", "mock-gpt"), ("bench-model-50", "mock-gpt+latency=50"),
                                   ("bench-stream", STREAM_MODEL)))
        cfg.write_text("model_list:\n" + entries +
                       "general_settings:\n  master_key: sk-bench-master\n"
                       "litellm_settings:\n  drop_params: true\n  telemetry: false\n")
        env = dict(self.env, LITELLM_LOCAL_MODEL_COST_MAP="True", LITELLM_LOG="ERROR")
        litellm_bin = str(Path(self.litellm_python).parent / "litellm")
        t.proc = self._spawn("litellm", [litellm_bin, "--config", str(cfg), "--host", "127.0.0.1",
                                         "--port", str(t.port), "--num_workers", "1"], env=env)
        wait_http(f"http://127.0.0.1:{t.port}/health/liveliness", t.proc, 420)

    def stop_proc(self, proc):
        if proc and proc.poll() is None:
            proc.send_signal(signal.SIGTERM if proc.args[0] != "nginx" else signal.SIGQUIT)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def stop(self):
        for proc in reversed(self.procs):
            self.stop_proc(proc)
        if getattr(self, "postgres", None):
            script = f'source scripts/lib/setup.sh; source scripts/lib/postgres.sh; portcullis_pg_stop "{self.postgres}"'
            subprocess.run(["bash", "-c", script], cwd=REPO, capture_output=True)
        for log in self.logs:
            log.close()
