#!/usr/bin/env python3
"""Checks that a Swin student saved by `vitopt distill` loads strictly in its library and reproduces `vitopt run`.

    vitopt distill --teacher SWIN ... --out out/swin-student/model.safetensors
    vitopt run out/swin-student/model.safetensors --input X.npy --output out/swin-student/out.npy
    python bench/distill_swin_check.py out/swin-student --input X.npy --output out/swin-student/out.npy

timm naming (config.json with `architecture` and `model_args`): `timm.create_model(architecture, **model_args)` and
`load_state_dict(strict=True)`, then eval-mode logits. transformers naming (config.json with `model_type` "swin"):
`SwinForImageClassification.from_pretrained` (or `SwinModel` without labels, its `pooler_output`), which is strict:
a missing or unexpected tensor fails the check. The output must match within --rtol of its largest magnitude.
Exits non-zero otherwise.
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch

ap = argparse.ArgumentParser()
ap.add_argument("folder")
ap.add_argument("--input", required=True, help="float32 .npy batch N×C×H×W (preprocessed)")
ap.add_argument("--output", required=True, help="vitopt run's output for --input (logits, or pooler_output headless)")
ap.add_argument("--rtol", type=float, default=1e-5)
a = ap.parse_args()

folder = Path(a.folder)
cfg = json.loads((folder / "config.json").read_text())
x = torch.from_numpy(np.load(a.input)).float()
want = np.load(a.output)

if cfg.get("model_type") == "swin":
    import transformers
    from transformers import SwinForImageClassification, SwinModel

    headless = not cfg.get("id2label") or cfg.get("architectures", [""])[0] == "SwinModel"
    cls = SwinModel if headless else SwinForImageClassification
    model, info = cls.from_pretrained(str(folder), output_loading_info=True)
    bad = {k: v for k, v in info.items() if v and k in ("missing_keys", "unexpected_keys", "mismatched_keys")}
    if bad:
        sys.exit(f"transformers {transformers.__version__} {cls.__name__}: not a strict load: {bad}")
    with torch.no_grad():
        out = model.eval()(pixel_values=x)
    got = (out.pooler_output if headless else out.logits).numpy()
    route = f"transformers {transformers.__version__} {cls.__name__}.from_pretrained"
else:
    import timm
    from safetensors.torch import load_file

    model = timm.create_model(cfg["architecture"], pretrained=False, **cfg["model_args"])
    model.load_state_dict(load_file(str(folder / "model.safetensors")), strict=True)
    with torch.no_grad():
        got = model.eval()(x).numpy()
    route = f"timm {timm.__version__} create_model({cfg['architecture']}, **model_args) + load_state_dict(strict=True)"

diff = float(np.abs(got - want).max())
scale = float(np.abs(want).max())
print(f"{route}: output {list(got.shape)}, max |Δ| vs vitopt run {diff:.3g} (max |out| {scale:.3g})")
if got.shape != want.shape or not diff <= a.rtol * max(1.0, scale):
    sys.exit(f"FAILED: max |Δ| {diff} exceeds {a.rtol} × max(1, {scale})")
