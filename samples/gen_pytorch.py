#!/usr/bin/env python3
"""PyTorch-checkpoint and sharded-safetensors fixtures (samples/pytorch/), written by torch itself.

Every file holds tensors of an existing fixture (timm-variants, hf-vit), so vitopt's tests compare what
they read from these files with the safetensors original bit for bit, and reuse that fixture's goldens.

    .venv/bin/pip install torch safetensors huggingface_hub numpy
    .venv/bin/python samples/gen_pytorch.py

  state_dict.pth          torch.save(OrderedDict) of timm-variants (the plain `torch.save(model.state_dict())`)
  train_checkpoint.pth    a training checkpoint: {"model": DDP state dict ("module." prefix), "epoch", "optimizer",
                          "best_top1"}; one weight saved as a transposed (non-contiguous) view, some entries as
                          nn.Parameter
  state_dict_f16.pt       timm-variants in float16
  hf-bin/                 hf-vit as `save_pretrained(safe_serialization=False)` lays it out: pytorch_model.bin +
                          config.json
  sharded/                timm-variants split into safetensors shards with model.safetensors.index.json by
                          huggingface_hub.save_torch_state_dict (max_shard_size 40KB), + config.json
  legacy.pt               the pre-1.6 (non-zip) torch.save format, which vitopt refuses by name
  malicious.pt            a zip checkpoint whose pickle calls posix.system (written by torch.save of an object with
                          __reduce__; nothing is executed when writing or when vitopt reads it)
"""

import os
import shutil
from collections import OrderedDict
from pathlib import Path

import torch
from huggingface_hub import save_torch_state_dict
from safetensors.torch import load_file

ROOT = Path(__file__).resolve().parent
OUT = ROOT / "pytorch"


class RunsAShellCommand:
    def __reduce__(self):
        return (os.system, ("echo this would run",))


def main():
    OUT.mkdir(exist_ok=True)
    variants = load_file(ROOT / "timm-variants/model.safetensors")
    sd = OrderedDict((k, variants[k]) for k in variants)

    torch.save(sd, OUT / "state_dict.pth")

    ddp = OrderedDict()
    for i, (k, v) in enumerate(sd.items()):
        if k == "blocks.0.attn.qkv.weight":
            v = v.t().contiguous().t()  # same values, column-major storage
            assert not v.is_contiguous()
        elif i % 3 == 0:
            v = torch.nn.Parameter(v.clone(), requires_grad=True)
        ddp["module." + k] = v
    checkpoint = {
        "model": ddp,
        "epoch": 7,
        "optimizer": {"state": {}, "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.999), "weight_decay": 0.05,
                                                      "amsgrad": False, "params": list(range(len(ddp)))}]},
        "best_top1": 81.25,
    }
    torch.save(checkpoint, OUT / "train_checkpoint.pth")

    torch.save(OrderedDict((k, v.half()) for k, v in sd.items()), OUT / "state_dict_f16.pt")

    gen_hf_bin()

    sharded = OUT / "sharded"
    if sharded.exists():
        shutil.rmtree(sharded)
    sharded.mkdir()
    save_torch_state_dict(dict(sd), sharded, max_shard_size="40KB")
    shutil.copy(ROOT / "timm-variants/config.json", sharded / "config.json")

    torch.save({"weight": torch.arange(6, dtype=torch.float32).reshape(2, 3)}, OUT / "legacy.pt",
               _use_new_zipfile_serialization=False)
    torch.save({"weight": torch.zeros(2), "payload": RunsAShellCommand()}, OUT / "malicious.pt")

    for p in sorted(OUT.rglob("*")):
        if p.is_file():
            print(f"{p.relative_to(ROOT)}: {p.stat().st_size} bytes")


def gen_hf_bin():
    """hf-vit as `save_pretrained(safe_serialization=False)` lays it out: pytorch_model.bin + config.json."""
    hf = OUT / "hf-bin"
    hf.mkdir(exist_ok=True)
    hf_sd = load_file(ROOT / "hf-vit/model.safetensors")
    torch.save(OrderedDict((k, hf_sd[k]) for k in hf_sd), hf / "pytorch_model.bin")
    shutil.copy(ROOT / "hf-vit/config.json", hf / "config.json")


if __name__ == "__main__":
    main()
