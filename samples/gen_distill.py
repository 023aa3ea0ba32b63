"""Fixtures for vitopt's training engine and `vitopt distill` (imported lazily by generate.py).

  distill/tiny/       a tiny timm ViT (img 16, patch 4, dim 32, depth 2, heads 2, mlp_ratio 2, 5 classes),
                      one batch of 4, the Hinton KD loss (alpha 0.5, T 2) with labels: autograd's
                      gradient of every parameter, and the parameters after clip_grad_norm_ and one AdamW step
  distill/tiny-dist/  the same with a distillation token (timm VisionTransformerDistilled in
                      distilled_training mode) and the DeiT hard objective (alpha 0.5)
  distill/tiny-ls/    LayerScale (init_values 0.1), no class token, global average pooling with fc_norm
                      (so no final norm), dim 16: the Hinton objective, same files (gen_distill_ls)
  digits/train_pixels.npy, train_y.npy   the digits train split as uint8 pixels (same preprocessing as the test split)
"""

import json

import numpy as np
import torch
import torch.nn.functional as F

import generate as G

OUT = G.ROOT / "distill"
TINY_ARGS = {"img_size": 16, "patch_size": 4, "in_chans": 3, "num_classes": 5, "embed_dim": 32, "depth": 2,
             "num_heads": 2, "mlp_ratio": 2.0}
ALPHA, TEMPERATURE = 0.5, 2.0
LR, WEIGHT_DECAY, MAX_NORM = 1e-2, 0.05, 0.5


def _perturb(model, seed):
    """Non-trivial weights: every tensor gets N(0, 0.2^2) noise (LayerNorm weights stay near 1)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for _, p in model.named_parameters():
            p.add_(torch.randn(p.shape, generator=g) * 0.2)


def _hinton(student, teacher, labels):
    ce = F.cross_entropy(student, labels)
    kl = F.kl_div(F.log_softmax(student / TEMPERATURE, -1), F.log_softmax(teacher / TEMPERATURE, -1),
                  reduction="batchmean", log_target=True)
    return (1 - ALPHA) * ce + ALPHA * TEMPERATURE ** 2 * kl


def _deit_hard(cls_logits, dist_logits, teacher, labels):
    return (1 - ALPHA) * F.cross_entropy(cls_logits, labels) + ALPHA * F.cross_entropy(dist_logits, teacher.argmax(-1))


def _one_case(name, distilled, seed, args=None):
    import timm
    from timm.models.deit import VisionTransformerDistilled
    from timm.models.vision_transformer import VisionTransformer
    from timm.optim import param_groups_weight_decay

    args = dict(args or TINY_ARGS)
    torch.manual_seed(seed)
    model = (VisionTransformerDistilled if distilled else VisionTransformer)(**args)
    _perturb(model, seed + 100)
    out = OUT / name
    G.save_safetensors(model.state_dict(), out / "model.safetensors")
    arch = "deit_tiny_distilled_patch16_224" if distilled else "vit_tiny_patch16_224"
    G.write_json(out / "config.json", G.timm_hub_config(
        arch, 5, model.num_features, model.global_pool, args,
        {"input_size": [3, 16, 16], "interpolation": "bicubic", "crop_pct": 1.0, "crop_mode": "center",
         "mean": [0.5] * 3, "std": [0.5] * 3, "num_classes": 5}))
    g = torch.Generator().manual_seed(seed + 200)
    x = torch.randn(4, 3, 16, 16, generator=g)
    labels = torch.tensor([0, 3, 1, 4])
    teacher = torch.randn(4, 5, generator=g) * 2

    model.train()
    if distilled:
        model.set_distilled_training(True)
        cls_logits, dist_logits = model(x)
        loss = _deit_hard(cls_logits, dist_logits, teacher, labels)
    else:
        loss = _hinton(model(x), teacher, labels)
    loss.backward()
    grads = {k: p.grad.detach().clone() for k, p in model.named_parameters()}
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), MAX_NORM)
    # as timm's create_optimizer_v2: no decay for 1-D tensors nor for model.no_weight_decay() names
    groups = param_groups_weight_decay(model, WEIGHT_DECAY, no_weight_decay_list=model.no_weight_decay())
    opt = torch.optim.AdamW(groups, lr=LR, weight_decay=WEIGHT_DECAY)
    opt.step()
    G.save_npy(out / "input.npy", x)
    G.save_npy(out / "labels.npy", labels, np.int64)
    G.save_npy(out / "teacher_logits.npy", teacher)
    G.save_safetensors(grads, out / "grads.safetensors")
    G.save_safetensors(model.state_dict(), out / "after_step.safetensors")
    G.write_json(out / "step.json", {"loss": float(loss), "grad_norm": float(norm), "lr": LR, "weight_decay": WEIGHT_DECAY,
                                     "max_norm": MAX_NORM, "alpha": ALPHA, "temperature": TEMPERATURE,
                                     "objective": "deit-hard" if distilled else "hinton"})
    print(f"  {name}: loss {float(loss):.6f}, grad norm {float(norm):.4f}")


# LayerScale, no class token, avg pooling + fc_norm (timm then drops the final norm), narrower to stay small.
LS_ARGS = dict(TINY_ARGS, embed_dim=16, init_values=0.1, class_token=False, global_pool="avg", fc_norm=True)


def gen_distill_ls():
    _one_case("tiny-ls", False, 9, LS_ARGS)


def gen_distill():
    _one_case("tiny", False, 7)
    _one_case("tiny-dist", True, 8)
    pixels, labels, train_idx, _ = G.digits_data()
    G.save_npy(G.DIGITS_DIR / "train_pixels.npy", pixels[train_idx], np.uint8)
    G.save_npy(G.DIGITS_DIR / "train_y.npy", labels[train_idx], np.int64)
    print(f"  digits train split: {len(train_idx)} images")
