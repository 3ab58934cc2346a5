"""A test OAuth token endpoint implementing RFC 8693 token exchange (and the client-credentials grant) for the
end-to-end tests of the gateway as an exchange client. In-process: a threaded HTTP server on a loopback port.

    endpoint = TokenEndpoint(client_id="portcullis", client_secret="s3cret")
    endpoint.url                      # http://127.0.0.1:PORT/oauth2/token
    endpoint.requests(since=mark)     # every request received, parsed (see `record`)
    endpoint.expires_in = 2           # lifetime of the tokens it issues from now on (None: no expires_in)
    endpoint.issue = "jwt"            # "opaque" (xch-<n>) or "jwt" (an HS256 JWT whose exp is now + lifetime)
    endpoint.mode = "error"           # "ok", "error" (400 invalid_grant), "drop" (close without answering)
    endpoint.stop(); endpoint.start() # down, and back on the same port

Client authentication is checked (`client_secret_basic` — RFC 6749 §2.3.1, id and secret form-decoded after
base64 — or `client_secret_post`); a wrong or missing one is answered 401 `invalid_client`. Issued tokens are
`xch-<n>` (exchanges) and `gw-<n>` (client credentials), n counting every token issued; `issued_to(token)` says
for which subject token one was issued.
"""
from __future__ import annotations

import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote_plus

import jwt

EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"
JWT_KEY = "token-endpoint-test-key-0123456789abcdef"


class TokenEndpoint:
    def __init__(self, client_id: str = "portcullis", client_secret: str = "s3cret", expires_in: int | None = 300,
                 issue: str = "opaque"):
        self.client_id = client_id
        self.client_secret = client_secret
        self.expires_in = expires_in
        self.issue = issue
        self.mode = "ok"
        self._lock = threading.Lock()
        self._records: list[dict] = []
        self._issued: dict[str, str] = {}
        self._count = 0
        self.port = 0
        self.server: ThreadingHTTPServer | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/oauth2/token"

    # --- lifecycle ----------------------------------------------------------------------------------------

    def start(self) -> None:
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                endpoint._handle(self)

        ThreadingHTTPServer.allow_reuse_address = True
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    # --- what it received -----------------------------------------------------------------------------------

    def record(self) -> list[dict]:
        """Every request, in order: {"path", "headers" (lower-case), "form" (name → value, last wins), "names" (in
        order, repeats kept), "client_auth" ("basic", "post" or None), "client_ok", "status", "issued"}."""
        with self._lock:
            return [dict(r) for r in self._records]

    def mark(self) -> int:
        with self._lock:
            return len(self._records)

    def requests(self, since: int = 0) -> list[dict]:
        return self.record()[since:]

    def exchanges(self, since: int = 0) -> list[dict]:
        return [r for r in self.requests(since) if r["form"].get("grant_type") == EXCHANGE_GRANT]

    def issued_to(self, token: str) -> str | None:
        """The subject token a token was issued for."""
        with self._lock:
            return self._issued.get(token)

    # --- the endpoint -------------------------------------------------------------------------------------

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("content-length") or 0)
        raw = h.rfile.read(length).decode()
        pairs = parse_qsl(raw, keep_blank_values=True, strict_parsing=bool(raw))
        form = dict(pairs)
        headers = {k.lower(): v for k, v in h.headers.items()}
        client_auth, client_ok = self._client(headers, form)
        entry = {"path": h.path, "headers": headers, "form": form, "names": [k for k, _ in pairs],
                 "client_auth": client_auth, "client_ok": client_ok, "status": None, "issued": None}
        with self._lock:
            self._records.append(entry)
        mode = self.mode
        if mode == "drop":
            entry["status"] = "dropped"
            h.close_connection = True
            try:
                h.connection.shutdown(2)
            except OSError:
                pass
            return
        if h.path != "/oauth2/token":
            return self._answer(h, entry, 404, {"error": "invalid_request"})
        if headers.get("content-type", "").split(";")[0].strip() != "application/x-www-form-urlencoded":
            return self._answer(h, entry, 400, {"error": "invalid_request"})
        if not client_ok:
            return self._answer(h, entry, 401, {"error": "invalid_client"})
        if mode == "error":
            return self._answer(h, entry, 400, {"error": "invalid_grant",
                                                "error_description": f"subject token {form.get('subject_token', '')[:12]} refused"})
        grant = form.get("grant_type")
        if grant == "client_credentials":
            return self._answer(h, entry, 200, self._token("gw", None))
        if grant != EXCHANGE_GRANT or not form.get("subject_token") or not form.get("subject_token_type"):
            return self._answer(h, entry, 400, {"error": "invalid_request"})
        if form.get("requested_token_type", ACCESS_TOKEN_TYPE) != ACCESS_TOKEN_TYPE:
            return self._answer(h, entry, 400, {"error": "invalid_request"})
        return self._answer(h, entry, 200, self._token("xch", form["subject_token"], form.get("audience")))

    def _client(self, headers: dict, form: dict) -> tuple[str | None, bool]:
        auth = headers.get("authorization", "")
        if auth.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(auth[6:].strip(), validate=True).decode()
                ident, _, secret = decoded.partition(":")
                ok = unquote_plus(ident) == self.client_id and unquote_plus(secret) == self.client_secret
            except (ValueError, UnicodeDecodeError):
                ok = False
            return "basic", ok and "client_secret" not in form
        if "client_secret" in form:
            return "post", form.get("client_id") == self.client_id and form["client_secret"] == self.client_secret
        return None, False

    def _token(self, prefix: str, subject: str | None, audience: str | None = None) -> dict:
        with self._lock:
            self._count += 1
            n = self._count
        lifetime = self.expires_in
        if self.issue == "jwt" and prefix == "xch":
            now = int(time.time())
            token = jwt.encode({"iss": "https://token-endpoint.test", "sub": f"exchanged-{n}", "aud": audience or "any",
                                "iat": now, "exp": now + (lifetime or 300), "jti": f"xch-{n}"}, JWT_KEY, algorithm="HS256")
        else:
            token = f"{prefix}-{n}"
        if subject is not None:
            with self._lock:
                self._issued[token] = subject
        body = {"access_token": token, "issued_token_type": ACCESS_TOKEN_TYPE, "token_type": "Bearer"}
        if lifetime is not None and not (self.issue == "jwt" and prefix == "xch"):
            body["expires_in"] = lifetime
        return body

    def _answer(self, h: BaseHTTPRequestHandler, entry: dict, status: int, body: dict) -> None:
        entry["status"] = status
        entry["issued"] = body.get("access_token")
        data = json.dumps(body).encode()
        h.send_response(status)
        h.send_header("content-type", "application/json")
        h.send_header("cache-control", "no-store")
        h.send_header("content-length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)
