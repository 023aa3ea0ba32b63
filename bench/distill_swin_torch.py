#!/usr/bin/env python3
"""PyTorch eager CPU peer for bench/distill_swin_vs_torch.sh: the distillation step vitopt runs for a Swin student.

--make-teacher DIR writes a random timm `swin_tiny_patch4_window7_224` (seed 0, `save_for_hf`) and a float32 batch
DIR/images.npy [N,3,224,224] (randn, seed 1), then exits. Otherwise: teacher DIR in eval mode under no_grad; student
the same architecture with `--depth` blocks per stage (at most the teacher's), drop_path_rate 0, blocks copied from
teacher blocks i*L/D of each stage (as vitopt's StudentBuilder.swin). Per step: a batch of DIR/images.npy in order,
teacher logits, student forward, pure KD loss (alpha 1, T 2: no labels), backward, clip_grad_norm_(1.0), AdamW
(timm's no-decay groups, weight decay 0.05). Prints one JSON line: the median and best images/s over the timed steps.
"""
import argparse, json, time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
import timm
from timm.optim import param_groups_weight_decay

ap = argparse.ArgumentParser()
ap.add_argument("--teacher", default="out/bench/swin")
ap.add_argument("--make-teacher", action="store_true")
ap.add_argument("--images", type=int, default=64)
ap.add_argument("--depth", type=int, default=1)
ap.add_argument("--batch", type=int, default=16)
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--steps", type=int, default=12)
ap.add_argument("--warmup", type=int, default=2)
a = ap.parse_args()
torch.set_num_threads(a.threads)
folder = Path(a.teacher)

if a.make_teacher:
    from timm.models._hub import save_for_hf
    torch.manual_seed(0)
    t = timm.create_model("swin_tiny_patch4_window7_224", pretrained=False, num_classes=1000)
    folder.mkdir(parents=True, exist_ok=True)
    save_for_hf(t, str(folder), model_args={"num_classes": 1000}, safe_serialization=True)
    g = torch.Generator().manual_seed(1)
    np.save(folder / "images.npy", torch.randn(a.images, 3, 224, 224, generator=g).numpy().astype(np.float32))
    raise SystemExit(0)

teacher = timm.create_model(f"local-dir:{folder}", pretrained=True).eval()
depths = [min(len(layer.blocks), a.depth) for layer in teacher.layers]
student = timm.create_model("swin_tiny_patch4_window7_224", pretrained=False, num_classes=1000, depths=tuple(depths), drop_path_rate=0.0)
tsd, ssd = teacher.state_dict(), student.state_dict()
for k in ssd:
    parts = k.split(".")
    if parts[0] == "layers" and parts[2] == "blocks":
        s, b = int(parts[1]), int(parts[3])
        parts[3] = str(b * len(teacher.layers[s].blocks) // depths[s])
    ssd[k] = tsd[".".join(parts)].clone()
student.load_state_dict(ssd)
student.train()
opt = torch.optim.AdamW(param_groups_weight_decay(student, 0.05, student.no_weight_decay()), lr=1e-3)
x_all = torch.from_numpy(np.load(folder / "images.npy"))
T = 2.0
rates = []
for step in range(a.warmup + a.steps):
    i = (step * a.batch) % (x_all.shape[0] - a.batch + 1)
    x = x_all[i:i + a.batch]
    t0 = time.perf_counter()
    with torch.no_grad():
        tl = teacher(x)
    sl = student(x)
    loss = F.kl_div(F.log_softmax(sl / T, -1), F.log_softmax(tl / T, -1), reduction="batchmean", log_target=True) * T * T
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(student.parameters(), 1.0)
    opt.step()
    if step >= a.warmup:
        rates.append(a.batch / (time.perf_counter() - t0))
print(json.dumps({"images_per_s": float(np.median(rates)), "best_images_per_s": float(max(rates)), "depths": depths,
                  "threads": a.threads, "batch": a.batch, "torch": torch.__version__, "timm": timm.__version__}))
