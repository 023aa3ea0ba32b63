#!/usr/bin/env python3
"""PyTorch eager CPU peer for bench/distill_vs_torch.sh: the same distillation step vitopt runs.

Teacher: samples/digits/timm (timm local-dir), eval mode, no_grad. Student: the same architecture at
--depth, blocks copied from teacher layers i*L/D (as vitopt's StudentBuilder). Per step: gather a batch
of the uint8 digits train split normalised as vitopt does, teacher logits, student forward, Hinton KD
loss, backward, clip_grad_norm_(1.0), AdamW (timm's no-decay groups). Prints one JSON line with the
median images/s over the timed steps.
"""
import argparse, json, time
import numpy as np
import torch
import torch.nn.functional as F
import timm
from timm.optim import param_groups_weight_decay

ap = argparse.ArgumentParser()
ap.add_argument("--teacher", default="samples/digits/timm")
ap.add_argument("--data", default="samples/digits/train_pixels.npy")
ap.add_argument("--labels", default="samples/digits/train_y.npy")
ap.add_argument("--depth", type=int, default=3)
ap.add_argument("--batch", type=int, default=64)
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--steps", type=int, default=40)
ap.add_argument("--warmup", type=int, default=5)
ap.add_argument("--alpha", type=float, default=0.9)
ap.add_argument("--temperature", type=float, default=2.0)
a = ap.parse_args()

torch.set_num_threads(a.threads)
torch.manual_seed(0)
teacher = timm.create_model(f"local-dir:{a.teacher}", pretrained=True).eval()
cfg = json.load(open(f"{a.teacher}/config.json"))
args = dict(cfg["model_args"]); args["depth"] = a.depth
student = timm.create_model(cfg["architecture"], pretrained=False, num_classes=cfg["num_classes"], **args)
sd = teacher.state_dict()
L = len(teacher.blocks)
new = {}
for k, v in sd.items():
    if k.startswith("blocks."):
        i = int(k.split(".")[1])
        for j in range(a.depth):
            if i == j * L // a.depth:
                new[k.replace(f"blocks.{i}.", f"blocks.{j}.", 1)] = v
    else:
        new[k] = v
student.load_state_dict(new, strict=True)
student.train()
px = torch.from_numpy(np.load(a.data))
x_all = ((px.float() / 255.0 - 0.5) / 0.5)[:, None].expand(-1, 3, -1, -1).contiguous()
y_all = torch.from_numpy(np.load(a.labels))
opt = torch.optim.AdamW(param_groups_weight_decay(student, 0.05, no_weight_decay_list=student.no_weight_decay()), lr=1e-3)
g = torch.Generator().manual_seed(0)
times = []
T = a.temperature
for step in range(a.warmup + a.steps):
    t0 = time.perf_counter()
    idx = torch.randint(0, len(y_all), (a.batch,), generator=g)
    x, y = x_all[idx], y_all[idx]
    with torch.no_grad():
        t = teacher(x)
    s = student(x)
    loss = (1 - a.alpha) * F.cross_entropy(s, y) + a.alpha * T * T * F.kl_div(
        F.log_softmax(s / T, -1), F.log_softmax(t / T, -1), reduction="batchmean", log_target=True)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(student.parameters(), 1.0)
    opt.step()
    if step >= a.warmup:
        times.append(time.perf_counter() - t0)
med = float(np.median(times))
print(json.dumps({"peer": "torch", "threads": a.threads, "batch": a.batch, "depth": a.depth, "steps": len(times),
                  "median_step_ms": med * 1e3, "images_per_s": a.batch / med,
                  "best_images_per_s": a.batch / float(np.min(times)), "torch": torch.__version__}))
