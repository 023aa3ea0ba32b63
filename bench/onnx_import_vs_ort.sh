#!/bin/sh
# fp32 latency of an imported ViT-B/16 ONNX export against ONNX Runtime on the same file, and against
# the same model built from safetensors, in one sitting.
#
#   vitopt create vit_base_patch16_224 → timm (strict load) → torch.onnx.export (TorchScript, opset 17)
#   → vitopt bench model.onnx | vitopt bench model.safetensors | onnxruntime (same threads, batch)
#
# Usage: bench/onnx_import_vs_ort.sh [threads] [batch] [runs]     (VENV=/opt/venv to use that venv)
set -eu
THREADS=${1:-2}
BATCH=${2:-1}
RUNS=${3:-10}
VENV=${VENV:-.venv-bench}
PY="$VENV/bin/python"
[ -x "$PY" ] || { echo "no Python venv at $VENV (set VENV=…; it needs torch timm onnx onnxruntime safetensors)" >&2; exit 1; }
OUT=${OUT:-out/bench-onnx}
mkdir -p "$OUT"
swift build -c release >/dev/null
VITOPT=.build/release/vitopt
if [ ! -f "$OUT/vitb.onnx" ]; then
$VITOPT create vit_base_patch16_224 "$OUT/vitb.safetensors" --seed 1 >/dev/null
"$PY" - "$OUT" <<'PY'
import sys, torch, timm
from safetensors.torch import load_file
out = sys.argv[1]
m = timm.create_model("vit_base_patch16_224", pretrained=False, num_classes=1000).eval()
m.load_state_dict(load_file(f"{out}/vitb.safetensors"), strict=True)
x = torch.randn(1, 3, 224, 224)
torch.onnx.export(m, (x,), f"{out}/vitb.onnx", dynamo=False, opset_version=17, input_names=["pixel_values"],
                  output_names=["logits"], dynamic_axes={"pixel_values": {0: "batch"}, "logits": {0: "batch"}})
PY
fi
# Interleaved rounds (vitopt on the ONNX file, vitopt on the safetensors file, ONNX Runtime on the ONNX file), so
# load from other processes hits all three alike; each figure is the best round median.
ROUNDS=${ROUNDS:-5}
"$PY" - "$OUT" "$THREADS" "$BATCH" "$RUNS" "$ROUNDS" "$VITOPT" <<'PY'
import json, subprocess, sys, time
import numpy as np, onnxruntime as ort
out, threads, batch, runs, rounds, vitopt = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
o = ort.SessionOptions(); o.intra_op_num_threads = threads; o.inter_op_num_threads = 1
s = ort.InferenceSession(f"{out}/vitb.onnx", o, providers=["CPUExecutionProvider"])
x = np.random.default_rng(7).standard_normal((batch, 3, 224, 224), dtype=np.float32)
for _ in range(2): s.run(None, {"pixel_values": x})
def vit(model):
    r = subprocess.run([vitopt, "bench", f"{out}/{model}", "--batch", str(batch), "--threads", str(threads),
                        "--runs", str(runs), "--warmup", "1", "--json"], check=True, capture_output=True, text=True)
    return json.loads(r.stdout)["rows"][0]["fp32_median_ms"]
res = {"onnx": [], "st": [], "ort": []}
for r in range(rounds):
    res["onnx"].append(vit("vitb.onnx"))
    res["st"].append(vit("vitb.safetensors"))
    t = []
    for _ in range(runs):
        t0 = time.perf_counter(); s.run(None, {"pixel_values": x}); t.append((time.perf_counter() - t0) * 1e3)
    res["ort"].append(float(np.median(t)))
    print(f"  round {r + 1}: vitopt onnx {res['onnx'][-1]:.1f} ms, vitopt safetensors {res['st'][-1]:.1f} ms, ORT {res['ort'][-1]:.1f} ms", flush=True)
a, b, c = min(res["onnx"]), min(res["st"]), min(res["ort"])
print(f"ViT-B/16 fp32, batch {batch}, {threads} threads, best of {rounds} round medians ({runs} runs each):")
print(f"  vitopt (imported ONNX)   {a:8.1f} ms")
print(f"  vitopt (safetensors)     {b:8.1f} ms   imported/safetensors = {a / b:.3f}")
print(f"  ONNX Runtime {ort.__version__:10s} {c:8.1f} ms   vitopt-onnx/ORT = {a / c:.3f}")
PY
