#!/usr/bin/env bash
# ViT-B/16 at 224, batch 1: vitopt (fp32, bf16, dynamic int8, static int8) beside OpenVINO (f32 hint, the
# plugin's default precision, NNCF int8), ONNX Runtime (fp32, quantize_dynamic, quantize_static QDQ) and
# PyTorch eager fp32, interleaved in one sitting; prints the CPU (model, ISA flags, OpenVINO's view) first.
#
#   bash bench/openvino_vs_vitopt.sh
#
# Environment (optional): RUNS=20 WARMUP=3 THREADS="1 2" ROUNDS=3 VENV=.venv-bench (needs openvino and nncf
# besides bench/requirements.txt: `$VENV/bin/pip install openvino nncf`) FRESH=1 (re-create the models).
# Calibration for every static int8 peer: the same 32 random-normal images (calib.npy). Writes under out/bench/openvino/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUNS="${RUNS:-20}"; WARMUP="${WARMUP:-3}"; ROUNDS="${ROUNDS:-3}"; THREADS="${THREADS:-1 2}"; THREADS="${THREADS//,/ }"
VENV="${VENV:-.venv-bench}"; FRESH="${FRESH:-0}"; export VENV
bash bench/setup.sh
PY="$VENV/bin/python"
"$PY" -c "import openvino, nncf" 2>/dev/null || "$VENV/bin/pip" install -q openvino nncf
[[ -n "${BIN:-}" ]] || { swift build -c release --product vitopt >&2; BIN=.build/release/vitopt; }
OUT=out/bench/openvino; mkdir -p "$OUT"
CKPT="$OUT/vit_base.safetensors"; FP32="$OUT/vit_base.onnx"; ORTDYN="$OUT/vit_base.ort_dynamic.onnx"
CAL="$OUT/calib.npy"; QD="$OUT/vit_base.int8.safetensors"; QS="$OUT/vit_base.static8.safetensors"
if [[ "$FRESH" = 1 || ! -f "$OUT/vit_base.nncf_int8.xml" ]]; then
  "$BIN" create vit_base_patch16_224 "$CKPT" --seed 0
  "$PY" bench/ort_int8.py export "$CKPT" "$FP32" "$ORTDYN"
  "$PY" -c "import numpy as np; np.save('$CAL', np.random.default_rng(3).standard_normal((32,3,224,224), dtype=np.float32))"
  "$PY" bench/ov_peers.py prepare "$FP32" "$CAL" "$OUT"
  "$BIN" quantize "$CKPT" "$QD"
fi
# A vitopt without static int8 (BIN=an older build) still measures the rest.
[[ -f "$QS" ]] || "$BIN" quantize "$CKPT" "$QS" --calibrate "$CAL" || echo "note: $BIN has no static int8; vitopt_static skipped" >&2
echo "cpu: $("$PY" bench/ov_peers.py cpu)"

: > "$OUT/results.jsonl"
PEERS="vitopt vitopt_static ov_f32 ov_default ov_nncf ort_fp32 ort_dynamic ort_static torch_fp32"
for round in $(seq "$ROUNDS"); do
  for t in $THREADS; do
    order="$PEERS"; (( round % 2 == 0 )) && order="$(echo $PEERS | tr ' ' '\n' | tac | tr '\n' ' ')"
    for peer in $order; do
      case $peer in
        vitopt) "$BIN" bench "$CKPT" --batch 1 --threads "$t" --runs "$RUNS" --warmup "$WARMUP" --precision bf16 --json | tee -a "$OUT/results.jsonl" ;;
        vitopt_static) [[ -f "$QS" ]] && "$BIN" bench "$QS" --batch 1 --threads "$t" --runs "$RUNS" --warmup "$WARMUP" --json | sed 's/^{/{"static":1,/' | tee -a "$OUT/results.jsonl" ;;
        ov_f32) "$PY" bench/ov_peers.py ov "$FP32" "$t" "$RUNS" "$WARMUP" f32 ov_f32 | tee -a "$OUT/results.jsonl" ;;
        ov_default) "$PY" bench/ov_peers.py ov "$FP32" "$t" "$RUNS" "$WARMUP" default ov_default | tee -a "$OUT/results.jsonl" ;;
        ov_nncf) "$PY" bench/ov_peers.py ov "$OUT/vit_base.nncf_int8.xml" "$t" "$RUNS" "$WARMUP" default ov_nncf_int8 | tee -a "$OUT/results.jsonl" ;;
        ort_fp32) OMP_NUM_THREADS=$t "$PY" bench/ov_peers.py ort "$FP32" "$t" "$RUNS" "$WARMUP" ort_fp32 | tee -a "$OUT/results.jsonl" ;;
        ort_dynamic) OMP_NUM_THREADS=$t "$PY" bench/ov_peers.py ort "$ORTDYN" "$t" "$RUNS" "$WARMUP" ort_dynamic_int8 | tee -a "$OUT/results.jsonl" ;;
        ort_static) OMP_NUM_THREADS=$t "$PY" bench/ov_peers.py ort "$OUT/vit_base.ort_static.onnx" "$t" "$RUNS" "$WARMUP" ort_static_int8 | tee -a "$OUT/results.jsonl" ;;
        torch_fp32) OMP_NUM_THREADS=$t "$PY" bench/ov_peers.py torch "$CKPT" "$t" "$RUNS" "$WARMUP" | tee -a "$OUT/results.jsonl" ;;
      esac
    done
  done
done

# Accuracy on 8 held-out random inputs: every int8 peer's logit cosine against ORT fp32.
"$PY" -c "import numpy as np; np.save('$OUT/x.npy', np.random.default_rng(1).standard_normal((8,3,224,224), dtype=np.float32))"
"$BIN" run "$QD" --input "$OUT/x.npy" --output "$OUT/vitopt_dynamic.npy"
[[ -f "$QS" ]] && "$BIN" run "$QS" --input "$OUT/x.npy" --output "$OUT/vitopt_static.npy"
"$PY" bench/ov_peers.py logits "$FP32" "$OUT/x.npy" "$OUT/ort_fp32.npy" ort
"$PY" bench/ov_peers.py logits "$ORTDYN" "$OUT/x.npy" "$OUT/ort_dynamic.npy" ort
"$PY" bench/ov_peers.py logits "$OUT/vit_base.ort_static.onnx" "$OUT/x.npy" "$OUT/ort_static.npy" ort
"$PY" bench/ov_peers.py logits "$OUT/vit_base.nncf_int8.xml" "$OUT/x.npy" "$OUT/ov_nncf.npy" ov

"$PY" - "$OUT" "$CKPT" <<'PYEOF'
import json, sys, statistics
import numpy as np
d, ckpt = sys.argv[1:3]
ref = np.load(f"{d}/ort_fp32.npy")
def cos(a): return float(np.mean(np.sum(a * ref, 1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(ref, axis=1))))
import os
print("logit cosine vs ORT fp32, 8 random inputs: " + ", ".join(f"{n} {cos(np.load(f'{d}/{n}.npy')):.6f}"
      for n in ("vitopt_dynamic", "vitopt_static", "ort_dynamic", "ort_static", "ov_nncf") if os.path.exists(f"{d}/{n}.npy")))
cells, used = {}, {}
for line in open(f"{d}/results.jsonl"):
    line = line.strip()
    if not line.startswith("{"):
        continue
    r = json.loads(line)
    if "rows" in r:
        row = r["rows"][0]
        if r.get("static"):
            cells.setdefault(("vitopt_static_int8", row["threads"]), []).append(row["int8_median_ms"])
        else:
            for k, name in (("fp32_median_ms", "vitopt_fp32"), ("bf16_median_ms", "vitopt_bf16"), ("int8_median_ms", "vitopt_dynamic_int8")):
                if k in row:
                    cells.setdefault((name, row["threads"]), []).append(row[k])
    else:
        cells.setdefault((r["peer"], r["threads"]), []).append(r["median_ms"])
        if "ov_precision" in r:
            used[r["peer"]] = r["ov_precision"]
print("OpenVINO inference precision used: " + ", ".join(f"{k} {v}" for k, v in sorted(used.items())))
names = sorted({n for n, _ in cells})
print("\nmedian over rounds of each round's median, ms (batch 1, one sitting); ratio = peer / vitopt of the same precision class")
for t in sorted({t for _, t in cells}):
    print(f"threads {t}:")
    for n in names:
        if (n, t) in cells:
            print(f"  {n:22s} {statistics.median(cells[(n, t)]):8.1f}   (rounds: {', '.join(f'{v:.1f}' for v in cells[(n, t)])})")
PYEOF
