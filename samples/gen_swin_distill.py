#!/usr/bin/env python3
"""Gradient goldens for vitopt's Swin students (issue #14), in samples/distill/:

  tiny-swin/        timm `SwinTransformer` (img 16, patch 2, embed 8, depths (2, 2), heads (1, 2), window 2,
                    mlp_ratio 2, 5 classes): both stages are 8x8 / 4x4 grids in 2x2 windows, every second block
                    shifted by 1 (the -100 mask in both stages). Saved with timm's `save_for_hf`.
  tiny-swin-model/  transformers `SwinModel` (img 16, patch 2, embed 8, depths [2, 2], heads [2, 2], window 4):
                    stage 0 an 8x8 grid in 4x4 windows shifted by 2, stage 1 a 4x4 grid where the window is
                    clamped to the grid and the shift dropped; headless, so the cosine objective on
                    `pooler_output`. Saved with `save_pretrained`.

One training step each, exactly as samples/gen_distill.py's family cases (`_family_step`: the batch of 4, the
Hinton loss with labels at alpha 0.5, T 2, or the cosine objective; clip_grad_norm_ 0.5; AdamW lr 1e-2, weight
decay 0.05 on the matrices except the relative position bias tables, as timm's `param_groups_weight_decay` with
`SwinTransformer.no_weight_decay()`): `grads.safetensors` (autograd's gradient of every parameter, the bias
tables included, under the file's own names) and `after_step.safetensors`.

Run from the repository root: `/work/venv/bin/python samples/gen_swin_distill.py` (a few seconds).
"""

import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gen_distill as D  # noqa: E402
import generate as G  # noqa: E402

# Stochastic depth off (both libraries default to drop_path_rate 0.1): vitopt trains without it, as without dropout.
TIMM_ARGS = dict(img_size=16, patch_size=2, embed_dim=8, depths=(2, 2), num_heads=(1, 2), window_size=2, mlp_ratio=2.0,
                 num_classes=5, drop_path_rate=0.0)
HF_ARGS = dict(image_size=16, patch_size=2, embed_dim=8, depths=[2, 2], num_heads=[2, 2], window_size=4, mlp_ratio=2.0,
               drop_path_rate=0.0)


def timm_swin_case(name, seed):
    import timm
    from timm.models._hub import save_for_hf

    torch.manual_seed(seed)
    model = timm.create_model("swin_tiny_patch4_window7_224", pretrained=False, **TIMM_ARGS)
    D._perturb(model, seed + 100)

    def save(out):
        out.mkdir(parents=True, exist_ok=True)
        save_for_hf(model, str(out), model_args=dict(TIMM_ARGS), safe_serialization=True)

    no_decay = set(model.no_weight_decay())
    assert all("relative_position_bias_table" in k for k in no_decay) and len(no_decay) == 4, no_decay
    D._family_step(name, model, save, no_decay, seed)


def hf_swin_model_case(name, seed):
    from transformers import SwinConfig, SwinModel

    torch.manual_seed(seed)
    model = SwinModel(SwinConfig(**HF_ARGS))
    no_decay = {k for k, _ in model.named_parameters() if "relative_position_bias_table" in k}
    assert len(no_decay) == 4, no_decay
    D._hf_case(name, model, no_decay, seed, "cosine")


def main():
    G.setup_torch()
    timm_swin_case("tiny-swin", 21)
    hf_swin_model_case("tiny-swin-model", 22)


if __name__ == "__main__":
    main()
