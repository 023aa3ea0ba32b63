#!/usr/bin/env bash
# vitopt's int8 GEMM on each kernel path this CPU runs (amx, avx512vnni, avx2) beside oneDNN's matmul primitive
# (u8·s8→f32, packed weights; AMX tiles where the CPU has them) on the ViT-B shapes, in one sitting: ROUNDS
# interleaved rounds of `VITOPT_INT8_KERNEL=PATH vitopt bench gemm` and ../shared/bench/peer_matmul.sh, best per
# shape. Prints the CPU model and flags first. Usage: bash bench/int8_gemm.sh   (THREADS=1 ROUNDS=3 REPS=20;
# PATHS="amx avx512vnni"; PEER=path/to/peer_matmul.sh)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
THREADS=${THREADS:-1}; ROUNDS=${ROUNDS:-3}; REPS=${REPS:-20}
PEER=${PEER:-$(ls ../shared/bench/peer_matmul.sh ../../shared/bench/peer_matmul.sh 2>/dev/null | head -n 1 || true)}
[[ -n $PEER ]] || echo "note: no peer_matmul.sh found (set PEER=...): the oneDNN column stays empty" >&2
mkdir -p out/bench
B=.build/release/vitopt
[[ -x $B ]] || swift build -c release >&2
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "flags: $(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|avx512f|avx512_vnni|amx_tile|amx_int8|amx_bf16)$' | tr '\n' ' ')"
# The paths this CPU runs (vitopt refuses a forced path it cannot run).
paths=()
for p in ${PATHS:-amx avx512vnni avx2}; do
    if VITOPT_INT8_KERNEL=$p "$B" bench gemm --threads 1 --reps 1 --json >/dev/null 2>&1; then paths+=("$p"); else echo "note: $p not available here" >&2; fi
done
[[ ${#paths[@]} -gt 0 ]] || { echo "error: none of the int8 paths runs here" >&2; exit 1; }
echo "threads: $THREADS, rounds: $ROUNDS, reps: $REPS, paths: ${paths[*]}"
rm -f out/bench/int8_gemm_*.json
for r in $(seq "$ROUNDS"); do
    for p in "${paths[@]}"; do
        VITOPT_INT8_KERNEL=$p "$B" bench gemm --threads "$THREADS" --reps "$REPS" --json > "out/bench/int8_gemm_vitopt_${p}_$r.json"
    done
    if [[ -n $PEER && -f $PEER ]]; then bash "$PEER" "$THREADS" "$REPS" > "out/bench/int8_gemm_onednn_$r.json" 2>/dev/null || { echo "note: $PEER failed" >&2; rm -f "out/bench/int8_gemm_onednn_$r.json"; }; fi
done
python3 - "$ROUNDS" "${paths[@]}" <<'PY'
import json, sys, glob
rounds, paths = int(sys.argv[1]), sys.argv[2:]
best = {}
def keep(key, shape, v):
    if v is not None: best.setdefault(shape, {})[key] = max(best.get(shape, {}).get(key, 0), v)
for p in paths:
    for f in glob.glob("out/bench/int8_gemm_vitopt_%s_*.json" % p):
        for s in json.load(open(f))["shapes"]: keep(p, (s["M"], s["K"], s["N"]), s.get("int8_gops"))
for f in glob.glob("out/bench/int8_gemm_onednn_*.json"):
    for s in json.load(open(f))["shapes"]: keep("onednn", (s["M"], s["K"], s["N"]), s.get("onednn_matmul_u8s8_gops"))
print("GOP/s, best of %d rounds; ratio = %s / oneDNN u8s8" % (rounds, paths[0]))
print("     M     K     N | " + " ".join("%11s" % p for p in paths) + "      oneDNN  ratio")
for sh in sorted(best, key=lambda s: (s[0], -s[2] * s[1])):
    b = best[sh]; o = b.get("onednn", float("nan"))
    print("%6d %5d %5d | " % sh + " ".join("%11.1f" % b.get(p, float("nan")) for p in paths) + " %11.1f %6.2f" % (o, b.get(paths[0], float("nan")) / o if o == o and o else float("nan")))
PY
