"""HDF5 fixtures for vitopt (registered in generate.py's FIXTURES).

  hdf5-plain   samples/hdf5/plain/model.h5: an h5py dump of the timm-variants state dict, one
               dataset per tensor nested in groups split on "." (blocks/0/attn/qkv/weight), contiguous
               except blocks/0/mlp/fc1/weight, which is chunked + gzip/shuffle (so readers exercise
               libhdf5's filtered path too), with config.json beside
  hdf5-odd     samples/hdf5/odd/: a dataset of compound type, and a Keras 3 .weights.h5 of a
               two-layer MLP (layers/dense/vars/0 …) — inputs for the error paths
  hdf5-tf      samples/hdf5/tf/tf_model.h5 + config.json: the digits teacher as Hugging Face's
               TensorFlow ViT writes it (TFViTForImageClassification.from_pretrained(from_pt=True)
               then save_pretrained), and tf_logits.npy, TensorFlow's logits on the digits test split

transformers 5.x has no TensorFlow, so the tf fixture runs in a second venv:
    python3 -m venv /opt/venv-tf
    /opt/venv-tf/bin/pip install "transformers<5" tensorflow tf-keras h5py safetensors torch
(point VITOPT_TF_PYTHON at its python if it lives elsewhere). It is run as
`$VITOPT_TF_PYTHON samples/gen_hdf5.py tf`.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent
TF_PYTHON = os.environ.get("VITOPT_TF_PYTHON", "/opt/venv-tf/bin/python")


def gen_hdf5_plain():
    """h5py dump of timm-variants' state dict in nested groups; reloaded by torch to check."""
    import h5py
    import torch
    from safetensors.torch import load_file

    src = ROOT / "timm-variants"
    sd = load_file(str(src / "model.safetensors"))
    out = ROOT / "hdf5" / "plain"
    out.mkdir(parents=True, exist_ok=True)
    path = out / "model.h5"
    with h5py.File(path, "w") as f:
        for name, t in sorted(sd.items()):
            # one tensor chunked + gzip/shuffle (libhdf5's filtered read path), the rest contiguous
            # (the zero-copy path); compressing every small tensor would cost more than it saves
            filters = {"compression": "gzip", "shuffle": True} if name == "blocks.0.mlp.fc1.weight" else {}
            f.create_dataset(name.replace(".", "/"), data=t.numpy(), **filters)
    shutil.copy(src / "config.json", out / "config.json")

    # read it back the way a user of h5py would, and check the model gives the golden logits
    from timm.models.vision_transformer import VisionTransformer

    from generate import VARIANT_ARGS  # noqa: E402  (same directory)

    loaded = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda n, o: loaded.__setitem__(n.replace("/", "."), torch.from_numpy(o[()]))
                     if isinstance(o, h5py.Dataset) else None)
    assert set(loaded) == set(sd) and all(torch.equal(loaded[k], sd[k]) for k in sd)
    model = VisionTransformer(**VARIANT_ARGS).eval()
    model.load_state_dict(loaded)
    x = torch.from_numpy(np.load(src / "input.npy"))
    with torch.no_grad():
        diff = float((model(x) - torch.from_numpy(np.load(src / "logits.npy"))).abs().max())
    assert diff == 0.0, f"plain HDF5 reload differs by {diff}"


def gen_hdf5_odd():
    """Small files for the error paths, written by h5py: an unsupported dataset type and a Keras 3
    weights file whose unnamed variables do not form a ViT."""
    import h5py

    out = ROOT / "hdf5" / "odd"
    out.mkdir(parents=True, exist_ok=True)
    with h5py.File(out / "compound.h5", "w") as f:
        f.create_dataset("patch_embed/proj/weight", data=np.zeros(2, dtype=[("re", "<f4"), ("im", "<f4")]))
        f.create_dataset("patch_embed/proj/bias", data=np.zeros(4, dtype="<f4"))
    with h5py.File(out / "keras3_mlp.weights.h5", "w") as f:
        f.create_group("layers/dense/vars").create_dataset("0", data=np.zeros((8, 4), "<f4"))
        f["layers/dense/vars"].create_dataset("1", data=np.zeros(4, "<f4"))
        f.create_group("layers/dense_1/vars").create_dataset("0", data=np.zeros((4, 2), "<f4"))
        f.create_group("vars")


def gen_hdf5_tf():
    """Run this file's `tf` entry point in the TensorFlow venv."""
    if not Path(TF_PYTHON).exists():
        raise SystemExit(f"hdf5-tf needs a TensorFlow venv at {TF_PYTHON} (see samples/gen_hdf5.py)")
    subprocess.run([TF_PYTHON, str(Path(__file__).resolve()), "tf"], check=True)


def _tf_main():
    import tensorflow as tf
    import transformers
    from transformers import TFViTForImageClassification

    tf.random.set_seed(0)
    hf = ROOT / "digits" / "hf"
    out = ROOT / "hdf5" / "tf"
    out.mkdir(parents=True, exist_ok=True)
    model = TFViTForImageClassification.from_pretrained(str(hf), from_pt=True)
    with tempfile.TemporaryDirectory() as tmp:
        model.save_pretrained(tmp, safe_serialization=False)
        shutil.copy(Path(tmp) / "tf_model.h5", out / "tf_model.h5")
        shutil.copy(Path(tmp) / "config.json", out / "config.json")
    reloaded = TFViTForImageClassification.from_pretrained(str(out))
    pixels = np.load(ROOT / "digits" / "test_pixels.npy").astype(np.float32)
    x = np.repeat(((pixels / 255.0 - 0.5) / 0.5)[:, None], 3, axis=1).astype(np.float32)
    logits = reloaded(pixel_values=x, training=False).logits.numpy().astype("<f4")
    np.save(out / "tf_logits.npy", np.ascontiguousarray(logits))
    golden = np.load(ROOT / "digits" / "test_logits.npy")
    diff = float(np.abs(logits - golden).max())
    print(f"  transformers {transformers.__version__}, tensorflow {tf.__version__}: "
          f"TF vs PyTorch logits max |diff| = {diff:.2e}")
    assert diff < 1e-4


if __name__ == "__main__":
    if sys.argv[1:] == ["tf"]:
        _tf_main()
    else:
        sys.exit("usage: gen_hdf5.py tf  (other fixtures run through generate.py)")
