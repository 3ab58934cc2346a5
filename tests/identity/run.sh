#!/usr/bin/env bash
# Runs the glewlwyd end-to-end identity tests in their own venv. PORTCULLIS_BIN defaults to the debug build.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# scripts/test passes its e2e venv (openai, pytest, PyJWT with cryptography); standalone runs make their own.
# PyJWT + cryptography sign the DPoP proofs (PyJWT pinned as in tests/e2e/requirements.txt).
venv=${PORTCULLIS_VENV:-$root/.venv-identity}
if [ ! -x "$venv/bin/pytest" ] || ! "$venv/bin/python" -c "import openai, jwt, cryptography" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "openai==3.57.0" "pytest==8.4.2" "pyjwt[crypto]==2.10.1" "cryptography==51.0.1"
fi
export PORTCULLIS_BIN=${PORTCULLIS_BIN:-$root/.build/debug/portcullis}
exec "$venv/bin/pytest" -q "$root/tests/identity/test_glewlwyd.py" "$@"
