#!/usr/bin/env python3
"""Trains a small timm BEiT on the digits set, as a teacher for `vitopt distill` (the digits figure of BEiT
distillation in docs/distillation.md; not a fixture: it is not committed).

    python bench/beit_digits_teacher.py out/beit-digits [--epochs 12]   # writes model.safetensors + config.json (timm)

timm `beit_base_patch16_224` at img 32, patch 4, dim 64, depth 4, 4 heads, mlp_ratio 2 (a table per block, no absolute
table, LayerScale 0.1, mean pooling + fc_norm), 10 classes; trained as samples/generate.py trains the digits ViT teacher
(AdamW one-cycle, lr 2e-3, label smoothing 0.1, random shifts, batch 64, seed 0) for --epochs epochs. Prints the test
accuracy; the test split is samples/digits/test_pixels.npy / test_y.npy.
"""
import argparse
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "samples"))
import generate as G  # noqa: E402

ARGS = {"img_size": 32, "patch_size": 4, "in_chans": 3, "embed_dim": 64, "depth": 4, "num_heads": 4, "mlp_ratio": 2.0}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--epochs", type=int, default=12)
    a = ap.parse_args()
    import timm

    G.setup_torch()
    pixels, labels, train_idx, test_idx = G.digits_data()
    x_all = G.digits_input(pixels)
    x_train, y_train, x_test, y_test = x_all[train_idx], labels[train_idx], x_all[test_idx], labels[test_idx]
    torch.manual_seed(0)
    model = timm.create_model("beit_base_patch16_224", pretrained=False, num_classes=10, **ARGS)
    generator = torch.Generator().manual_seed(0)
    steps = (len(y_train) + G.BATCH - 1) // G.BATCH
    opt = torch.optim.AdamW(model.parameters(), lr=G.LR, weight_decay=0.05)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=G.LR, total_steps=a.epochs * steps, pct_start=0.1)
    start = time.time()
    for epoch in range(1, a.epochs + 1):
        model.train()
        order = torch.randperm(len(y_train), generator=generator)
        for s in range(steps):
            idx = order[s * G.BATCH:(s + 1) * G.BATCH]
            loss = F.cross_entropy(model(G.random_shift(x_train[idx], generator)), y_train[idx], label_smoothing=0.1)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        print(f"epoch {epoch:3d}  loss {loss.item():.3f}  test acc {G.accuracy(model, x_test, y_test):.4f}  "
              f"({time.time() - start:.0f}s)", flush=True)
    out = Path(a.out)
    G.save_safetensors(model.eval().state_dict(), out / "model.safetensors")
    G.write_json(out / "config.json", G.timm_hub_config(
        "beit_base_patch16_224", 10, model.num_features, model.global_pool, dict(ARGS, num_classes=10),
        {"input_size": [3, 32, 32], "interpolation": "bicubic", "crop_pct": 1.0, "crop_mode": "center",
         "mean": [G.DIGITS_MEAN] * 3, "std": [G.DIGITS_STD] * 3, "num_classes": 10, "label_names": G.DIGITS_LABELS}))
    print(f"teacher test accuracy {G.accuracy(model, x_test, y_test):.4f}; wrote {out}")


if __name__ == "__main__":
    main()
