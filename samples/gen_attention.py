#!/usr/bin/env python3
"""Attention-map goldens (samples/attention/) for `vitopt attention`, from timm's own attention probabilities.

    .venv/bin/pip install torch timm pillow numpy
    .venv/bin/python samples/gen_attention.py

For the digits teacher (samples/digits/timm) and two PNGs, and for the DeiT fixture (class + distillation
tokens, samples/deit-distilled) on the first image of samples/inputs/batch224.npy, every block's attention
module runs with `fused_attn = False` and a forward hook on `attn_drop` records softmax(q·kᵀ·scale):

  <name>_heads.npy    float32 [heads, rows, cols]: the last block's class-token row over the patch tokens
                      (prefix tokens left out), per head
  <name>_rollout.npy  float32 [rows, cols]: attention rollout, per block Ã = (mean over heads + I) / 2 with rows
                      renormalised, R = Ã_L ··· Ã_1 (computed in float64 from the fp32 probabilities), the class
                      token's row over the patch tokens
"""

from pathlib import Path

import numpy as np
import timm
import torch
from PIL import Image

ROOT = Path(__file__).resolve().parent
OUT = ROOT / "attention"


def attention_maps(model, x, prefix):
    probs = []
    hooks = []
    for block in model.blocks:
        block.attn.fused_attn = False
        hooks.append(block.attn.attn_drop.register_forward_hook(lambda m, i, o: probs.append(o.detach())))
    with torch.no_grad():
        model(x)
    for h in hooks:
        h.remove()
    heads = probs[-1][0, :, 0, prefix:].numpy()
    tokens = probs[0].shape[-1]
    result = np.eye(tokens)
    for p in probs:
        a = p[0].double().mean(0).numpy() + np.eye(tokens)
        a = a / 2
        a = a / a.sum(-1, keepdims=True)
        result = a @ result
    rollout = result[0, prefix:]
    return heads, rollout


def save(name, heads, rollout, grid):
    np.save(OUT / f"{name}_heads.npy", heads.reshape(heads.shape[0], *grid).astype(np.float32))
    np.save(OUT / f"{name}_rollout.npy", rollout.reshape(*grid).astype(np.float32))


def main():
    torch.manual_seed(0)
    OUT.mkdir(exist_ok=True)
    digits = timm.create_model("local-dir:" + str(ROOT / "digits/timm"), pretrained=True).eval()
    for label, k in [(3, 0), (7, 1)]:
        png = np.asarray(Image.open(ROOT / f"digits/images/{label}/{k}.png").convert("RGB"), dtype=np.float32)
        x = torch.from_numpy(((png / 255.0 - 0.5) / 0.5).transpose(2, 0, 1).copy())[None]
        heads, rollout = attention_maps(digits, x, prefix=1)
        save(f"digits_{label}_{k}", heads, rollout, (8, 8))

    deit = timm.create_model("deit_tiny_distilled_patch16_224", embed_dim=24, depth=2, num_heads=3, num_classes=7)
    from safetensors.torch import load_file
    deit.load_state_dict(load_file(ROOT / "deit-distilled/model.safetensors"))
    deit.eval()
    x = torch.from_numpy(np.load(ROOT / "inputs/batch224.npy").astype(np.float32)[:1])
    heads, rollout = attention_maps(deit, x, prefix=2)
    save("deit_distilled", heads, rollout, (14, 14))
    for p in sorted(OUT.glob("*.npy")):
        print(p.name, np.load(p).shape)


if __name__ == "__main__":
    main()
