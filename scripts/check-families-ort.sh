#!/usr/bin/env bash
# ONNX Runtime runs vitopt's fp32 and int8 ONNX exports of every model-family fixture and compares them
# with the families' own libraries (scripts/check-families-ort.py says how). Not part of CI.
#
#   bash scripts/check-families-ort.sh
#
# Environment (optional): VENV (default /work/venv when it exists, else .venv-bench; made with onnxruntime
# and numpy when missing), VITOPT (default .build/release/vitopt, built when missing).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [[ -z "${VENV:-}" ]]; then
    if [[ -x /work/venv/bin/python ]]; then VENV=/work/venv; else VENV=.venv-bench; fi
fi
[[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
"$VENV/bin/python" -c 'import onnxruntime, numpy' 2>/dev/null || "$VENV/bin/python" -m pip install --quiet onnxruntime numpy
export VITOPT="${VITOPT:-$ROOT/.build/release/vitopt}"
[[ -x "$VITOPT" ]] || swift build -c release >&2
exec "$VENV/bin/python" scripts/check-families-ort.py
