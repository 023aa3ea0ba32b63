#!/usr/bin/env bash
# vitopt's bf16 GEMM beside its fp32 GEMM and oneDNN's matmul primitive (bf16 and f32, packed weights) on the
# ViT-B shapes, in one sitting: ROUNDS interleaved rounds of `vitopt bench gemm` and ../shared/bench/peer_matmul.sh,
# best per shape; then the VDPBF16PS/VFMADD231PS peak ratio of this core (bench/bf16_peak.c). Prints the CPU model
# and flags first. Usage: bash bench/bf16_gemm.sh   (THREADS=1 ROUNDS=3 REPS=20; PEER=path/to/peer_matmul.sh)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
THREADS=${THREADS:-1}; ROUNDS=${ROUNDS:-3}; REPS=${REPS:-20}
# The peer script lives beside the repository (../shared) or, from a git worktree, one level further up.
PEER=${PEER:-$(ls ../shared/bench/peer_matmul.sh ../../shared/bench/peer_matmul.sh 2>/dev/null | head -n 1 || true)}
[[ -n $PEER ]] || echo "note: no peer_matmul.sh found (set PEER=...): oneDNN columns stay empty" >&2
SWIFT_BIN="$(dirname "$(command -v "${SWIFT:-swift}")")"
mkdir -p out/bench
B=.build/release/vitopt
[[ -x $B ]] || swift build -c release >&2
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "flags: $(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|fma|avx512f|avx512_bf16|avx512_fp16|avx512_vnni|amx_bf16|amx_int8|amx_tile)$' | tr '\n' ' ')"
echo "threads: $THREADS, rounds: $ROUNDS, reps: $REPS"
for r in $(seq "$ROUNDS"); do
    "$B" bench gemm --threads "$THREADS" --reps "$REPS" --json > "out/bench/bf16_gemm_vitopt_$r.json"
    if [[ -n $PEER && -f $PEER ]]; then bash "$PEER" "$THREADS" "$REPS" > "out/bench/bf16_gemm_onednn_$r.json" 2>/dev/null || { echo "note: $PEER failed" >&2; rm -f "out/bench/bf16_gemm_onednn_$r.json"; }; fi
done
"$SWIFT_BIN/clang" -O2 bench/bf16_peak.c -o out/bench/bf16_peak
python3 - "$ROUNDS" <<'PY'
import json, sys, glob
rounds = int(sys.argv[1])
best = {}
def keep(key, shape, v):
    if v is not None: best.setdefault(shape, {})[key] = max(best.get(shape, {}).get(key, 0), v)
for f in glob.glob("out/bench/bf16_gemm_vitopt_*.json"):
    for s in json.load(open(f))["shapes"]:
        sh = (s["M"], s["K"], s["N"])
        keep("vitopt_bf16", sh, s.get("vitopt_bf16_gflops")); keep("vitopt_fp32", sh, s.get("vitopt_fp32_gflops"))
for f in glob.glob("out/bench/bf16_gemm_onednn_*.json"):
    for s in json.load(open(f))["shapes"]:
        sh = (s["M"], s["K"], s["N"])
        keep("onednn_bf16", sh, s.get("onednn_matmul_bf16_gflops")); keep("onednn_f32", sh, s.get("onednn_matmul_f32_gflops"))
print("GFLOP/s, best of %d rounds" % rounds)
print("     M     K     N | vitopt bf16  oneDNN bf16  ratio | vitopt fp32  oneDNN f32 | bf16/fp32 (vitopt)")
for sh in sorted(best, key=lambda s: (s[0], -s[2] * s[1])):
    b = best[sh]; vb, ob, vf, of = (b.get(k, float("nan")) for k in ("vitopt_bf16", "onednn_bf16", "vitopt_fp32", "onednn_f32"))
    print("%6d %5d %5d | %11.1f %12.1f %6.2f | %11.1f %11.1f | %6.2f" % (*sh, vb, ob, vb / ob if ob else float("nan"), vf, of, vb / vf if vf else float("nan")))
PY
echo "peak on one core: $(out/bench/bf16_peak 5)"
