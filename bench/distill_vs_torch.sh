#!/usr/bin/env bash
# Training throughput, vitopt distill vs PyTorch eager CPU, same student/batch/threads, one sitting.
#
#   bash bench/distill_vs_torch.sh
#
# Environment (optional): THREADS="1 2", BATCH=64, DEPTH=3, ROUNDS=2 (peer order alternates),
# VENV=.venv-bench (bench/setup.sh; VENV=/opt/venv reuses one), SCRATCH=.build-release (SwiftPM scratch path).
# The workload: the digits teacher (samples/digits/timm, depth 6) distilled into a depth-DEPTH student
# (layers copied from the teacher), Hinton KD (alpha 0.9, T 2), AdamW, clipping; teacher forward included.
# vitopt's figure is the median per-step images/s from its --log after 5 warm-up steps; PyTorch's the median over its
# timed steps. On a machine shared with other work the medians swing with the load, so the fastest step of each
# ("best", the least disturbed) is reported beside them.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
THREADS="${THREADS:-1 2}"; BATCH="${BATCH:-64}"; DEPTH="${DEPTH:-3}"; ROUNDS="${ROUNDS:-2}"
VENV="${VENV:-.venv-bench}"; export VENV
OUT=out/bench/distill; mkdir -p "$OUT"
SCRATCH="${SCRATCH:-.build-release}"; VITOPT="$SCRATCH/release/vitopt"
echo "== machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
swift build -c release --scratch-path "$SCRATCH" >/dev/null
bash bench/setup.sh
PY="$VENV/bin/python"
vitopt_run() {  # threads -> images/s
    local t=$1 log="$OUT/vitopt_t$1.jsonl"
    "$VITOPT" distill --teacher samples/digits/timm/model.safetensors --data samples/digits/train_pixels.npy \
        --labels samples/digits/train_y.npy --out "$OUT/student.safetensors" --student-depth "$DEPTH" --epochs 2 \
        --batch "$BATCH" --alpha 0.9 --temperature 2 --threads "$t" --latency-runs 0 --log "$log" >/dev/null 2>&1
    "$PY" -c "import json,sys,statistics as s; r=[d['images_per_s'] for d in map(json.loads, open('$log')) if 'images_per_s' in d][5:]; print(f'{s.median(r):.1f}/{max(r):.1f}')"
}
torch_run() {
    "$PY" bench/distill_torch.py --depth "$DEPTH" --batch "$BATCH" --threads "$1" --steps 40 | \
        "$PY" -c "import json,sys; d=json.loads(sys.stdin.read()); print(f\"{d['images_per_s']:.1f}/{d['best_images_per_s']:.1f}\")"
}
declare -A V P
for (( r = 1; r <= ROUNDS; r++ )); do
    for t in $THREADS; do
        if (( r % 2 == 1 )); then v=$(vitopt_run "$t"); p=$(torch_run "$t"); else p=$(torch_run "$t"); v=$(vitopt_run "$t"); fi
        echo "  round $r threads $t: vitopt $v img/s, PyTorch $p img/s (median/best step), load $(cut -d' ' -f1 /proc/loadavg)"
        V[$t]="${V[$t]:-} $v"; P[$t]="${P[$t]:-} $p"
    done
done
echo "== median over rounds of the median step, and the best step of all rounds (training images/s, batch $BATCH,"
echo "   depth-$DEPTH student, teacher forward included)"
echo "threads | vitopt median | PyTorch median | ratio | vitopt best | PyTorch best | ratio"
for t in $THREADS; do
    "$PY" -c "
import statistics as s
v=[tuple(map(float,x.split('/'))) for x in '${V[$t]}'.split()]; p=[tuple(map(float,x.split('/'))) for x in '${P[$t]}'.split()]
vm=s.median(a for a,_ in v); pm=s.median(a for a,_ in p); vb=max(b for _,b in v); pb=max(b for _,b in p)
print(f'{$t:7d} | {vm:13.1f} | {pm:14.1f} | {vm/pm:5.2f} | {vb:11.1f} | {pb:12.1f} | {vb/pb:5.2f}')"
done
