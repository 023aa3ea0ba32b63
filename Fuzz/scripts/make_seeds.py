#!/usr/bin/env python3
"""Writes the hand-made part of the fuzz seed corpora (Fuzz/<target>/seeds/).

Run once from the repository root with numpy, Pillow and h5py installed:
    python3 Fuzz/scripts/make_seeds.py
The seeds converted from samples/ by vitopt itself are written by `make fuzz-seeds` instead.
Seeds named valid-* must be accepted by the harness (FuzzCorpusTests checks it); the others are
odd but legal files, or near misses, that start the search somewhere interesting.
Not needed by CI: the seeds are committed.
"""
import io
import json
import os
import shutil
import struct

import h5py
import numpy as np
from PIL import Image

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SAMPLES = os.path.join(ROOT, "..", "samples")


def out(target, name, data):
    d = os.path.join(ROOT, target, "seeds")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def npy_bytes(a, version=None):
    buf = io.BytesIO()
    if version is None:
        np.save(buf, a)
    else:
        np.lib.format.write_array(buf, a, version=version)
    return buf.getvalue()


def npy_seeds():
    rng = np.random.default_rng(12)
    out("npy", "valid-f32-2x3.npy", npy_bytes(rng.standard_normal((2, 3)).astype("<f4")))
    out("npy", "valid-i64-v2.npy", npy_bytes(np.arange(5, dtype="<i8"), version=(2, 0)))
    out("npy", "valid-f16-v3.npy", npy_bytes(np.ones((2, 2, 2), dtype="<f2"), version=(3, 0)))
    out("npy", "valid-u8-scalar.npy", npy_bytes(np.array(7, dtype="u1")))
    out("npy", "valid-bool.npy", npy_bytes(np.array([True, False, True])))
    out("npy", "valid-f64-empty.npy", npy_bytes(np.zeros((0, 4), dtype="<f8")))
    out("npy", "valid-i8-i16-i32.npy", npy_bytes(np.arange(-3, 3, dtype="i1").reshape(2, 3)))
    out("npy", "fortran.npy", npy_bytes(np.asfortranarray(np.arange(6, dtype="<f4").reshape(2, 3))))
    out("npy", "big-endian.npy", npy_bytes(np.arange(4, dtype=">f4")))
    out("npy", "complex.npy", npy_bytes(np.arange(2, dtype="<c8")))


def safetensors_bytes(tensors, metadata=None, pad=True):
    header = {}
    blobs = b""
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(blobs), len(blobs) + len(raw)]}
        blobs += raw
    if metadata is not None:
        header["__metadata__"] = metadata
    text = json.dumps(header).encode()
    if pad:
        text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + blobs


def safetensors_seeds():
    t = {
        "a.f32": ("F32", [2, 2], np.arange(4, dtype="<f4").tobytes()),
        "b.f16": ("F16", [3], np.ones(3, dtype="<f2").tobytes()),
        "c.bf16": ("BF16", [1, 2], b"\x80\x3f\x00\x40"),
        "d.i64": ("I64", [2], np.arange(2, dtype="<i8").tobytes()),
        "e.u8": ("U8", [0], b""),
        "f.bool": ("BOOL", [], b"\x01"),
        "g.f8": ("F8_E4M3", [2], b"\x38\x40"),
    }
    out("safetensors", "dtypes.safetensors", safetensors_bytes(t, {"format": "pt"}))
    out("safetensors", "empty.safetensors", safetensors_bytes({}))


def image_seeds():
    rng = np.random.default_rng(3)
    rgb = rng.integers(0, 256, (5, 7, 3), dtype=np.uint8)
    im = Image.fromarray(rgb, "RGB")

    def png(img, **kw):
        b = io.BytesIO()
        img.save(b, "PNG", **kw)
        return b.getvalue()

    def jpeg(img, **kw):
        b = io.BytesIO()
        img.save(b, "JPEG", **kw)
        return b.getvalue()

    out("image", "valid-rgb.png", png(im))
    out("image", "valid-rgba.png", png(im.convert("RGBA")))
    out("image", "valid-gray.png", png(im.convert("L")))
    out("image", "valid-gray-alpha.png", png(im.convert("LA")))
    out("image", "valid-palette.png", png(im.convert("P")))
    out("image", "valid-palette-trns.png", png(im.convert("P"), transparency=0))
    out("image", "valid-1bit.png", png(im.convert("1")))
    out("image", "valid-interlaced.png", _interlaced_png(rgb))
    out("image", "valid-gray16.png", png(Image.fromarray(rgb[..., 0].astype(np.uint16) * 257)))
    out("image", "valid-baseline.jpg", jpeg(im, quality=80))
    out("image", "valid-progressive.jpg", jpeg(im, quality=60, progressive=True))
    out("image", "valid-gray.jpg", jpeg(im.convert("L")))
    out("image", "valid-subsampled.jpg", jpeg(Image.fromarray(rng.integers(0, 256, (17, 19, 3), dtype=np.uint8)), subsampling=2))
    out("image", "cmyk.jpg", jpeg(im.convert("CMYK")))
    shutil.copy(os.path.join(SAMPLES, "digits", "images", "3", "0.png"), os.path.join(ROOT, "image", "seeds", "valid-digit.png"))


def _interlaced_png(rgb):
    """An Adam7-interlaced 8-bit RGB PNG, written by hand (Pillow does not write interlaced PNGs)."""
    import zlib

    h, w, _ = rgb.shape
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
    raw = b""
    for x0, y0, dx, dy in passes:
        for y in range(y0, h, dy):
            row = rgb[y, x0::dx]
            if row.size:
                raw += b"\x00" + row.tobytes()

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 1)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def hdf5_seeds():
    d = os.path.join(ROOT, "hdf5", "seeds")
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(5)
    p = os.path.join(d, "chunked-gzip.h5")
    with h5py.File(p, "w", libver="earliest") as f:
        f.attrs["format"] = "pt"
        f.create_dataset("layer/weight", data=rng.standard_normal((4, 6)).astype("<f4"), chunks=(2, 3), compression="gzip")
        f.create_dataset("layer/bias", data=np.zeros(4, dtype="<f2"))
        f.create_dataset("steps", data=np.arange(3, dtype="<i8"))
    p = os.path.join(d, "latest-format.h5")
    with h5py.File(p, "w", libver="latest") as f:
        f.attrs["note"] = "v2 object headers, fractal heap groups"
        g = f.create_group("a/b/c")
        g.create_dataset("w", data=np.ones((2, 2), dtype="<f8"))
        g.attrs["list"] = np.arange(3)
    # External raw storage: the data lives in another file, named relative to the folder (or not).
    p = os.path.join(d, "external-storage.h5")
    with h5py.File(p, "w") as f:
        f.create_dataset("patch_embed/proj/weight", shape=(4,), dtype="<f4", external=[("weights.bin", 0, 16)])
        f.create_dataset("escape", shape=(2,), dtype="<f4", external=[("../../outside.bin", 0, 8)])
    for name in ("compound.h5", "keras3_mlp.weights.h5"):
        shutil.copy(os.path.join(SAMPLES, "hdf5", "odd", name), os.path.join(d, name))


def config_seeds():
    def copy(src, name, pp=None):
        data = open(os.path.join(SAMPLES, src), "rb").read()
        if pp is not None:
            data += b"\x00" + open(os.path.join(SAMPLES, pp), "rb").read()
        out("config", name, data)

    copy("digits/hf/config.json", "valid-hf-digits.json", pp="digits/hf/preprocessor_config.json")
    copy("digits/hf/config.json", "valid-hf-digits-alone.json")
    copy("digits/timm/config.json", "valid-timm-digits.json")
    copy("deit-distilled/config.json", "deit-distilled.json")
    copy("distill/tiny-ls/config.json", "timm-layerscale.json")
    copy("hf-vitmodel/config.json", "hf-vitmodel.json")
    copy("timm-variants/config.json", "timm-variants.json")
    copy("hdf5/tf/config.json", "hf-tf.json")


if __name__ == "__main__":
    npy_seeds()
    safetensors_seeds()
    image_seeds()
    hdf5_seeds()
    config_seeds()
