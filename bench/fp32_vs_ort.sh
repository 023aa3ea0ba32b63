#!/usr/bin/env bash
# Side-by-side fp32 latency: vitopt vs ONNX Runtime vs PyTorch eager, ViT-B/16 at 224,
# batch 1, measured in one sitting with the peers interleaved.
#
#   bash bench/fp32_vs_ort.sh
#
# Environment (all optional):
#   RUNS=20        timed runs per measurement
#   WARMUP=3       untimed warm-up runs per measurement
#   ROUNDS=2       how many times each (peer, threads) cell is measured; the rounds alternate
#                  the peer order (vitopt, ORT, PyTorch, then PyTorch, ORT, vitopt, ...)
#   THREADS="1 2"  thread counts
#   VENV=.venv-bench   Python environment (created by bench/setup.sh; VENV=/opt/venv reuses one)
#   FRESH=1        re-create the checkpoint and re-export the ONNX file
#
# Everything it writes goes under out/bench/. Exit status is non-zero if vitopt's logits do not
# match ONNX Runtime's on the same input (max-abs diff > 1e-4 x max|logit|).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

RUNS="${RUNS:-20}"
WARMUP="${WARMUP:-3}"
ROUNDS="${ROUNDS:-2}"
THREADS="${THREADS:-1 2}"
THREADS="${THREADS//,/ }"
VENV="${VENV:-.venv-bench}"
FRESH="${FRESH:-0}"
export VENV

ARCH=vit_base_patch16_224
OUT=out/bench
MODEL="$OUT/$ARCH.safetensors"
ONNX="$OUT/$ARCH.onnx"
RAW="$OUT/raw"
SCRATCH=.build-release
VITOPT="$SCRATCH/release/vitopt"

say() { printf '\n== %s\n' "$*"; }

for v in RUNS WARMUP ROUNDS; do
    [[ "${!v}" =~ ^[0-9]+$ ]] || { echo "error: $v must be a non-negative integer, got '${!v}'" >&2; exit 2; }
done
(( RUNS >= 1 && ROUNDS >= 1 )) || { echo "error: RUNS and ROUNDS must be at least 1" >&2; exit 2; }

say "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "RUNS=$RUNS WARMUP=$WARMUP ROUNDS=$ROUNDS THREADS='$THREADS' VENV=$VENV"

say "building vitopt (release, --scratch-path $SCRATCH)"
swift build -c release --scratch-path "$SCRATCH"

mkdir -p "$OUT"
if [[ "$FRESH" == 1 ]]; then rm -f "$MODEL" "$ONNX" "$OUT/config.json"; fi
if [[ -f "$MODEL" && -f "$OUT/config.json" ]]; then
    say "reusing $MODEL"
else
    say "creating $MODEL"
    "$VITOPT" create "$ARCH" "$MODEL" --seed 0 --classes 1000
fi

say "python environment"
bash bench/setup.sh
PY="$VENV/bin/python"

say "ONNX export (if needed) and reference logits"
"$PY" bench/ort_fp32.py --model "$MODEL" --onnx "$ONNX" --prepare-only \
    --input-npy "$OUT/input.npy" --logits-npy "$OUT/ort_logits.npy" > "$OUT/reference.json"
cat "$OUT/reference.json"

say "logit check: vitopt run vs ONNX Runtime on the same input"
"$VITOPT" run "$MODEL" --input "$OUT/input.npy" --output "$OUT/vitopt_logits.npy" --threads 1 >/dev/null
CHECK_OK=1
"$PY" - "$OUT/vitopt_logits.npy" "$OUT/ort_logits.npy" <<'PY' | tee "$OUT/logit_check.txt" || CHECK_OK=0
import sys
import numpy as np
v, o = np.load(sys.argv[1]), np.load(sys.argv[2])
if v.shape != o.shape:
    print(f"logit check: FAIL, shapes differ: vitopt {v.shape} vs ORT {o.shape}")
    sys.exit(1)
diff = float(np.abs(v.astype(np.float64) - o.astype(np.float64)).max())
scale = float(np.abs(o).max())
tol = 1e-4 * scale
ok = diff <= tol
agree = bool((v.argmax(-1) == o.argmax(-1)).all())
print(f"logit check: shape {list(o.shape)}, max|vitopt - ORT| = {diff:.3e}, max|logit| = {scale:.4f}, "
      f"tolerance 1e-4 x max|logit| = {tol:.3e}, top-1 agree: {agree} -> {'PASS' if ok else 'FAIL'}")
sys.exit(0 if ok else 1)
PY

say "timing: $ROUNDS round(s) x threads {$THREADS} x {vitopt, ORT, PyTorch}, $RUNS runs + $WARMUP warm-up each"
rm -rf "$RAW"
mkdir -p "$RAW"

measure() {  # peer threads round
    local peer=$1 t=$2 r=$3 f="$RAW/r$3_t$2_$1.json"
    case "$peer" in
        vitopt) "$VITOPT" bench "$MODEL" --batch 1 --threads "$t" --runs "$RUNS" --warmup "$WARMUP" --json > "$f" ;;
        ort|torch) "$PY" bench/ort_fp32.py --model "$MODEL" --onnx "$ONNX" --threads "$t" --peers "$peer" \
                       --runs "$RUNS" --warmup "$WARMUP" --no-reference > "$f" 2>"$f.log" ;;
    esac
    "$PY" - "$f" "$peer" "$t" "$r" <<'PY'
import json, sys
f, peer, t, r = sys.argv[1:]
lines = [json.loads(l) for l in open(f) if l.strip()]
if peer == "vitopt":
    row = lines[-1]["rows"][0]; med, p90 = row["fp32_median_ms"], row["fp32_p90_ms"]
else:
    row = [l for l in lines if l.get("kind") == "row"][0]; med, p90 = row["median_ms"], row["p90_ms"]
print(f"  round {r}  threads {t}  {peer:7s} median {med:8.1f} ms   p90 {p90:8.1f} ms")
PY
}

for (( r = 1; r <= ROUNDS; r++ )); do
    if (( r % 2 == 1 )); then order="vitopt ort torch"; else order="torch ort vitopt"; fi
    for t in $THREADS; do
        for p in $order; do measure "$p" "$t" "$r"; done
    done
done

say "results (load average now $(cut -d' ' -f1-3 /proc/loadavg))"
"$PY" - "$RAW" "$RUNS" "$WARMUP" <<'PY' | tee "$OUT/table.txt"
import glob, json, os, re, statistics, sys
raw, runs, warmup = sys.argv[1], sys.argv[2], sys.argv[3]
cells = {}  # (threads, peer) -> list of (round, median, p90)
for f in sorted(glob.glob(os.path.join(raw, "r*_t*_*.json"))):
    m = re.match(r"r(\d+)_t(\d+)_(\w+)\.json$", os.path.basename(f))
    r, t, peer = int(m[1]), int(m[2]), m[3]
    lines = [json.loads(l) for l in open(f) if l.strip()]
    if peer == "vitopt":
        row = lines[-1]["rows"][0]; med, p90 = row["fp32_median_ms"], row["fp32_p90_ms"]
    else:
        row = [l for l in lines if l.get("kind") == "row"][0]; med, p90 = row["median_ms"], row["p90_ms"]
    cells.setdefault((t, peer), []).append((r, med, p90))

threads = sorted({t for t, _ in cells})
rounds = sorted({r for v in cells.values() for r, _, _ in v})
peers = [("vitopt", "vitopt"), ("ort", "ORT"), ("torch", "PyTorch")]

print(f"per round (median / p90 ms, {runs} runs after {warmup} warm-up):")
print("round | threads | " + " | ".join(f"{n:>17s}" for _, n in peers) + " | vitopt/ORT")
for r in rounds:
    for t in threads:
        vals = {p: next(((m, q) for rr, m, q in cells.get((t, p), []) if rr == r), None) for p, _ in peers}
        cols = [f"{v[0]:8.1f} /{v[1]:7.1f}" if v else f"{'-':>17s}" for v in vals.values()]
        ratio = f"{vals['vitopt'][0] / vals['ort'][0]:10.2f}" if vals["vitopt"] and vals["ort"] else f"{'-':>10s}"
        print(f"{r:5d} | {t:7d} | " + " | ".join(cols) + " | " + ratio)

def agg(t, p):
    v = [m for _, m, _ in cells.get((t, p), [])]
    return statistics.median(v) if v else None

print()
print(f"final (median over {len(rounds)} round(s) of each round's median; batch 1, fp32, same sitting):")
hdr = ["threads", "vitopt median ms", "ORT median ms", "PyTorch median ms", "vitopt/ORT ratio"]
print(" | ".join(hdr))
print(" | ".join("-" * len(h) for h in hdr))
for t in threads:
    v, o, p = agg(t, "vitopt"), agg(t, "ort"), agg(t, "torch")
    fmt = lambda x, w: f"{x:{w}.1f}" if x is not None else f"{'-':>{w}s}"
    ratio = f"{v / o:{len(hdr[4])}.2f}" if v and o else f"{'-':>{len(hdr[4])}s}"
    print(" | ".join([f"{t:{len(hdr[0])}d}", fmt(v, len(hdr[1])), fmt(o, len(hdr[2])), fmt(p, len(hdr[3])), ratio]))
print("(ratio < 1: vitopt is faster than ONNX Runtime; > 1: slower)")
PY

echo
cat "$OUT/logit_check.txt"
echo "raw JSON: $RAW/, reference: $OUT/reference.json, table: $OUT/table.txt"
if (( CHECK_OK == 0 )); then
    echo "error: vitopt's logits do not match ONNX Runtime's; the timings above compare different computations" >&2
    exit 1
fi
