#!/usr/bin/env bash
# Side-by-side int8 latency and accuracy, ViT-B/16 at 224, batch 1: vitopt int8 (and fp32) vs
# ONNX Runtime quantize_dynamic (QInt8) vs PyTorch quantize_dynamic, interleaved in one sitting;
# then the logit cosine of vitopt int8 and ORT int8 against fp32 on the same inputs. Also: ORT running
# vitopt's own int8 ONNX export (per-tensor), and vitopt running ORT's int8 file.
#
#   bash bench/int8_vs_ort.sh
#
# Environment (optional): RUNS=20 WARMUP=3 THREADS="1 2" ROUNDS=2 VENV=.venv-bench (VENV=/opt/venv
# reuses an existing one; bench/setup.sh creates it) FRESH=1 (re-create checkpoint and exports).
# Writes under out/bench/int8/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUNS="${RUNS:-20}"; WARMUP="${WARMUP:-3}"; ROUNDS="${ROUNDS:-2}"; THREADS="${THREADS:-1 2}"; THREADS="${THREADS//,/ }"
VENV="${VENV:-.venv-bench}"; FRESH="${FRESH:-0}"; export VENV
bash bench/setup.sh
PY="$VENV/bin/python"
swift build -c release >&2
BIN=.build/release/vitopt
OUT=out/bench/int8; mkdir -p "$OUT"
CKPT="$OUT/vit_base.safetensors"; FP32="$OUT/vit_base.onnx"; INT8="$OUT/vit_base.int8.onnx"; Q="$OUT/vit_base.int8.safetensors"
if [[ "$FRESH" = 1 || ! -f "$INT8" ]]; then
  "$BIN" create vit_base_patch16_224 "$CKPT" --seed 0
  "$PY" bench/ort_int8.py export "$CKPT" "$FP32" "$INT8"
fi
[[ "$FRESH" = 1 || ! -f "$Q" ]] && "$BIN" quantize "$CKPT" "$Q"
VQ="$OUT/vit_base.vitopt.int8.onnx"
[[ "$FRESH" = 1 || ! -f "$VQ" ]] && "$BIN" quantize "$CKPT" "$VQ" --activations per-tensor

# This sitting's measurements only (the summary below reads them).
: > "$OUT/results.jsonl"
for round in $(seq "$ROUNDS"); do
  for t in $THREADS; do
    order="vitopt ort torch ort_on_vitopt vitopt_on_ort"; (( round % 2 == 0 )) && order="vitopt_on_ort ort_on_vitopt torch ort vitopt"
    for peer in $order; do
      case $peer in
        vitopt) "$BIN" bench "$CKPT" --batch 1 --threads "$t" --runs "$RUNS" --warmup "$WARMUP" --json | tee -a "$OUT/results.jsonl" ;;
        ort) OMP_NUM_THREADS=$t "$PY" bench/ort_int8.py ort "$INT8" "$t" "$RUNS" "$WARMUP" | tee -a "$OUT/results.jsonl" ;;
        torch) OMP_NUM_THREADS=$t "$PY" bench/ort_int8.py torch "$CKPT" "$t" "$RUNS" "$WARMUP" | tee -a "$OUT/results.jsonl" ;;
        ort_on_vitopt) OMP_NUM_THREADS=$t "$PY" bench/ort_int8.py ort "$VQ" "$t" "$RUNS" "$WARMUP" ort_on_vitopt_int8_onnx | tee -a "$OUT/results.jsonl" ;;
        vitopt_on_ort) "$BIN" bench "$INT8" --batch 1 --threads "$t" --runs "$RUNS" --warmup "$WARMUP" --json | tee -a "$OUT/results.jsonl" ;;
      esac
    done
  done
done

# Accuracy on the same 8 inputs: vitopt fp32/int8 and ORT fp32/int8 logits.
"$PY" -c "import numpy as np; np.save('$OUT/x.npy', np.random.default_rng(1).standard_normal((8,3,224,224), dtype=np.float32))"
"$BIN" run "$CKPT" --input "$OUT/x.npy" --output "$OUT/vitopt_fp32.npy"
"$BIN" run "$Q" --input "$OUT/x.npy" --output "$OUT/vitopt_int8.npy"
"$PY" bench/ort_int8.py logits "$FP32" "$INT8" "$OUT/x.npy" "$OUT/ort"
# The same int8 ONNX file (vitopt's per-tensor export) run by vitopt and by ORT; and ORT's file run by vitopt.
"$BIN" run "$VQ" --input "$OUT/x.npy" --output "$OUT/vitopt_on_vq.npy"
"$BIN" run "$INT8" --input "$OUT/x.npy" --output "$OUT/vitopt_on_ort_int8.npy"
"$PY" - "$OUT" "$VQ" <<'PYEOF'
import sys, numpy as np, onnxruntime as ort
d, vq = sys.argv[1:3]
s = ort.InferenceSession(vq, providers=["CPUExecutionProvider"])
np.save(f"{d}/ort_on_vq.npy", s.run(None, {"pixel_values": np.load(f"{d}/x.npy")})[0])
def cos(a, b): return float(np.min(np.sum(a * b, 1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))))
for mine, theirs, what in (("vitopt_on_vq", "ort_on_vq", "vitopt's int8 ONNX"), ("vitopt_on_ort_int8", "ort_int8", "ORT's int8 ONNX")):
    a, b = np.load(f"{d}/{mine}.npy"), np.load(f"{d}/{theirs}.npy")
    print(f"{what}, vitopt vs ORT on the same file: max abs {np.abs(a - b).max():.3g}, min cosine {cos(a, b):.7f}")
PYEOF
"$PY" - "$OUT" <<'PYEOF'
import sys, numpy as np
d = sys.argv[1]
def cos(a, b): return float(np.mean(np.sum(a * b, 1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))))
ref = np.load(f"{d}/ort_fp32.npy")
print(f"fp32 check: vitopt vs ORT fp32 max abs diff {np.abs(np.load(f'{d}/vitopt_fp32.npy') - ref).max():.3g}")
print(f"logit cosine vs fp32 on 8 random inputs: vitopt int8 {cos(np.load(f'{d}/vitopt_int8.npy'), ref):.6f}, "
      f"ORT int8 {cos(np.load(f'{d}/ort_int8.npy'), ref):.6f}")
PYEOF

# The sitting's table: per thread count, the median over the rounds of each round's median.
"$PY" - "$OUT/results.jsonl" "$CKPT" "$INT8" <<'PYEOF'
import json, sys, statistics
path, ckpt, int8 = sys.argv[1:4]
cells = {}
for line in open(path):
    line = line.strip()
    if not line.startswith("{"):
        continue
    r = json.loads(line)
    if "rows" in r:
        row = r["rows"][0]
        who = "vitopt" if r["model"] == ckpt else "vitopt_on_ort"
        cells.setdefault((who, row["threads"]), []).append(row["int8_median_ms"])
        if who == "vitopt":
            cells.setdefault(("vitopt_fp32", row["threads"]), []).append(row["fp32_median_ms"])
    else:
        cells.setdefault((r["peer"], r["threads"]), []).append(r["median_ms"])
med = lambda who, t: statistics.median(cells[(who, t)]) if (who, t) in cells else float("nan")
print("\nfinal (median over rounds of each round's median; batch 1, same sitting):")
print("threads | vitopt int8 ms | ORT int8 ms | PyTorch int8 ms | vitopt/ORT | vitopt fp32 ms | int8 speedup | vitopt on ORT's file | ORT on vitopt's file")
for t in sorted({t for _, t in cells}):
    v, o = med("vitopt", t), med("ort_int8", t)
    print(f"{t:7d} | {v:14.1f} | {o:11.1f} | {med('torch_int8', t):15.1f} | {v / o:10.2f} | "
          f"{med('vitopt_fp32', t):14.1f} | {med('vitopt_fp32', t) / v:11.2f}x | {med('vitopt_on_ort', t):20.1f} | "
          f"{med('ort_on_vitopt_int8_onnx', t):20.1f}")
PYEOF
