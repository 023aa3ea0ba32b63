#!/usr/bin/env bash
# Writes the model seeds of the safetensors, onnx and hdf5 fuzz targets by converting two tiny
# sample models (samples/distill/tiny-ls: no class token, LayerScale; samples/distill/tiny-dist:
# DeiT-distilled) with vitopt itself, so each carries vitopt's metadata and loads on its own.
#   Fuzz/scripts/convert_seeds.sh [path/to/vitopt]     (default: the debug build)
# Not needed by CI: the seeds are committed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
V="$(realpath "${1:-.build/debug/vitopt}")"
ROOT="$PWD"
W="$(mktemp -d)"
trap 'rm -rf "$W"' EXIT
for m in tiny-ls tiny-dist; do
    mkdir -p "$W/$m"/{timm,hf,onnx,h5,tf,q}
    cp "samples/distill/$m/model.safetensors" "samples/distill/$m/config.json" "samples/distill/$m/input.npy" "$W/$m/"
done
cd "$W"
v() { "$V" "$@" >/dev/null; }
v convert tiny-ls/model.safetensors tiny-ls/timm/model.safetensors --naming timm
v convert tiny-dist/model.safetensors tiny-dist/hf/model.safetensors --naming hf
v convert tiny-ls/model.safetensors tiny-ls/onnx/model.onnx
v quantize tiny-ls/model.safetensors tiny-ls/q/model.int8.onnx
v quantize tiny-ls/model.safetensors tiny-ls/q/model.static8.onnx --calibrate tiny-ls/input.npy
v convert tiny-ls/model.safetensors tiny-ls/h5/model.h5
v convert tiny-dist/model.safetensors tiny-dist/tf/tf_model.h5 --naming hf-tf
S="$ROOT/Fuzz"
cp tiny-ls/timm/model.safetensors "$S/safetensors/seeds/valid-tiny-ls-timm.safetensors"
cp tiny-dist/hf/model.safetensors "$S/safetensors/seeds/valid-tiny-dist-hf.safetensors"
cp tiny-ls/model.safetensors "$S/safetensors/seeds/tiny-ls-no-metadata.safetensors"
mkdir -p "$S/onnx/seeds"
cp tiny-ls/onnx/model.onnx "$S/onnx/seeds/valid-tiny-ls.onnx"
cp tiny-ls/q/model.int8.onnx "$S/onnx/seeds/valid-tiny-ls.int8.onnx"
cp tiny-ls/q/model.static8.onnx "$S/onnx/seeds/valid-tiny-ls.static8.onnx"
cp tiny-ls/h5/model.h5 "$S/hdf5/seeds/valid-tiny-ls-plain.h5"
cp tiny-dist/tf/tf_model.h5 "$S/hdf5/seeds/valid-tiny-dist-keras.h5"
cd "$ROOT"
# Small ONNX files from samples/: opset 11 and 17 operator tests, torch.onnx exports (dynamo), int8.
cp samples/onnx-ops/ops11.onnx "$S/onnx/seeds/valid-ops11.onnx"
cp samples/onnx-ops/ops17.onnx "$S/onnx/seeds/valid-ops17.onnx"
cp samples/onnxint8/tiny_qint8_per_channel.onnx "$S/onnx/seeds/valid-ort-qint8-per-channel.onnx"
cp samples/digits/onnx/dynamo.onnx "$S/onnx/seeds/dynamo.onnx"
