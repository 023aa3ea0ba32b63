#!/usr/bin/env python3
"""Hugging Face image-processor fixtures (samples/preprocess/), and the check that vitopt's model folders
load in transformers, Optimum's layout and ONNX Runtime.

    .venv/bin/pip install torch timm transformers onnxruntime pillow numpy
    .venv/bin/python samples/gen_hf_export.py goldens   # writes the fixtures below
    swift build && .venv/bin/python samples/gen_hf_export.py check [path/to/vitopt]   # writes nothing in samples/

goldens: transformers' own processors, saved with `save_pretrained` and run on preprocess/photo.png
  preprocess/bit_224/preprocessor_config.json       BitImageProcessor for timm's vit_tiny_patch16_224 eval transform
                                                    (shortest_edge 248 = floor(224/0.9), center crop 224, bicubic,
                                                    mean/std 0.5): the processor vitopt writes for a timm recipe
  preprocess/hf_bit_224_pixels.npy                  [1,3,224,224] uint8: its pixel_values as pixels
  preprocess/convnext_224/preprocessor_config.json  ConvNextImageProcessor (shortest_edge 224, crop_pct 0.875,
                                                    bicubic, ImageNet mean/std): the crop_pct form vitopt reads
  preprocess/hf_convnext_224_pixels.npy             [1,3,224,224] uint8: its pixel_values as pixels
  Each processor is loaded back with AutoImageProcessor (default backend: torchvision) and compared with timm's
  transform of the same recipe and with the same processor on the PIL backend; the differences are printed.
  preprocess/hf_siglip_32_pixels.npy                [1,3,32,32] uint8: AutoImageProcessor of families/siglip/hf (its
                                                    SiglipImageProcessor, 32x32 bicubic, mean/std 0.5) on photo.png
  preprocess/photo_square.png                       photo.png's central 200x200, Pillow LANCZOS to 72x72 (a square
                                                    image: Siglip2ImageProcessor keeps the aspect ratio)
  preprocess/siglip2_32/preprocessor_config.json    Siglip2ImageProcessor(patch_size 8, max_num_patches 16, bilinear,
                                                    mean/std 0.5): the processor of families/siglip2/hf's tower
  preprocess/hf_siglip2_32_pixels.npy               [1,16,192] uint8: its pixel_values (patches flattened as row,
                                                    column, channel) on photo_square.png, as pixels
  (`python samples/gen_hf_export.py siglip` writes only these four.)

check: runs `vitopt convert` of the digits teacher (samples/digits/timm, a timm recipe) into an Optimum-style folder
  (`--to onnx`) and a Hugging Face safetensors folder (`--naming hf`), and of hf-vit into an Optimum folder; then
  AutoConfig / AutoImageProcessor / ViTForImageClassification.from_pretrained load them, and ONNX Runtime on
  model.onnx with the processor's pixel_values of the 30 digit PNGs reproduces digits/images_logits.npy.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent
PHOTO = ROOT / "preprocess" / "photo.png"


def save_npy(path, array):
    np.save(path, np.ascontiguousarray(array))
    print(f"  wrote {path.relative_to(ROOT)} {array.shape} {array.dtype}")


def to_pixels(x, mean, std):
    """The uint8 pixels p a normalised float array came from: p = round((x * std + mean) * 255)."""
    m = np.asarray(mean, dtype=np.float64).reshape(1, 3, 1, 1)
    s = np.asarray(std, dtype=np.float64).reshape(1, 3, 1, 1)
    p = np.round((x.astype(np.float64) * s + m) * 255)
    assert p.min() >= 0 and p.max() <= 255
    return p.astype(np.uint8)


def pixel_diff(a, b):
    d = np.abs(a.astype(np.int32) - b.astype(np.int32))
    return f"max {d.max()}/255, {int((d > 0).sum())} of {d.size} samples differ"


def goldens():
    import timm.data
    from PIL import Image
    from transformers import AutoImageProcessor, BitImageProcessor, ConvNextImageProcessor

    png = Image.open(PHOTO).convert("RGB")
    half = [0.5, 0.5, 0.5]
    imagenet_mean, imagenet_std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    cases = [
        ("bit_224", BitImageProcessor(size={"shortest_edge": 248}, crop_size={"height": 224, "width": 224},
                                      do_center_crop=True, resample=3, image_mean=half, image_std=half),
         dict(crop_pct=0.9, mean=half, std=half)),
        ("convnext_224", ConvNextImageProcessor(size={"shortest_edge": 224}, crop_pct=0.875, resample=3,
                                                image_mean=imagenet_mean, image_std=imagenet_std),
         dict(crop_pct=0.875, mean=imagenet_mean, std=imagenet_std)),
    ]
    for name, processor, recipe in cases:
        folder = ROOT / "preprocess" / name
        processor.save_pretrained(folder)
        print(f"  wrote {(folder / 'preprocessor_config.json').relative_to(ROOT)} ({type(processor).__name__})")
        loaded = AutoImageProcessor.from_pretrained(folder)
        pil = AutoImageProcessor.from_pretrained(folder, backend="pil")
        print(f"    AutoImageProcessor: {type(loaded).__name__}; backend='pil': {type(pil).__name__}")
        mean, std = recipe["mean"], recipe["std"]
        pixels = to_pixels(loaded(images=png, return_tensors="np")["pixel_values"], mean, std)
        pil_pixels = to_pixels(pil(images=png, return_tensors="np")["pixel_values"], mean, std)
        transform = timm.data.create_transform(input_size=(3, 224, 224), crop_pct=recipe["crop_pct"], interpolation="bicubic",
                                               mean=tuple(mean), std=tuple(std), crop_mode="center")
        timm_pixels = to_pixels(transform(png).unsqueeze(0).numpy(), mean, std)
        print("    timm transform: " + " -> ".join(str(t) for t in transform.transforms[:2]))
        print(f"    torchvision backend vs timm: {pixel_diff(pixels, timm_pixels)}")
        print(f"    PIL backend vs timm:         {pixel_diff(pil_pixels, timm_pixels)}")
        save_npy(ROOT / "preprocess" / f"hf_{name}_pixels.npy", pixels)
    crop_offset(png)


def siglip_goldens():
    """The processors transformers pairs with SigLIP towers (SiglipImageProcessor) and SigLIP 2 towers
    (Siglip2ImageProcessor, which hands Siglip2VisionModel patches, not an image), and their pixel_values."""
    from PIL import Image
    from transformers import AutoImageProcessor, Siglip2ImageProcessor

    half = [0.5, 0.5, 0.5]
    png = Image.open(PHOTO).convert("RGB")
    siglip = AutoImageProcessor.from_pretrained(ROOT / "families" / "siglip" / "hf")
    print(f"  families/siglip/hf processor: {type(siglip).__name__}")
    save_npy(ROOT / "preprocess" / "hf_siglip_32_pixels.npy", to_pixels(siglip(images=png, return_tensors="np")["pixel_values"], half, half))

    square = png.crop((50, 0, 250, 200)).resize((72, 72), resample=Image.LANCZOS)
    square.save(ROOT / "preprocess" / "photo_square.png")
    print("  wrote preprocess/photo_square.png (72x72)")
    folder = ROOT / "preprocess" / "siglip2_32"
    Siglip2ImageProcessor(patch_size=8, max_num_patches=16, resample=2, image_mean=half, image_std=half).save_pretrained(folder)
    loaded = AutoImageProcessor.from_pretrained(folder)
    out = loaded(images=Image.open(ROOT / "preprocess" / "photo_square.png").convert("RGB"), return_tensors="np")
    print(f"  wrote preprocess/siglip2_32/preprocessor_config.json; AutoImageProcessor: {type(loaded).__name__}")
    assert out["spatial_shapes"].tolist() == [[4, 4]] and out["pixel_attention_mask"].tolist() == [[1] * 16]
    x = out["pixel_values"].astype(np.float64)
    p = np.round((x * 0.5 + 0.5) * 255)
    assert x.shape == (1, 16, 192) and p.min() >= 0 and p.max() <= 255
    save_npy(ROOT / "preprocess" / "hf_siglip2_32_pixels.npy", p.astype(np.uint8))


def crop_offset(png):
    """Where transformers' center crop and timm's part: shorter side 251 (photo.png -> 376x251), crop 224. The vertical
    excess 27 is 3 mod 4: torchvision's CenterCrop starts at round(13.5) = 14 (half to even), transformers at int(13.5) = 13."""
    import timm.data
    from transformers import BitImageProcessor
    from transformers.models.bit.image_processing_pil_bit import BitImageProcessorPil

    half = [0.5, 0.5, 0.5]
    transform = timm.data.create_transform(input_size=(3, 224, 224), crop_pct=224 / 251.5, interpolation="bicubic",
                                           mean=tuple(half), std=tuple(half), crop_mode="center")
    timm_pixels = to_pixels(transform(png).unsqueeze(0).numpy(), half, half)
    resized = np.asarray(png.resize((376, 251), resample=3)).transpose(2, 0, 1)[None]
    print("  crop offset, shorter side 251 -> 376x251, crop 224 (" + " -> ".join(str(t) for t in transform.transforms[:2]) + "):")
    print(f"    timm == Pillow resize cropped at top 14, left 76: {np.array_equal(timm_pixels, resized[:, :, 14:238, 76:300])}")
    for cls in (BitImageProcessor, BitImageProcessorPil):
        p = cls(size={"shortest_edge": 251}, crop_size={"height": 224, "width": 224}, do_center_crop=True, resample=3,
                image_mean=half, image_std=half)
        pixels = to_pixels(p(images=png, return_tensors="np")["pixel_values"], half, half)
        print(f"    {cls.__name__} vs timm: {pixel_diff(pixels, timm_pixels)}; "
              f"vs Pillow cropped at top 13: {pixel_diff(pixels, resized[:, :, 13:237, 76:300])}")


def check(vitopt):
    import onnxruntime as ort
    import torch
    from PIL import Image
    from transformers import AutoConfig, AutoImageProcessor, ViTForImageClassification
    from transformers.utils import logging

    logging.disable_progress_bar()

    images = sorted((ROOT / "digits" / "images").glob("*/*.png"), key=lambda p: (int(p.parent.name), int(p.stem)))
    golden = np.load(ROOT / "digits" / "images_logits.npy")
    raw = np.stack([np.asarray(Image.open(p).convert("RGB")) for p in images]).transpose(0, 3, 1, 2)
    with tempfile.TemporaryDirectory() as tmp:
        def convert(*args):
            r = subprocess.run([vitopt, "convert", *args], capture_output=True, text=True)
            print(f"  $ vitopt convert {' '.join(str(a).replace(tmp, '$TMP') for a in args)}: exit {r.returncode}")
            for line in (r.stdout + r.stderr).splitlines():
                print("      " + line.replace(tmp, "$TMP"))
            assert r.returncode == 0

        teacher = ROOT / "digits" / "timm" / "model.safetensors"
        convert(teacher, f"{tmp}/onnx/", "--to", "onnx")
        convert(teacher, f"{tmp}/hf/", "--naming", "hf")
        convert(ROOT / "hf-vit", f"{tmp}/hf-vit-onnx/", "--to", "onnx")
        for folder in ["onnx", "hf", "hf-vit-onnx"]:
            print(f"  {folder}/: {sorted(p.name for p in Path(tmp, folder).iterdir())}")

        for folder in ["onnx", "hf"]:
            path = f"{tmp}/{folder}"
            config = AutoConfig.from_pretrained(path)
            processor = AutoImageProcessor.from_pretrained(path)
            print(f"  {folder}/: AutoConfig -> {type(config).__name__} (model_type {config.model_type}, "
                  f"{config.num_hidden_layers} layers, {len(config.id2label)} labels); "
                  f"AutoImageProcessor -> {type(processor).__name__}")
            pixel_values = processor(images=[Image.open(p).convert("RGB") for p in images], return_tensors="np")["pixel_values"]
            exact = (raw.astype(np.float32) - 127.5) / 127.5
            print(f"    pixel_values of the 30 digit PNGs vs (p/255-0.5)/0.5: max |diff| {np.abs(pixel_values - exact).max():.3g}")
            if folder == "onnx":
                session = ort.InferenceSession(f"{path}/model.onnx", providers=["CPUExecutionProvider"])
                logits = session.run(None, {"pixel_values": pixel_values.astype(np.float32)})[0]
                d = np.abs(logits - golden).max()
                print(f"    onnxruntime {ort.__version__} on model.onnx: max |logits - images_logits.npy| = {d:.3g}, "
                      f"argmax agree {int((logits.argmax(1) == golden.argmax(1)).sum())}/30")
                assert d < 1e-4
            else:
                model = ViTForImageClassification.from_pretrained(path).eval()
                with torch.no_grad():
                    logits = model(pixel_values=torch.from_numpy(pixel_values)).logits.numpy()
                d = np.abs(logits - golden).max()
                print(f"    ViTForImageClassification.from_pretrained: max |logits - images_logits.npy| = {d:.3g}")
                assert d < 1e-4

        path = f"{tmp}/hf-vit-onnx"
        config, processor = AutoConfig.from_pretrained(path), AutoImageProcessor.from_pretrained(path)
        x = processor(images=Image.open(PHOTO).convert("RGB"), return_tensors="np")["pixel_values"]
        reference = ViTForImageClassification.from_pretrained(ROOT / "hf-vit").eval()
        with torch.no_grad():
            expected = reference(pixel_values=torch.from_numpy(x)).logits.numpy()
        session = ort.InferenceSession(f"{path}/model.onnx", providers=["CPUExecutionProvider"])
        got = session.run(None, {"pixel_values": x})[0]
        print(f"  hf-vit-onnx/: AutoConfig -> {type(config).__name__}, AutoImageProcessor -> {type(processor).__name__} "
              f"(size {processor.size.height}×{processor.size.width}); onnxruntime vs transformers on photo.png: max |diff| {np.abs(got - expected).max():.3g}")
        assert np.abs(got - expected).max() < 1e-4
    print("  check passed")


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "goldens"
    if mode == "goldens":
        goldens()
        siglip_goldens()
    elif mode == "siglip":
        siglip_goldens()
    elif mode == "check":
        check(sys.argv[2] if len(sys.argv) > 2 else str(ROOT.parent / ".build" / "debug" / "vitopt"))
    else:
        sys.exit(f"unknown mode {mode}; use goldens, siglip or check")
