#!/usr/bin/env bash
# Starts glewlwyd (a production OIDC server, Debian package) on loopback and provisions it for the identity
# end-to-end tests: an OIDC plugin with an RS256 signing key and DPoP, a scope `llm`, confidential clients
# `batch-service` (client_credentials and password), `rag-api` (a workload: client_credentials) and `rag-web` (the
# app users sign in to: password grant), and a user `alice` with groups.
#
#   tests/identity/glewlwyd.sh start WORKDIR   -> writes WORKDIR/env (ISSUER, TOKEN_URL, ...) and WORKDIR/glewlwyd.pid
#   tests/identity/glewlwyd.sh rotate WORKDIR  -> new first signing key (old one kept second), prints the new kid
#   tests/identity/glewlwyd.sh stop WORKDIR
#
# Needs: glewlwyd rnbyc jq sqlite3 curl openssl (installed with apt-get when missing and running as root).
set -euo pipefail

cmd=${1:?usage: glewlwyd.sh start|rotate|stop WORKDIR}
work=${2:?usage: glewlwyd.sh start|rotate|stop WORKDIR}
mkdir -p "$work"
work=$(cd "$work" && pwd)

need() {
    local missing=()
    for tool in glewlwyd rnbyc jq sqlite3 curl openssl; do command -v "$tool" >/dev/null || missing+=("$tool"); done
    if ((${#missing[@]})); then
        if [ "$(id -u)" = 0 ]; then
            DEBIAN_FRONTEND=noninteractive apt-get install -y glewlwyd rnbyc jq sqlite3 curl openssl >/dev/null
        else
            echo "missing: ${missing[*]} (apt-get install glewlwyd rnbyc jq sqlite3)" >&2
            exit 1
        fi
    fi
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

api() {  # api METHOD PATH [JSON]
    local method=$1 path=$2 body=${3:-}
    local args=(-sS -o "$work/last-response" -w '%{http_code}' -b "$work/cookies" -c "$work/cookies" -X "$method"
        "$BASE/api$path")
    [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
    local code
    code=$(curl "${args[@]}")
    if [[ $code != 2* ]]; then
        echo "glewlwyd $method $path -> $code: $(cat "$work/last-response")" >&2
        return 1
    fi
}

# A JWKS with one new RSA key (kid given) in glewlwyd's private format, alg RS256.
new_key() {
    local kid=$1
    openssl genrsa -out "$work/$kid.pem" 2048 2>/dev/null
    rnbyc -j -f "$work/$kid.pem" -k "$kid" -o "$work/$kid.jwks" -p /dev/null -n 0 >/dev/null
    jq -c '.keys[0] + {alg: "RS256", use: "sig"}' "$work/$kid.jwks"
}

start() {
    need
    [ -f "$work/glewlwyd.pid" ] && kill "$(cat "$work/glewlwyd.pid")" 2>/dev/null || true
    rm -f "$work/glewlwyd.db" "$work/cookies"
    local port=${GLEWLWYD_PORT:-$(free_port)}
    BASE="http://127.0.0.1:$port"
    zcat /usr/share/doc/glewlwyd/database/init.sqlite3.sql.gz | sqlite3 "$work/glewlwyd.db"
    # The database user backend stores only properties listed in its data-format: add `group`.
    sqlite3 "$work/glewlwyd.db" "UPDATE g_user_module_instance SET gumi_parameters =
        json_set(gumi_parameters, '$.\"data-format\".group',
                 json('{\"multiple\":true,\"read\":true,\"write\":true,\"profile-read\":true,\"profile-write\":false}'))
        WHERE gumi_name = 'database';"
    cat >"$work/glewlwyd.conf" <<CONF
port=$port
bind_address="127.0.0.1"
external_url="$BASE"
login_url="login.html"
api_prefix="api"
allow_origin="*"
log_mode="file"
log_level="INFO"
log_file="$work/glewlwyd.log"
cookie_secure=0
session_key="GLEWLWYD2_SESSION_ID"
admin_session_authentication="cookie,api_key"
profile_session_authentication="cookie"
login_api_enabled=true
admin_scope="g_admin"
profile_scope="g_profile"
user_module_path="/usr/lib/glewlwyd/user"
client_module_path="/usr/lib/glewlwyd/client"
user_auth_scheme_module_path="/usr/lib/glewlwyd/scheme"
plugin_module_path="/usr/lib/glewlwyd/plugin"
hash_algorithm="SHA512"
database = { type = "sqlite3"; path = "$work/glewlwyd.db"; };
CONF
    glewlwyd --config-file="$work/glewlwyd.conf" >"$work/glewlwyd.out" 2>&1 &
    echo $! >"$work/glewlwyd.pid"
    for _ in $(seq 1 100); do
        curl -s -o /dev/null "$BASE/api/auth/scheme/" && break
        sleep 0.1
    done
    api POST /auth/ '{"username":"admin","password":"password"}'

    api POST /scope/ '{"name":"other","display_name":"Other API","description":"a token for another API","password_required":false,"scheme":{}}'
    api POST /scope/ '{"name":"llm","display_name":"LLM access","description":"call models through Portcullis","password_required":false,"scheme":{}}'

    local key issuer="$BASE/api/oidc"
    key=$(new_key rsa-1)
    # DPoP (draft 07 in glewlwyd 2.7.5): a `DPoP` proof sent to /token is checked (typ, alg, jwk, jti once per
    # client, htm, htu = ISSUER/token, iat within oauth-dpop-iat-duration) and the access token gets
    # `cnf: {jkt}` (RFC 7638 thumbprint) and token_type DPoP. glewlwyd does that even with oauth-dpop-allowed
    # false (then the iat window is 0 s); `true` advertises dpop_signing_alg_values_supported in discovery.
    local plugin
    plugin=$(jq -nc --arg iss "$issuer" --arg jwks "{\"keys\":[$key]}" '{
        module: "oidc", name: "oidc", display_name: "OIDC", enabled: true,
        parameters: {
          iss: $iss, "jwt-type": "rsa", "jwt-key-size": "256", "jwks-private": $jwks, "jwks-show": true,
          "access-token-duration": 3600, "refresh-token-duration": 1209600, "code-duration": 600,
          "refresh-token-rolling": false, "allow-non-oidc": true,
          "auth-type-code-enabled": true, "auth-type-token-enabled": false, "auth-type-id-token-enabled": true,
          "auth-type-none-enabled": false, "auth-type-password-enabled": true, "auth-type-client-enabled": true,
          "auth-type-device-enabled": false, "auth-type-refresh-enabled": true,
          "subject-type": "public", "scope": [],
          "resource-allowed": true, "resource-scope": {"llm": ["https://portcullis.test"]}, "resource-scope-and-client-property": false,
          "additional-parameters": [{"user-parameter": "group", "token-parameter": "groups", "token-changed": false}],
          "client-pubkey-parameter": "", "client-jwks-parameter": "", "client-jwks_uri-parameter": "",
          "oauth-dpop-allowed": true, "oauth-dpop-iat-duration": 60, "oauth-dpop-nonce-mandatory": false,
          "request-parameter-allow": false, "pkce-allowed": false,
          "introspection-revocation-allowed": false, "register-client-allowed": false, "session-management-allowed": false
        }}')
    api POST /mod/plugin/ "$plugin"

    api POST '/client/?source=database' '{
        "client_id": "batch-service", "name": "Batch service", "enabled": true, "confidential": true,
        "password": "batch-secret-123", "scope": ["llm", "other"], "redirect_uri": ["http://127.0.0.1/cb"],
        "authorization_type": ["client_credentials", "password", "refresh_token"],
        "token_endpoint_auth_method": ["client_secret_basic", "client_secret_post"]}'
    # Delegation: the RAG API authenticates as itself (client_credentials) and carries the token alice got
    # through the RAG web app (password grant); glewlwyd names that app in the user token's `client_id`.
    api POST '/client/?source=database' '{
        "client_id": "rag-api", "name": "RAG API", "enabled": true, "confidential": true,
        "password": "rag-api-secret-123", "scope": ["llm"], "redirect_uri": ["http://127.0.0.1/cb"],
        "authorization_type": ["client_credentials"],
        "token_endpoint_auth_method": ["client_secret_basic", "client_secret_post"]}'
    api POST '/client/?source=database' '{
        "client_id": "rag-web", "name": "RAG web app", "enabled": true, "confidential": true,
        "password": "rag-web-secret-123", "scope": ["llm", "other"], "redirect_uri": ["http://127.0.0.1/cb"],
        "authorization_type": ["password", "refresh_token"],
        "token_endpoint_auth_method": ["client_secret_basic", "client_secret_post"]}'
    api POST '/user/?source=database' '{
        "username": "alice", "name": "Alice Adams", "email": "alice@example.test", "enabled": true,
        "password": "alice-password-123", "scope": ["llm", "other", "g_profile", "openid"], "group": ["eng", "ml-team"]}'

    # A stable subject for alice (glewlwyd draws a random one per database otherwise).
    sqlite3 "$work/glewlwyd.db" "INSERT INTO gpo_subject_identifier (gposi_plugin_name, gposi_username, gposi_client_id, gposi_sub)
        VALUES ('oidc', 'alice', NULL, 'alice-sub-0001');" 2>/dev/null || true

    cat >"$work/env" <<ENV
GLEWLWYD_BASE=$BASE
ISSUER=$issuer
TOKEN_URL=$issuer/token
JWKS_URL=$issuer/jwks
AUDIENCE=https://portcullis.test
CLIENT_ID=batch-service
CLIENT_SECRET=batch-secret-123
WORKLOAD_ID=rag-api
WORKLOAD_SECRET=rag-api-secret-123
USER_APP_ID=rag-web
USER_APP_SECRET=rag-web-secret-123
USERNAME=alice
PASSWORD=alice-password-123
ENV
    echo "glewlwyd ready at $BASE (issuer $issuer)"
}

rotate() {
    # shellcheck disable=SC1091
    source "$work/env"
    BASE=$GLEWLWYD_BASE
    api POST /auth/ '{"username":"admin","password":"password"}'
    api GET /mod/plugin/oidc
    local kid key
    kid="rsa-$(date +%s%N)"
    key=$(new_key "$kid")
    # New key first (glewlwyd signs with the first key), previous key kept second so issued tokens stay valid.
    jq -c --argjson new "$key" '.parameters."jwks-private" |= (fromjson | {keys: ([$new] + .keys)[0:2]} | tojson)' \
        "$work/last-response" >"$work/plugin.json"
    api PUT /mod/plugin/oidc "$(cat "$work/plugin.json")"
    api PUT /mod/plugin/oidc/reset
    echo "$kid"
}

stop() {
    [ -f "$work/glewlwyd.pid" ] && kill "$(cat "$work/glewlwyd.pid")" 2>/dev/null || true
    rm -f "$work/glewlwyd.pid"
}

case $cmd in
start) start ;;
rotate) rotate ;;
stop) stop ;;
*) echo "unknown command $cmd" >&2; exit 2 ;;
esac
