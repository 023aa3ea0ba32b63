#!/usr/bin/env bash
# Create (or reuse) the Python environment for the fp32 benchmark peers.
#
#   VENV=path   environment to use (default: .venv-bench, relative to the repository root).
#               Point it at an existing venv (e.g. VENV=/opt/venv) to reuse it; nothing is
#               installed there if the required modules already import.
#   PYTHON=...  interpreter used to create a new venv (default: python3).
#
# Packages from bench/requirements.txt are pip-installed only when one of them is missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="${VENV:-.venv-bench}"
PYTHON="${PYTHON:-python3}"
REQS="$ROOT/bench/requirements.txt"

if [[ ! -x "$VENV/bin/python" ]]; then
    echo "setup: creating venv $VENV" >&2
    "$PYTHON" -m venv "$VENV"
fi

check='import torch, timm, onnx, onnxruntime, safetensors.torch, numpy'
if "$VENV/bin/python" -c "$check" 2>/dev/null; then
    echo "setup: $VENV already has torch, timm, onnx, onnxruntime, safetensors, numpy" >&2
else
    echo "setup: installing $REQS into $VENV (torch from PyPI is a large download)" >&2
    "$VENV/bin/python" -m pip install --upgrade pip >&2
    "$VENV/bin/python" -m pip install -r "$REQS" >&2
    "$VENV/bin/python" -c "$check"
fi
"$VENV/bin/python" - >&2 <<'PY'
import numpy, onnx, onnxruntime, safetensors, timm, torch
print(f"setup: torch {torch.__version__}, timm {timm.__version__}, onnx {onnx.__version__}, "
      f"onnxruntime {onnxruntime.__version__}, safetensors {safetensors.__version__}, numpy {numpy.__version__}")
PY
