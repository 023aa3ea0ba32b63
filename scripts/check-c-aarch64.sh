#!/usr/bin/env bash
# Compiles every C kernel target for aarch64 Linux (syntax and semantics, -Wall -Werror; nothing is
# linked or run), so x86-only code left outside its `#if defined(__x86_64__)` guard fails here rather
# than on an ARM machine. Uses the Swift toolchain's clang and Debian's arm64 cross libc headers
# (libc6-dev-arm64-cross, installed by `make deps`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SWIFT_BIN="$(dirname "$(command -v "${SWIFT:-swift}")")"
CLANG="${CLANG:-$SWIFT_BIN/clang}"
SYSROOT_INC=/usr/aarch64-linux-gnu/include
[[ -x "$CLANG" ]] || { echo "error: no clang beside swift (looked for $CLANG)" >&2; exit 1; }
[[ -d "$SYSROOT_INC" ]] || { echo "error: $SYSROOT_INC missing: install libc6-dev-arm64-cross (make deps)" >&2; exit 1; }
count=0
# Every C target with sources (the system-library shims have none); CVecMath is the shared header they include; CBF16GEMM includes CFloatGEMM's header; the AMX kernels include CAMXTiles'.
for target in Sources/C*/; do
    target="${target%/}"
    compgen -G "$target/*.c" >/dev/null || continue
    for f in "$target"/*.c; do
        "$CLANG" --target=aarch64-linux-gnu -isystem "$SYSROOT_INC" -fsyntax-only -Wall -Werror \
            -I"$target/include" -I"$target" -ISources/CVecMath/include -ISources/CFloatGEMM/include -ISources/CAMXTiles/include "$f"
        count=$((count + 1))
    done
done
echo "aarch64: $count C files compile cleanly"
