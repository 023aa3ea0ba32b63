#!/usr/bin/env python3
"""bf16 rounding goldens (samples/bf16/) for vitopt's bf16 precision, from PyTorch's own conversion.

    .venv/bin/pip install torch numpy
    .venv/bin/python samples/gen_bf16.py

  round_input.npy       float32 [4096]: values that stress round-to-nearest-even — exact ties (low 16 bits 0x8000)
                        on odd and even bf16 significands, one ulp either side of a tie, random normals at many
                        scales, fp32 denormals, the largest finite values (which round to infinity), ±0, ±inf, NaNs
  round_torch_bits.npy  int32 [4096]: the bf16 bit pattern (0...65535) of `torch.from_numpy(x).to(torch.bfloat16)`
  round_torch_f16_bits.npy  int32 [4096]: the IEEE half bit pattern of `torch.from_numpy(x).to(torch.float16)`
                        (what `vitopt convert --dtype f16` must write)
"""

from pathlib import Path

import numpy as np
import torch

OUT = Path(__file__).resolve().parent / "bf16"


def inputs():
    rng = np.random.default_rng(15)
    n = 4096
    hi = rng.integers(0, 1 << 16, size=n, dtype=np.uint32)   # any sign, exponent, 7-bit significand
    low = rng.choice(np.array([0x8000, 0x7FFF, 0x8001, 0x0000, 0xFFFF, 0x4000], dtype=np.uint32), size=n)
    bits = (hi << 16) | low
    x = bits.view(np.float32).copy()
    normals = rng.standard_normal(1024).astype(np.float32) * np.float32(10.0) ** rng.integers(-30, 30, 1024).astype(np.float32)
    x[:1024] = normals
    specials = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, np.finfo(np.float32).max, -np.finfo(np.float32).max,
                         np.finfo(np.float32).tiny, 1e-40, -1e-42, 1.0, -1.0], dtype=np.float32)
    x[1024:1024 + len(specials)] = specials
    return x


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    x = inputs()
    b = torch.from_numpy(x).to(torch.bfloat16).view(torch.int16).numpy().astype(np.int32) & 0xFFFF
    np.save(OUT / "round_input.npy", x)
    np.save(OUT / "round_torch_bits.npy", b.astype(np.int32))
    h = torch.from_numpy(x).to(torch.float16).view(torch.int16).numpy().astype(np.int32) & 0xFFFF
    np.save(OUT / "round_torch_f16_bits.npy", h.astype(np.int32))
    ties = int(np.sum((x.view(np.uint32) & 0xFFFF) == 0x8000))
    print(f"wrote {len(x)} values ({ties} exact ties) to {OUT}; torch {torch.__version__}")


if __name__ == "__main__":
    main()
