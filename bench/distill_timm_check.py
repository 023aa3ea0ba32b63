#!/usr/bin/env python3
"""Checks the README's torchrun path for a student vitopt saved: timm loads the folder the way its train.py does.

    vitopt distill ... --out out/student/model.safetensors
    vitopt run out/student/model.safetensors --input samples/digits/onnx_input.npy --output out/student/logits.npy
    python bench/distill_timm_check.py out/student --input samples/digits/onnx_input.npy --logits out/student/logits.npy

Two routes, both strict: `--model local-dir:DIR --pretrained` (create_model with the keyword arguments train.py passes
for its default flags) and `--model ARCH --initial-checkpoint DIR/model.safetensors --model-kwargs ...` (the named
architecture with config.json's model_args, weights loaded by timm's load_checkpoint). Each must reproduce vitopt's
logits within --atol. Exits non-zero otherwise.
"""
import argparse
import json
import sys

import numpy as np
import torch
import timm

ap = argparse.ArgumentParser()
ap.add_argument("folder")
ap.add_argument("--input", required=True, help="float32 .npy batch N×C×H×W (preprocessed)")
ap.add_argument("--logits", required=True, help="vitopt run's logits for --input")
ap.add_argument("--atol", type=float, default=1e-4)
a = ap.parse_args()

x = torch.from_numpy(np.load(a.input)).float()
want = np.load(a.logits)
local = timm.create_model(f"local-dir:{a.folder}", pretrained=True, in_chans=3, num_classes=None, drop_rate=0.0,
                          drop_path_rate=None, drop_block_rate=None, global_pool=None, bn_momentum=None, bn_eps=None,
                          scriptable=False, checkpoint_path="")
cfg = json.load(open(f"{a.folder}/config.json"))
kwargs = dict(cfg["model_args"])
kwargs.setdefault("num_classes", cfg["num_classes"])
named = timm.create_model(cfg["architecture"], pretrained=False, checkpoint_path=f"{a.folder}/model.safetensors", **kwargs)
ok = True
for route, model in [("local-dir + --pretrained", local), ("--initial-checkpoint", named)]:
    with torch.no_grad():
        diff = float(np.abs(model.eval()(x).numpy() - want).max())
    good = diff <= a.atol
    ok &= good
    print(f"timm {timm.__version__} {route}: {type(model).__name__}, depth {len(model.blocks)}, max |timm - vitopt| {diff:.2e}"
          + ("" if good else f"  > {a.atol}"))
sys.exit(0 if ok else 1)
