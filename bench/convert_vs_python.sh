#!/usr/bin/env bash
# Conversion time and peak RSS: vitopt against the Python route, ViT-B/16 (vitopt create
# vit_base_patch16_224, 86.6 M fp32 parameters), measured in one sitting.
#
#   bash bench/convert_vs_python.sh
#
# Legs (each a separate process under /usr/bin/time; wall seconds and peak RSS):
#   safetensors -> plain HDF5 -> safetensors   vitopt convert   vs  safetensors.numpy + h5py
#   safetensors -> tf_model.h5 -> safetensors  vitopt convert   vs  transformers' own PT<->TF conversion
# Every vitopt round trip is checked bit-exact with `vitopt compare`.
#
# Environment (all optional):
#   VENV=.venv-bench     Python with safetensors, h5py, numpy (created and filled if missing;
#                        VENV=/opt/venv reuses an existing one)
#   TF_VENV=/opt/venv-tf Python with transformers<5, tensorflow, tf-keras, torch for the
#                        transformers legs (skipped, and said so, when it is missing)
#   ROUNDS=2             measurements per leg; the best wall time and its RSS are reported
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="${VENV:-.venv-bench}"
TF_VENV="${TF_VENV:-/opt/venv-tf}"
ROUNDS="${ROUNDS:-2}"
OUT=out/bench/convert
VITOPT=.build/release/vitopt
mkdir -p "$OUT"

if [[ ! -x "$VENV/bin/python" ]]; then python3 -m venv "$VENV"; fi
"$VENV/bin/python" -c 'import safetensors, h5py, numpy' 2>/dev/null || "$VENV/bin/python" -m pip install safetensors h5py numpy
swift build -c release >&2

MODEL="$OUT/vit_b16.safetensors"
[[ -f "$MODEL" ]] || "$VITOPT" create vit_base_patch16_224 "$MODEL" >&2
mkdir -p "$OUT/hf" "$OUT/tf-vitopt" "$OUT/tf-py" "$OUT/back-py"
[[ -f "$OUT/hf/model.safetensors" ]] || "$VITOPT" convert "$MODEL" "$OUT/hf/model.safetensors" --naming hf >&2

# measure LABEL CMD...: prints "LABEL  best-wall-s  peak-RSS-MB"
measure() {
    local label="$1"; shift
    local best="" rss=""
    for _ in $(seq "$ROUNDS"); do
        /usr/bin/time -f "%e %M" -o "$OUT/time.txt" "$@" >"$OUT/last.log" 2>&1 || { cat "$OUT/last.log" >&2; return 1; }
        read -r wall kb < "$OUT/time.txt"
        if [[ -z "$best" ]] || awk "BEGIN{exit !($wall < $best)}"; then best=$wall; rss=$kb; fi
    done
    printf '%-52s %8.2f s %9.0f MB\n' "$label" "$best" "$(awk "BEGIN{print $rss/1024}")"
}

echo "ViT-B/16, $(du -m "$MODEL" | cut -f1) MB safetensors; best of $ROUNDS; $(nproc) cores"
printf '%-52s %10s %12s\n' "leg" "wall" "peak RSS"
measure "vitopt  safetensors -> plain HDF5" "$VITOPT" convert "$MODEL" "$OUT/vitopt.h5" --no-config-json
measure "python  safetensors -> plain HDF5 (safetensors+h5py)" "$VENV/bin/python" bench/convert_py.py st2h5 "$MODEL" "$OUT/py.h5"
measure "vitopt  plain HDF5 -> safetensors" "$VITOPT" convert "$OUT/vitopt.h5" "$OUT/vitopt-back.safetensors" --no-config-json
measure "python  plain HDF5 -> safetensors (h5py+safetensors)" "$VENV/bin/python" bench/convert_py.py h52st "$OUT/py.h5" "$OUT/py-back.safetensors"
measure "vitopt  safetensors -> tf_model.h5 (hf-tf)" "$VITOPT" convert "$MODEL" "$OUT/tf-vitopt/tf_model.h5" --naming hf-tf --no-config-json
measure "vitopt  tf_model.h5 -> safetensors (timm)" "$VITOPT" convert "$OUT/tf-vitopt/tf_model.h5" "$OUT/vitopt-tf-back.safetensors" --naming timm --no-config-json
if [[ -x "$TF_VENV/bin/python" ]] && "$TF_VENV/bin/python" -c 'import tensorflow, transformers' 2>/dev/null; then
    export TF_CPP_MIN_LOG_LEVEL=3
    measure "transformers  PT -> TF (from_pt, save_pretrained)" "$TF_VENV/bin/python" bench/convert_py.py pt2tf "$OUT/hf" "$OUT/tf-py" \
        || echo "transformers PT -> TF failed (traceback above)"
    cp "$OUT/hf/config.json" "$OUT/tf-vitopt/config.json"
    measure "transformers  TF -> PT (from_tf, save_pretrained)" "$TF_VENV/bin/python" bench/convert_py.py tf2pt "$OUT/tf-vitopt" "$OUT/back-py" \
        || echo "transformers TF -> PT failed (traceback above)"
else
    echo "transformers legs skipped: no TensorFlow venv at $TF_VENV (see samples/gen_hdf5.py)"
fi
echo
"$VITOPT" compare "$MODEL" "$OUT/vitopt-back.safetensors"
"$VITOPT" compare "$MODEL" "$OUT/vitopt-tf-back.safetensors"
