#!/usr/bin/env bash
# Creates the pinned training venv (.venv-intent, git-ignored) and trains the intent classifier.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="$repo/.venv-intent"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r "$here/requirements.txt"
fi
exec "$venv/bin/python" "$here/train.py" --repo "$repo" "$@"
