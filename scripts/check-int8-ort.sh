#!/usr/bin/env bash
# Runs the int8 .onnx files vitopt writes in ONNX Runtime and prints their logit cosine against the
# fp32 goldens (PyTorch / ONNX Runtime fp32 on the same inputs, committed under samples/): the
# torch.onnx TorchScript and dynamo exports of the digits teacher, the Optimum-style HF ViT export,
# and the DeiT-distilled and timm-variants checkpoints, each with per-token and per-tensor activations.
# Fails when a cosine is below MIN_COSINE (0.999) or ONNX Runtime refuses a file.
#
#   bash scripts/check-int8-ort.sh
#
# Environment (optional): VENV (default /work/venv when it exists, else .venv-bench; created with
# onnxruntime and numpy when missing), VITOPT (the binary; default .build/release/vitopt, built when
# missing), MIN_COSINE. Not part of CI (CI has no Python); the Swift suite Int8RouteTests checks the
# same files in vitopt's own runtime. Writes under out/int8-ort/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [[ -z "${VENV:-}" ]]; then
    if [[ -x /work/venv/bin/python ]]; then VENV=/work/venv; else VENV=.venv-bench; fi
fi
[[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
if ! "$VENV/bin/python" -c 'import onnxruntime, numpy' 2>/dev/null; then
    "$VENV/bin/python" -m pip install --quiet onnxruntime numpy
fi
BIN="${VITOPT:-.build/release/vitopt}"
[[ -x "$BIN" ]] || swift build -c release >&2
OUT=out/int8-ort
rm -rf "$OUT"; mkdir -p "$OUT"

# model | input | fp32 golden
cases=(
    "digits/onnx/torchscript.onnx|digits/onnx_input.npy|digits/onnx_logits.npy"
    "digits/onnx/dynamo.onnx|digits/onnx_input.npy|digits/onnx_logits_dynamo.npy"
    "hf-vit/onnx/model.onnx|inputs/batch224.npy|hf-vit/onnx/logits_ort.npy"
    "deit-distilled/model.safetensors|inputs/batch224.npy|deit-distilled/logits.npy"
    "timm-variants/model.safetensors|timm-variants/input.npy|timm-variants/logits.npy"
)
list="$OUT/cases.txt"
: > "$list"
for c in "${cases[@]}"; do
    IFS='|' read -r model input golden <<< "$c"
    for act in per-token per-tensor; do
        file="$OUT/$(echo "$model" | tr '/' '_' | sed 's/\.[a-z]*$//').$act.int8.onnx"
        "$BIN" quantize "samples/$model" "$file" --activations "$act" > /dev/null
        echo "$model|$act|$file|samples/$input|samples/$golden" >> "$list"
    done
done

MIN_COSINE="${MIN_COSINE:-0.999}" "$VENV/bin/python" - "$list" <<'PY'
import os, sys
import numpy as np, onnxruntime as ort
print(f"onnxruntime {ort.__version__}: vitopt's int8 ONNX files, logit cosine against fp32")
print(f"{'model':34} {'activations':11} {'min cosine':>11} {'mean cosine':>12} {'max abs err':>12} {'top-1 agree':>11}")
worst = 1.0
for line in open(sys.argv[1]):
    model, act, path, x, golden = line.strip().split("|")
    s = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    y = s.run(None, {s.get_inputs()[0].name: np.load(x).astype(np.float32)})[0].astype(np.float64)
    ref = np.load(golden).astype(np.float64)
    cos = np.sum(y * ref, 1) / (np.linalg.norm(y, axis=1) * np.linalg.norm(ref, axis=1))
    agree = np.mean(np.argmax(y, 1) == np.argmax(ref, 1))
    worst = min(worst, float(cos.min()))
    print(f"{model:34} {act:11} {cos.min():11.6f} {cos.mean():12.6f} {np.abs(y - ref).max():12.4g} {agree:11.0%}")
limit = float(os.environ["MIN_COSINE"])
print(f"worst {worst:.6f} (limit {limit})")
sys.exit(0 if worst >= limit else 1)
PY
