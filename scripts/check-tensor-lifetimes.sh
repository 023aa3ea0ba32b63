#!/usr/bin/env bash
# Rejects escaping tensor pointers taken from a temporary: `t.asF32().floats`, `f(x).mutableFloats`,
# `t.copy().bytes`, … The temporary is freed at the end of the statement, so the pointer dangles
# (this is how `quantize model.onnx` wrote garbage int8 scales: ONNX initializers are unaligned, so
# `asF32()` copies). Public code uses the scoped API (`withFloats`, `withUnsafeBytes`, …, in
# Sources/Graph/Tensor/Tensor+ScopedAccess.swift); the escaping properties are `package` and only
# valid on a tensor that stays alive. A line whose tensor is owned elsewhere for the pointer's whole
# use (a workspace slot, a caller's buffer) may say so with a trailing `// tensor-lifetime: WHY`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
pattern='\)\.(floats|mutableFloats|rawPointer|mutableRawPointer)\b|\b(asF32|copy|reshaped|permuted|slice|transposed)\([^()]*\)\.bytes\b'
hits=$(grep -rnE "$pattern" Sources --include='*.swift' | grep -v '/Proto/' | grep -v '// tensor-lifetime: ' | grep -vE '^[^:]+:[0-9]+: *//' || true)
if [[ -n "$hits" ]]; then
    echo "error: pointer into a temporary tensor (use withFloats / withUnsafeBytes, or mark the owner with '// tensor-lifetime: WHY'):" >&2
    echo "$hits" >&2
    exit 1
fi
echo "tensor lifetimes: no pointer taken from a temporary"
