#!/usr/bin/env bash
# Installs what Portcullis needs on a fresh Debian machine, only when missing:
#   system packages (Vectorscan for the guardrail scanner, SQLite, OIDC server and tools for e2e tests)
#   and the Python venv with the official SDKs used by the end-to-end tests.
# Sourced by scripts/demo and scripts/test; safe to run repeatedly.
set -euo pipefail

portcullis_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# apt packages: build (vectorscan, sqlite, pkg-config) and e2e (glewlwyd, jq, curl, openssl, python venv,
# PostgreSQL and nginx for the shared stores and the cluster).
portcullis_apt_build=(libvectorscan-dev libsqlite3-dev pkg-config)
portcullis_apt_test=(glewlwyd rnbyc jq sqlite3 curl openssl python3-venv postgresql nginx)

portcullis_apt() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    ((${#missing[@]})) || return 0
    echo "setup: installing ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

portcullis_swift_check() {
    command -v swift >/dev/null || { echo "setup: Swift 6.1+ toolchain not found on PATH" >&2; exit 1; }
}

# The e2e venv: official openai and anthropic SDKs, pytest, PyJWT (test token minting), cedarpy.
portcullis_venv() {
    local venv="$portcullis_root/.venv-e2e"
    local stamp="$venv/.requirements"
    if [ ! -f "$stamp" ] || ! cmp -s "$stamp" "$portcullis_root/tests/e2e/requirements.txt"; then
        echo "setup: creating $venv" >&2
        python3 -m venv "$venv"
        "$venv/bin/pip" install -q --upgrade pip >/dev/null
        "$venv/bin/pip" install -q -r "$portcullis_root/tests/e2e/requirements.txt"
        cp "$portcullis_root/tests/e2e/requirements.txt" "$stamp"
    fi
    echo "$venv"
}
