#!/usr/bin/env python3
"""Build the test fixtures that the vitopt Swift tests read.

Everything is written next to this file (samples/...). Fixtures:

  inputs         samples/inputs/batch224.npy, a shared random [2,3,224,224] batch
  digits         a small timm ViT trained on scikit-learn's load_digits, saved in
                 timm and Hugging Face layouts, with goldens and 30 PNG images
  hf-vit         random ViTForImageClassification (transformers), save_pretrained layout
  hf-vitmodel    random ViTModel with pooler (keys without the "vit." prefix)
  deit-distilled random timm DeiT with distillation token / head_dist
  timm-variants  random timm VisionTransformer with registers, LayerScale, no_embed_class,
                 avg pooling and fc_norm
  preprocess     a synthetic photo (PNG + JPEG) and timm / HF preprocessing goldens
  hdf5-plain     h5py dump of timm-variants in nested groups (samples/gen_hdf5.py)
  hdf5-tf        the digits teacher as transformers' TFViT writes tf_model.h5 (TensorFlow venv)
  resize         position/patch-embedding resampling goldens (samples/gen_resize.py)
  onnx           the digits teacher exported by both torch.onnx exporters (sharing one external
                 data file) and hf-vit exported as Optimum does, with ONNX Runtime goldens
  onnx-ops       small operator graphs (opsets 17 and 11) with ONNX Runtime goldens
  onnx-ops-exports  the operators the families' torch.onnx exports add (opset 20, If), ORT goldens
  onnx-export-check  onnx.checker + ONNX Runtime on vitopt's own exports (needs `swift build`)
  onnxint8       ONNX Runtime quantize_dynamic outputs of a small timm ViT with ORT goldens
  onnxint8-export  ORT goldens for vitopt's int8 ONNX exports of the digits teacher (needs `swift build`)
  onnxint8-static  ORT goldens for vitopt's static int8 QDQ export and ORT quantize_static ranges (needs `swift build`)
  onnxint8-qdq   ONNX Runtime quantize_static QDQ files of the small timm ViT with ORT goldens

Run everything with `python samples/generate.py`, one fixture with `--only NAME`,
or only the size / shape report with `--only verify`. All randomness is seeded, so a
rerun on the same machine gives identical files.
"""

import argparse
import json
import shutil
import sys
import tempfile
import time
import zlib
from collections import OrderedDict
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent
SIZE_BUDGET = 15_000_000  # bytes: samples/ stays under ~15 MB (about 3 MB of it samples/families)

IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]


# --------------------------------------------------------------------------- helpers

def setup_torch():
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # keep the log readable


def save_npy(path, array, dtype=np.float32):
    """np.save a C-ordered little-endian array of the given dtype."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(array, torch.Tensor):
        array = array.detach().cpu().numpy()
    array = np.ascontiguousarray(np.asarray(array).astype(np.dtype(dtype).newbyteorder("<")))
    np.save(path, array)


def save_safetensors(state_dict, path):
    from safetensors.torch import save_file

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # clone() so no two entries share storage (safetensors refuses shared tensors)
    tensors = OrderedDict((k, v.detach().cpu().contiguous().clone()) for k, v in state_dict.items())
    save_file(tensors, str(path), metadata={"format": "pt"})


def write_json(path, obj):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2) + "\n")


def max_abs_diff(a, b):
    return float((torch.as_tensor(a) - torch.as_tensor(b)).abs().max())


def make_batch224():
    """The shared [2,3,224,224] input of hf-vit, hf-vitmodel and deit-distilled: randn rounded to
    float16 (stored as float16, half the bytes; the goldens are computed from exactly these values)."""
    torch.manual_seed(42)
    return torch.randn(2, 3, 224, 224).half().float()


def timm_hub_config(architecture, num_classes, num_features, global_pool, model_args, pretrained_cfg):
    """A config.json in the layout timm's push_to_hf_hub writes."""
    return {
        "architecture": architecture,
        "num_classes": num_classes,
        "num_features": num_features,
        "global_pool": global_pool,
        "model_args": model_args,
        "pretrained_cfg": pretrained_cfg,
    }


def check_timm_local_dir(directory, x, expected, atol=1e-5):
    """Reload a timm folder with timm's own local-dir loader and compare outputs."""
    import timm

    model = timm.create_model(f"local-dir:{directory}", pretrained=True).eval()
    with torch.no_grad():
        got = model(x)
    diff = max_abs_diff(got, expected)
    assert diff <= atol, f"{directory}: timm local-dir reload differs by {diff}"
    return diff


def write_hf_checkpoint(model, directory):
    """Write model.safetensors + config.json the way save_pretrained lays them out.

    transformers 5 renames ViT modules in memory (layers.N.attention.q_proj, ...) and
    converts back to the classic hub names (encoder.layer.N.attention.attention.query,
    ...) when saving. To store exactly the on-disk names, serialise with save_pretrained
    into a scratch folder and rewrite its tensors with safetensors.torch.save_file.
    """
    from safetensors.torch import load_file

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        model.save_pretrained(tmp, safe_serialization=True)
        state_dict = load_file(str(Path(tmp) / "model.safetensors"))
    state_dict = OrderedDict(sorted(state_dict.items()))
    save_safetensors(state_dict, directory / "model.safetensors")
    model.config.to_json_file(str(directory / "config.json"))
    return state_dict


def check_hf_reload(cls, directory):
    """from_pretrained the folder, insist every weight was matched, return the model."""
    model, info = cls.from_pretrained(str(directory), output_loading_info=True)
    for key in ("missing_keys", "unexpected_keys", "mismatched_keys"):
        assert not info.get(key), f"{directory}: {key} = {info[key]}"
    return model.eval()


# --------------------------------------------------------------------------- inputs

def gen_inputs():
    save_npy(ROOT / "inputs" / "batch224.npy", make_batch224(), np.float16)


# --------------------------------------------------------------------------- digits

DIGITS_DIR = ROOT / "digits"
DIGITS_SIZE = 32
DIGITS_MEAN = 0.5
DIGITS_STD = 0.5
DIGITS_ARCH = "vit_tiny_patch16_224"
DIGITS_ARGS = {
    "img_size": 32,
    "patch_size": 4,
    "in_chans": 3,
    "embed_dim": 64,
    "depth": 6,
    "num_heads": 4,
    "mlp_ratio": 2.0,
}
DIGITS_LABELS = [str(i) for i in range(10)]

# training schedule: one-cycle AdamW over TRAIN_EPOCHS, but stop as soon as the test
# accuracy reaches TARGET_ACC once at least MIN_EPOCHS are done (or time runs out)
TRAIN_EPOCHS = 60
MIN_EPOCHS = 40
TARGET_ACC = 0.97
TRAIN_TIME_CAP = 420.0  # seconds
BATCH = 64
LR = 2e-3


def digits_pixels(images):
    """load_digits images [N,8,8] (0..16) -> uint8 pixels [N,32,32].

    x/16 -> bilinear upsample to 32x32 (align_corners=False) -> clamp [0,1]
    -> round(x*255). These uint8 values are exactly what the PNGs hold.
    """
    x = torch.as_tensor(np.asarray(images), dtype=torch.float32)[:, None] / 16.0
    x = F.interpolate(x, size=(DIGITS_SIZE, DIGITS_SIZE), mode="bilinear", align_corners=False)
    x = x.clamp(0.0, 1.0)
    return torch.round(x[:, 0] * 255.0).to(torch.uint8)


def digits_input(pixels):
    """uint8 pixels [N,H,W] (grey) or [N,H,W,3] (RGB) -> normalised float [N,3,H,W]."""
    p = torch.as_tensor(np.asarray(pixels))
    if p.ndim == 3:
        p = p[:, None].expand(-1, 3, -1, -1)
    else:
        p = p.permute(0, 3, 1, 2)
    x = p.to(torch.float32) / 255.0
    return ((x - DIGITS_MEAN) / DIGITS_STD).contiguous()


def digits_data():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    pixels = digits_pixels(digits.images)
    labels = torch.as_tensor(digits.target, dtype=torch.int64)
    index = np.arange(len(labels))
    train_idx, test_idx = train_test_split(
        index, test_size=0.2, random_state=0, stratify=digits.target
    )
    train_idx, test_idx = torch.as_tensor(train_idx), torch.as_tensor(test_idx)
    return pixels, labels, train_idx, test_idx


def random_shift(batch, generator, max_shift=2):
    """Shift every image by up to +-max_shift px, filling with the background value."""
    n, _, h, w = batch.shape
    background = (0.0 - DIGITS_MEAN) / DIGITS_STD
    padded = F.pad(batch, (max_shift,) * 4, value=background)
    dx = torch.randint(0, 2 * max_shift + 1, (n,), generator=generator)
    dy = torch.randint(0, 2 * max_shift + 1, (n,), generator=generator)
    return torch.stack([padded[i, :, dy[i]:dy[i] + h, dx[i]:dx[i] + w] for i in range(n)])


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        return float((model(x).argmax(1) == y).float().mean())


def train_digits_teacher(x_train, y_train, x_test, y_test):
    import timm

    torch.manual_seed(0)
    model = timm.create_model(DIGITS_ARCH, pretrained=False, num_classes=10, **DIGITS_ARGS)
    generator = torch.Generator().manual_seed(0)
    steps = (len(y_train) + BATCH - 1) // BATCH
    optimizer = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=0.05)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=LR, total_steps=TRAIN_EPOCHS * steps, pct_start=0.1
    )
    start = time.time()
    acc = 0.0
    for epoch in range(1, TRAIN_EPOCHS + 1):
        model.train()
        order = torch.randperm(len(y_train), generator=generator)
        for s in range(steps):
            idx = order[s * BATCH:(s + 1) * BATCH]
            logits = model(random_shift(x_train[idx], generator))
            loss = F.cross_entropy(logits, y_train[idx], label_smoothing=0.1)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
        acc = accuracy(model, x_test, y_test)
        elapsed = time.time() - start
        print(f"  epoch {epoch:3d}  loss {loss.item():.3f}  test acc {acc:.4f}  ({elapsed:.0f}s)",
              flush=True)
        if epoch >= MIN_EPOCHS and acc >= TARGET_ACC:
            break
        if elapsed > TRAIN_TIME_CAP:
            print("  WARNING: time cap reached; result now depends on machine speed")
            break
    if acc < TARGET_ACC:
        print(f"  WARNING: test accuracy {acc:.4f} is below the {TARGET_ACC:.2f} target")
    return model.eval(), acc, epoch


def timm_to_hf_vit(sd, depth):
    """Rename a timm ViT state_dict to ViTForImageClassification's hub names."""
    out = OrderedDict()
    used = set()

    def take(src, dst):
        out[dst] = sd[src]
        used.add(src)

    take("cls_token", "vit.embeddings.cls_token")
    take("pos_embed", "vit.embeddings.position_embeddings")
    take("patch_embed.proj.weight", "vit.embeddings.patch_embeddings.projection.weight")
    take("patch_embed.proj.bias", "vit.embeddings.patch_embeddings.projection.bias")
    for i in range(depth):
        t = f"blocks.{i}."
        h = f"vit.encoder.layer.{i}."
        # timm packs q, k, v (in that order) along the output dimension: [3D, D]
        for kind in ("weight", "bias"):
            q, k, v = sd[t + f"attn.qkv.{kind}"].chunk(3, dim=0)
            out[h + f"attention.attention.query.{kind}"] = q
            out[h + f"attention.attention.key.{kind}"] = k
            out[h + f"attention.attention.value.{kind}"] = v
            used.add(t + f"attn.qkv.{kind}")
        for kind in ("weight", "bias"):
            take(t + f"attn.proj.{kind}", h + f"attention.output.dense.{kind}")
            take(t + f"norm1.{kind}", h + f"layernorm_before.{kind}")
            take(t + f"norm2.{kind}", h + f"layernorm_after.{kind}")
            take(t + f"mlp.fc1.{kind}", h + f"intermediate.dense.{kind}")
            take(t + f"mlp.fc2.{kind}", h + f"output.dense.{kind}")
    for kind in ("weight", "bias"):
        take(f"norm.{kind}", f"vit.layernorm.{kind}")
        take(f"head.{kind}", f"classifier.{kind}")
    left = sorted(set(sd) - used)
    assert not left, f"timm keys without an HF name: {left}"
    return out


def digits_hf_config():
    from transformers import ViTConfig

    return ViTConfig(
        hidden_size=DIGITS_ARGS["embed_dim"],
        num_hidden_layers=DIGITS_ARGS["depth"],
        num_attention_heads=DIGITS_ARGS["num_heads"],
        intermediate_size=int(DIGITS_ARGS["embed_dim"] * DIGITS_ARGS["mlp_ratio"]),
        hidden_act="gelu",
        layer_norm_eps=1e-6,
        image_size=DIGITS_ARGS["img_size"],
        patch_size=DIGITS_ARGS["patch_size"],
        num_channels=DIGITS_ARGS["in_chans"],
        qkv_bias=True,
        id2label={i: name for i, name in enumerate(DIGITS_LABELS)},
        label2id={name: i for i, name in enumerate(DIGITS_LABELS)},
        architectures=["ViTForImageClassification"],
    )


def gen_digits():
    from PIL import Image
    from transformers import ViTForImageClassification, ViTImageProcessor

    pixels, labels, train_idx, test_idx = digits_data()
    x_all = digits_input(pixels)
    x_train, y_train = x_all[train_idx], labels[train_idx]
    x_test, y_test = x_all[test_idx], labels[test_idx]
    print(f"  {len(train_idx)} train / {len(test_idx)} test images")

    model, acc, epochs = train_digits_teacher(x_train, y_train, x_test, y_test)
    with torch.no_grad():
        logits = model(x_test)
    acc = float((logits.argmax(1) == y_test).float().mean())
    print(f"  digits teacher: test accuracy {acc:.4f} ({acc * 360:.0f}/360) after {epochs} epochs")

    # timm layout
    timm_dir = DIGITS_DIR / "timm"
    sd = model.state_dict()
    save_safetensors(sd, timm_dir / "model.safetensors")
    write_json(timm_dir / "config.json", timm_hub_config(
        DIGITS_ARCH, 10, model.num_features, "token", dict(DIGITS_ARGS),
        {
            "input_size": [3, DIGITS_SIZE, DIGITS_SIZE],
            "interpolation": "bicubic",
            "crop_pct": 1.0,
            "crop_mode": "center",
            "mean": [DIGITS_MEAN] * 3,
            "std": [DIGITS_STD] * 3,
            "num_classes": 10,
            "label_names": DIGITS_LABELS,
        },
    ))
    check_timm_local_dir(timm_dir, x_test, logits)

    # Hugging Face layout, renamed by hand and checked with from_pretrained
    hf_dir = DIGITS_DIR / "hf"
    hf_dir.mkdir(parents=True, exist_ok=True)
    save_safetensors(timm_to_hf_vit(sd, DIGITS_ARGS["depth"]), hf_dir / "model.safetensors")
    digits_hf_config().to_json_file(str(hf_dir / "config.json"))
    processor = ViTImageProcessor(
        do_resize=True,
        size={"height": DIGITS_SIZE, "width": DIGITS_SIZE},
        resample=2,
        do_rescale=True,
        rescale_factor=1 / 255,
        do_normalize=True,
        image_mean=[DIGITS_MEAN] * 3,
        image_std=[DIGITS_STD] * 3,
    )
    processor.to_json_file(str(hf_dir / "preprocessor_config.json"))
    hf_model = check_hf_reload(ViTForImageClassification, hf_dir)
    with torch.no_grad():
        logits_hf = hf_model(pixel_values=x_test).logits
    diff = max_abs_diff(logits_hf, logits)
    print(f"  timm vs HF logits: max |diff| = {diff:.2e}")
    assert diff <= 1e-5, "timm -> HF weight mapping is wrong"

    # The test split is stored as its uint8 pixels (12x smaller than the float input); vitopt
    # normalises uint8 arrays with the model's mean/std exactly as digits_input() does.
    save_npy(DIGITS_DIR / "test_pixels.npy", pixels[test_idx], np.uint8)
    save_npy(DIGITS_DIR / "test_y.npy", y_test, np.int64)
    save_npy(DIGITS_DIR / "test_logits.npy", logits)
    save_npy(DIGITS_DIR / "test_logits_hf.npy", logits_hf)

    # 30 PNGs: the first three test images of every class, in test-split order
    image_dir = DIGITS_DIR / "images"
    if image_dir.exists():
        shutil.rmtree(image_dir)
    test_pixels = pixels[test_idx]
    for label in range(10):
        where = torch.nonzero(y_test == label).flatten()[:3]
        for k, i in enumerate(where.tolist()):
            grey = test_pixels[i].numpy()
            rgb = np.repeat(grey[:, :, None], 3, axis=2)
            path = image_dir / str(label) / f"{k}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            Image.fromarray(rgb, mode="RGB").save(path)

    # read them back (sorted: label folder, then k) and run the teacher on the decoded pixels
    paths = sorted(image_dir.glob("*/*.png"), key=lambda p: (int(p.parent.name), int(p.stem)))
    decoded = np.stack([np.asarray(Image.open(p).convert("RGB")) for p in paths])
    image_labels = torch.tensor([int(p.parent.name) for p in paths], dtype=torch.int64)
    x_images = digits_input(decoded)
    with torch.no_grad():
        image_logits = model(x_images)
    save_npy(DIGITS_DIR / "images_logits.npy", image_logits)
    save_npy(DIGITS_DIR / "images_labels.npy", image_labels, np.int64)

    # the HF processor (32x32 -> 32x32 resize) should reproduce the same input exactly
    hf_pixels = processor(images=[Image.open(p) for p in paths], return_tensors="pt")["pixel_values"]
    print(f"  PNG -> ViTImageProcessor vs script preprocessing: max |diff| = "
          f"{max_abs_diff(hf_pixels, x_images):.2e}")
    return acc


# --------------------------------------------------------------------------- hf-vit / hf-vitmodel

def small_vit_config(**extra):
    from transformers import ViTConfig

    args = dict(image_size=224, patch_size=16, num_channels=3, hidden_size=48, num_hidden_layers=2,
                num_attention_heads=3, intermediate_size=96)
    args.update(extra)
    return ViTConfig(**args)


def gen_hf_vit():
    from transformers import ViTForImageClassification

    names = ["cat", "dog", "bird", "fish", "horse"]
    config = small_vit_config(
        hidden_size=24, intermediate_size=48,  # 3 heads of 8, as hf-vitmodel: the layout is what is tested
        num_labels=5,
        id2label={i: n for i, n in enumerate(names)},
        label2id={n: i for i, n in enumerate(names)},
    )
    config.architectures = ["ViTForImageClassification"]
    torch.manual_seed(0)
    model = ViTForImageClassification(config).eval()
    out_dir = ROOT / "hf-vit"
    write_hf_checkpoint(model, out_dir)

    x = make_batch224()
    with torch.no_grad():
        logits = model(pixel_values=x).logits
        again = check_hf_reload(ViTForImageClassification, out_dir)(pixel_values=x).logits
    assert max_abs_diff(logits, again) <= 1e-6
    save_npy(out_dir / "logits.npy", logits)


def gen_hf_vitmodel():
    from transformers import ViTModel

    config = small_vit_config(hidden_size=24, intermediate_size=48)  # 3 heads of 8: a small fixture
    config.architectures = ["ViTModel"]
    torch.manual_seed(1)
    model = ViTModel(config, add_pooling_layer=True).eval()
    out_dir = ROOT / "hf-vitmodel"
    state_dict = write_hf_checkpoint(model, out_dir)
    assert not any(k.startswith("vit.") for k in state_dict)
    assert "pooler.dense.weight" in state_dict

    x = make_batch224()
    with torch.no_grad():
        out = model(pixel_values=x)
        again = check_hf_reload(ViTModel, out_dir)(pixel_values=x)
    assert max_abs_diff(out.last_hidden_state, again.last_hidden_state) <= 1e-6
    assert max_abs_diff(out.pooler_output, again.pooler_output) <= 1e-6
    save_npy(out_dir / "last_hidden_state.npy", out.last_hidden_state)
    save_npy(out_dir / "pooler_output.npy", out.pooler_output)


# --------------------------------------------------------------------------- deit-distilled

def gen_deit_distilled():
    import timm

    arch = "deit_tiny_distilled_patch16_224"
    args = {"embed_dim": 24, "depth": 2, "num_heads": 3, "num_classes": 7}
    torch.manual_seed(2)
    model = timm.create_model(arch, pretrained=False, **args).eval()
    out_dir = ROOT / "deit-distilled"
    save_safetensors(model.state_dict(), out_dir / "model.safetensors")
    write_json(out_dir / "config.json", timm_hub_config(
        arch, 7, model.num_features, "token", args,
        {
            "input_size": [3, 224, 224],
            "interpolation": "bicubic",
            "crop_pct": 0.875,
            "crop_mode": "center",
            "mean": IMAGENET_MEAN,
            "std": IMAGENET_STD,
            "num_classes": 7,
            "classifier": ["head", "head_dist"],
        },
    ))

    x = make_batch224()
    with torch.no_grad():
        logits = model(x)
        # eval mode: mean of the class-token head and the distillation-token head
        feats = model.forward_features(x)
        by_hand = (model.head(feats[:, 0]) + model.head_dist(feats[:, 1])) / 2
    assert max_abs_diff(logits, by_hand) <= 1e-6
    check_timm_local_dir(out_dir, x, logits)
    save_npy(out_dir / "logits.npy", logits)


# --------------------------------------------------------------------------- timm-variants

VARIANT_ARGS = {
    "img_size": 32,
    "patch_size": 8,
    "in_chans": 3,
    "num_classes": 4,
    "embed_dim": 32,
    "depth": 2,
    "num_heads": 2,
    "mlp_ratio": 3.0,
    "qkv_bias": False,
    "init_values": 0.1,
    "class_token": True,
    "reg_tokens": 2,
    "no_embed_class": True,
    "global_pool": "avg",
    "fc_norm": True,
}


def gen_timm_variants():
    from timm.layers import LayerScale
    from timm.models.vision_transformer import VisionTransformer

    torch.manual_seed(3)
    model = VisionTransformer(**VARIANT_ARGS).eval()

    # push LayerNorm affine params and LayerScale gammas off their init values
    noise = torch.Generator().manual_seed(103)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.LayerNorm):
                module.weight.add_(0.1 * torch.randn(module.weight.shape, generator=noise))
                module.bias.add_(0.1 * torch.randn(module.bias.shape, generator=noise))
            elif isinstance(module, LayerScale):
                module.gamma.add_(0.05 * torch.randn(module.gamma.shape, generator=noise))

    out_dir = ROOT / "timm-variants"
    save_safetensors(model.state_dict(), out_dir / "model.safetensors")
    write_json(out_dir / "config.json", timm_hub_config(
        "vit_small_patch16_224", VARIANT_ARGS["num_classes"], model.num_features,
        VARIANT_ARGS["global_pool"], dict(VARIANT_ARGS),
        {
            "input_size": [3, 32, 32],
            "interpolation": "bicubic",
            "crop_pct": 1.0,
            "crop_mode": "center",
            "mean": [0.5, 0.5, 0.5],
            "std": [0.5, 0.5, 0.5],
            "num_classes": VARIANT_ARGS["num_classes"],
        },
    ))

    x = torch.randn(3, 3, 32, 32, generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        logits = model(x)
    check_timm_local_dir(out_dir, x, logits)
    save_npy(out_dir / "input.npy", x)
    save_npy(out_dir / "logits.npy", logits)


# --------------------------------------------------------------------------- preprocess

PHOTO_W, PHOTO_H = 300, 200


def normalized_to_pixels(x, fused=False):
    """Both preprocessing goldens are normalised uint8 pixels p (a Pillow / torchvision resize to
    uint8, then normalisation): store p, 4x smaller; the tests rebuild the floats bit for bit.
    timm computes (p/255 - 0.5)/0.5 (ToTensor + Normalize); transformers 5's fused rescale+normalize
    computes (p - 127.5)/127.5 (`fused=True`)."""
    x = torch.as_tensor(x, dtype=torch.float32)
    p = torch.round((x * 0.5 + 0.5) * 255).clamp(0, 255).to(torch.uint8)
    back = (p.to(torch.float32) - 127.5) / 127.5 if fused else (p.to(torch.float32) / 255.0 - 0.5) / 0.5
    assert torch.equal(back, x), f"not on the k/255 grid: {float((back - x).abs().max())}"
    return p


def make_photo():
    """A smooth synthetic landscape: sky and ground gradients, a sun, hills, a striped
    awning and a few shapes, with soft edges and a little grain. uint8 [H, W, 3]."""
    rng = np.random.default_rng(7)
    yy, xx = np.mgrid[0:PHOTO_H, 0:PHOTO_W].astype(np.float64)
    u, v = xx / (PHOTO_W - 1), yy / (PHOTO_H - 1)

    def soft(d, width=1.2):  # 1 inside (d < 0), 0 outside, smooth over ~width px
        return np.clip(0.5 - d / width, 0.0, 1.0)

    def paint(img, mask, colour):
        return img * (1 - mask[..., None]) + np.asarray(colour, dtype=np.float64) * mask[..., None]

    sky = np.stack([0.35 + 0.45 * v, 0.55 + 0.35 * v, 0.95 - 0.15 * v + 0.05 * u], axis=-1)
    img = sky * 255.0

    sun = np.hypot(xx - 230, yy - 45) - 24
    img = paint(img, np.clip(0.5 - sun / 12.0, 0, 1) * 0.35, (255, 240, 190))  # glow
    img = paint(img, soft(sun), (252, 222, 120))

    horizon = 128 + 10 * np.sin(xx / 37.0) + 5 * np.sin(xx / 11.0 + 1.0)
    ground = np.stack([0.30 + 0.25 * v - 0.10 * u, 0.55 - 0.15 * v, 0.20 + 0.05 * u], axis=-1) * 255
    img = paint(img, soft(horizon - yy, 1.5), (0, 0, 0)) + soft(horizon - yy, 1.5)[..., None] * ground

    house = np.maximum(np.abs(xx - 80) - 30, np.abs(yy - 130) - 22)
    img = paint(img, soft(house), (188, 72, 58))
    roof = np.maximum(yy - 108, np.abs(xx - 80) - (yy - 108) * 1.4 - 34)
    img = paint(img, soft(roof), (92, 52, 40))
    window = np.maximum(np.abs(xx - 70) - 7, np.abs(yy - 128) - 7)
    img = paint(img, soft(window), (250, 236, 160))

    awning = np.maximum(np.abs(xx - 200) - 40, np.abs(yy - 150) - 9)
    stripes = (np.sin((xx - 160) * np.pi / 6.0) > 0).astype(np.float64)
    img = paint(img, soft(awning) * stripes, (245, 245, 240))
    img = paint(img, soft(awning) * (1 - stripes), (40, 110, 170))

    ball = np.hypot(xx - 140, yy - 178) - 12
    shade = 0.65 + 0.35 * np.clip(1 - np.hypot(xx - 135, yy - 173) / 14.0, 0, 1)
    img = paint(img, soft(ball), (0, 0, 0)) + soft(ball)[..., None] * np.stack(
        [230 * shade, 180 * shade, 40 * shade], axis=-1)

    img = img + rng.normal(0.0, 1.5, size=img.shape)
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


def gen_preprocess():
    import timm
    import timm.data
    from PIL import Image
    from transformers import ViTImageProcessor

    out_dir = ROOT / "preprocess"
    out_dir.mkdir(parents=True, exist_ok=True)
    photo = Image.fromarray(make_photo(), mode="RGB")
    photo.save(out_dir / "photo.png")
    photo.save(out_dir / "photo.jpg", quality=90, subsampling=2)  # 2 = 4:2:0

    jpg = np.asarray(Image.open(out_dir / "photo.jpg").convert("RGB"))
    assert jpg.shape == (PHOTO_H, PHOTO_W, 3)
    save_npy(out_dir / "photo_jpg_rgb.npy", jpg, np.uint8)

    # A CMYK JPEG (Pillow writes Adobe-inverted CMYK with an APP14 marker) at half size, and Pillow's RGB of it.
    photo.resize((150, 100)).convert("CMYK").save(out_dir / "photo_cmyk.jpg", quality=90)
    cmyk = Image.open(out_dir / "photo_cmyk.jpg")
    assert cmyk.mode == "CMYK" and "adobe" in cmyk.info
    save_npy(out_dir / "photo_cmyk_rgb.npy", np.asarray(cmyk.convert("RGB")), np.uint8)

    png = Image.open(out_dir / "photo.png").convert("RGB")
    assert np.array_equal(np.asarray(png), np.asarray(photo))

    config = timm.data.resolve_data_config({}, model=timm.create_model("vit_tiny_patch16_224"))
    transform = timm.data.create_transform(**config)
    print(f"  timm data config: {config}")
    print("  timm transform: " + " -> ".join(str(t) for t in transform.transforms))
    save_npy(out_dir / "timm_224_pixels.npy", normalized_to_pixels(transform(png).unsqueeze(0)), np.uint8)

    processor = ViTImageProcessor()
    hf = processor(images=png, return_tensors="pt")["pixel_values"]
    save_npy(out_dir / "hf_224_pixels.npy", normalized_to_pixels(hf, fused=True), np.uint8)


# --------------------------------------------------------------------------- verify

EXPECTED = {
    "inputs/batch224.npy": ((2, 3, 224, 224), "<f2"),
    "digits/test_pixels.npy": ((360, 32, 32), "|u1"),
    "digits/test_y.npy": ((360,), "<i8"),
    "digits/test_logits.npy": ((360, 10), "<f4"),
    "digits/test_logits_hf.npy": ((360, 10), "<f4"),
    "digits/images_logits.npy": ((30, 10), "<f4"),
    "digits/images_labels.npy": ((30,), "<i8"),
    "hf-vit/logits.npy": ((2, 5), "<f4"),
    "hf-vitmodel/last_hidden_state.npy": ((2, 197, 24), "<f4"),
    "hf-vitmodel/pooler_output.npy": ((2, 24), "<f4"),
    "deit-distilled/logits.npy": ((2, 7), "<f4"),
    "timm-variants/input.npy": ((3, 3, 32, 32), "<f4"),
    "timm-variants/logits.npy": ((3, 4), "<f4"),
    "preprocess/photo_jpg_rgb.npy": ((200, 300, 3), "|u1"),
    "preprocess/timm_224_pixels.npy": ((1, 3, 224, 224), "|u1"),
    "preprocess/hf_224_pixels.npy": ((1, 3, 224, 224), "|u1"),
    "hdf5/tf/tf_logits.npy": ((360, 10), "<f4"),
}


def verify():
    from safetensors import safe_open

    problems = []
    files = sorted(p for p in ROOT.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    total = packed = 0
    print("\nfiles (bytes, zlib-compressed bytes):")
    for p in files:
        data = p.read_bytes()
        size, small = len(data), len(zlib.compress(data, 6))
        total, packed = total + size, packed + small
        rel = p.relative_to(ROOT).as_posix()
        info = ""
        if p.suffix == ".npy":
            a = np.load(p)
            info = f"{a.dtype.str} {list(a.shape)}"
            if not a.flags.c_contiguous:
                problems.append(f"{rel}: not C-ordered")
        elif p.suffix == ".safetensors":
            with safe_open(str(p), "pt") as f:
                # samples/families keeps each library's own writer output (timm and open_clip write
                # no metadata); gen_families.py checks those folders itself.
                if f.metadata() != {"format": "pt"} and "families" not in p.relative_to(ROOT).parts:
                    problems.append(f"{rel}: metadata {f.metadata()}")
                info = f"{len(list(f.keys()))} tensors"
        if "digits/images/" not in rel or rel.endswith("0/0.png"):
            print(f"  {rel:42s} {size:>9d} {small:>9d}  {info}")
    print(f"  (30 PNGs under digits/images, one listed)")
    print(f"total: {total} bytes = {total / 2**20:.2f} MiB ({packed / 2**20:.2f} MiB zlib-compressed)")
    if total >= SIZE_BUDGET:
        print(f"WARNING: samples/ exceeds the {SIZE_BUDGET / 1e6:.0f} MB budget")

    for rel, (shape, dtype) in EXPECTED.items():
        p = ROOT / rel
        if not p.exists():
            problems.append(f"{rel}: missing")
            continue
        a = np.load(p)
        if a.shape != shape or a.dtype.str != dtype:
            problems.append(f"{rel}: {a.dtype.str} {a.shape}, expected {dtype} {shape}")
    pngs = sorted((ROOT / "digits" / "images").glob("*/*.png"))
    if len(pngs) != 30:
        problems.append(f"digits/images: {len(pngs)} PNGs, expected 30")

    try:
        logits = np.load(ROOT / "digits" / "test_logits.npy")
        labels = np.load(ROOT / "digits" / "test_y.npy")
        hf = np.load(ROOT / "digits" / "test_logits_hf.npy")
        acc = float((logits.argmax(1) == labels).mean())
        print(f"digits teacher test accuracy: {acc:.4f} ({int(round(acc * len(labels)))}/{len(labels)}); "
              f"timm vs HF golden max |diff| {np.abs(logits - hf).max():.2e}")
        img_logits = np.load(ROOT / "digits" / "images_logits.npy")
        img_labels = np.load(ROOT / "digits" / "images_labels.npy")
        print(f"digits PNG accuracy: {(img_logits.argmax(1) == img_labels).mean():.4f}")
    except FileNotFoundError:
        pass

    for line in problems:
        print("PROBLEM: " + line)
    return not problems


# --------------------------------------------------------------------------- resize (samples/gen_resize.py)

def gen_resize():
    import gen_resize

    gen_resize.gen_resize()


# --------------------------------------------------------------------------- main

FIXTURES = OrderedDict([
    ("inputs", gen_inputs),
    ("digits", gen_digits),
    ("hf-vit", gen_hf_vit),
    ("hf-vitmodel", gen_hf_vitmodel),
    ("deit-distilled", gen_deit_distilled),
    ("timm-variants", gen_timm_variants),
    ("preprocess", gen_preprocess),
    ("hdf5-plain", lambda: __import__("gen_hdf5").gen_hdf5_plain()),  # samples/gen_hdf5.py
    ("hdf5-odd", lambda: __import__("gen_hdf5").gen_hdf5_odd()),  # error-path inputs
    ("hdf5-tf", lambda: __import__("gen_hdf5").gen_hdf5_tf()),  # needs the TensorFlow venv, see gen_hdf5.py
    ("resize", gen_resize),
    ("onnx", lambda: __import__("gen_onnx").gen_onnx_exports()),
    ("onnx-ops", lambda: __import__("gen_onnx").gen_onnx_ops()),
    ("onnx-ops-exports", lambda: __import__("gen_onnx_ops_exports").gen_onnx_ops_exports()),
    ("onnx-export-check", lambda: __import__("gen_onnx").gen_onnx_export_check()),
    ("distill", lambda: __import__("gen_distill").gen_distill()),
    ("onnxint8", lambda: __import__("gen_onnxint8").gen_onnxint8_ort()),  # samples/gen_onnxint8.py
    ("onnxint8-export", lambda: __import__("gen_onnxint8").gen_onnxint8_export()),  # needs `swift build`
    ("onnxint8-static", lambda: __import__("gen_onnxint8").gen_onnxint8_static()),  # needs `swift build`
    ("onnxint8-qdq", lambda: __import__("gen_onnxint8").gen_onnxint8_qdq()),  # samples/gen_onnxint8.py
    ("distill-ls", lambda: __import__("gen_distill").gen_distill_ls()),  # LayerScale / fc_norm / no class token
    ("distill-families", lambda: __import__("gen_distill").gen_distill_families()),  # CLIP, tanh-GELU, HF DINOv2 students
    ("distill-beit", lambda: __import__("gen_distill").gen_distill_beit()),  # BEiT / Data2Vec-vision students
])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=list(FIXTURES) + ["verify"],
                        help="regenerate a single fixture (or only run the checks)")
    args = parser.parse_args(argv)

    setup_torch()
    names = [] if args.only == "verify" else ([args.only] if args.only else list(FIXTURES))
    for name in names:
        start = time.time()
        print(f"[{name}]", flush=True)
        FIXTURES[name]()
        print(f"[{name}] done in {time.time() - start:.1f}s", flush=True)
    return 0 if verify() else 1


if __name__ == "__main__":
    sys.exit(main())
