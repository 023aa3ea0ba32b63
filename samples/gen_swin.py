#!/usr/bin/env python3
"""Reference fixtures for Swin Transformer v1 (issue #14), in samples/swin/.

Tiny, randomly initialised Swin models saved by their own libraries, with goldens computed by
those libraries in fp32 eval mode:

  timm      timm `swin_tiny_patch4_window7_224` rebuilt tiny (img 32, patch 4, embed 16, depths
            (2, 2), heads (2, 4), window 4, 5 classes): stage 0 is an 8x8 grid in 4x4 windows with
            a (2, 2) cyclic shift in its second block; stage 1 is 4x4, where timm and transformers
            clamp the window to the grid and drop the shift. Saved with timm's `save_for_hf`.
  hf        transformers `SwinForImageClassification` with the SAME weights (renamed by
            `timm_to_hf` below, loaded strictly), saved with `save_pretrained`.
  hf-model  transformers `SwinModel` (window 2, heads (1, 2): both stages shift), its own weights;
            outputs `last_hidden_state` and `pooler_output`.

Each folder holds the model files, one `<output>.npy` per output on `../input.npy` ([2,3,32,32]
randn, seed 1400). `timm/resize/` holds timm's outputs when the checkpoint is built at another
size: `img64/` (`img_size=64`, same window: no parameter changes) and `img64_window8/`
(`img_size=64, window_size=8`: timm's `checkpoint_filter_fn` resizes every
`relative_position_bias_table` with `resize_rel_pos_bias_table`; the resized tables are saved),
on `../resize_input.npy` ([1,3,64,64] randn, seed 1401). `timm/onnx/` and `hf/onnx/` hold
torch.onnx TorchScript and dynamo exports with ONNX Runtime goldens.

Run from the repository root: `/work/venv/bin/python samples/gen_swin.py` (~1 minute). Runs are
byte-for-byte reproducible since session 8 seeded the global generator (the libraries' own
initialisation, e.g. the patch-embedding Conv2d bias, draws from it); the committed files come from an
earlier, unseeded run of the same script, so a re-run writes different random weights (and every
golden with them) — the figures in docs/families.md are those of the committed files. Needs torch,
timm, transformers, onnx, onnxruntime, onnxscript, safetensors. Index: samples/swin/index.json.
"""

import json
import re
import sys
from collections import OrderedDict
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gen_families as fam  # noqa: E402
from generate import save_npy, setup_torch  # noqa: E402

ROOT = Path(__file__).resolve().parent / "swin"
fam.ROOT = ROOT  # the shared helpers write index paths relative to this folder
SIZE_BUDGET = 1_500_000

SIZE, NEW_SIZE, CLASSES = 32, 64, 5
TIMM_ARGS = OrderedDict(img_size=SIZE, patch_size=4, embed_dim=16, depths=(2, 2), num_heads=(2, 4), window_size=4,
                        num_classes=CLASSES)
HF_MODEL_ARGS = OrderedDict(image_size=SIZE, patch_size=4, embed_dim=16, depths=[2, 2], num_heads=[1, 2],
                            window_size=2)


def timm_to_hf(sd):
    """timm SwinTransformer (downsample at the start of stages 1..) -> transformers Swin names
    (downsample at the end of stages 0..; q, k, v split from qkv; `swin.` prefix, `classifier`).
    transformers 5 loads its legacy on-disk names (`attention.self.query`, ...) through its own
    conversion mapping, so these are the names `save_pretrained` writes."""
    out = OrderedDict()
    for k, v in sd.items():
        m = re.match(r"layers\.(\d+)\.downsample\.(.*)", k)
        if m:
            out[f"swin.encoder.layers.{int(m.group(1)) - 1}.downsample.{m.group(2)}"] = v
            continue
        m = re.match(r"layers\.(\d+)\.blocks\.(\d+)\.(.*)", k)
        if m:
            p = f"swin.encoder.layers.{m.group(1)}.blocks.{m.group(2)}."
            rest = m.group(3)
            if rest.startswith("attn.qkv."):
                kind = rest.split(".")[-1]
                for name, part in zip(("query", "key", "value"), v.chunk(3, 0)):
                    out[p + f"attention.self.{name}.{kind}"] = part.clone()
                continue
            rest = (rest.replace("norm1.", "layernorm_before.").replace("norm2.", "layernorm_after.")
                    .replace("attn.relative_position_bias_table", "attention.self.relative_position_bias_table")
                    .replace("attn.proj.", "attention.output.dense.").replace("mlp.fc1.", "intermediate.dense.")
                    .replace("mlp.fc2.", "output.dense."))
            out[p + rest] = v
            continue
        k = (k.replace("patch_embed.proj.", "swin.embeddings.patch_embeddings.projection.")
             .replace("patch_embed.norm.", "swin.embeddings.norm.").replace("head.fc.", "classifier."))
        if k.startswith("norm."):
            k = "swin.layernorm." + k[len("norm."):]
        out[k] = v
    return out


def hf_load_strict(model, sd):
    """Loads the legacy-named state dict through transformers' own loading path (save to a
    scratch folder as safetensors, from_pretrained, no missing/unexpected keys)."""
    import tempfile

    from safetensors.torch import save_file

    with tempfile.TemporaryDirectory() as tmp:
        model.config.save_pretrained(tmp)
        save_file({k: v.contiguous() for k, v in sd.items()}, f"{tmp}/model.safetensors", metadata={"format": "pt"})
        return fam.hf_reload(type(model), tmp)


def timm_classifier_fixture(d, model, model_args, inputs, cls, family, architecture, label):
    """A timm classifier saved with `save_for_hf` (with its `model_args`), reloaded through timm and checked, its
    logits on `inputs.x` saved and recorded in the index with the input and the resize input. Returns the logits
    and the index entry (its `resize` record to be filled)."""
    from timm.models._hub import save_for_hf

    save_for_hf(model, str(d), model_args=dict(model_args), safe_serialization=True)
    reloaded = fam.timm_reload(d)
    with torch.no_grad():
        logits = model(inputs.x)
        fam.assert_close(reloaded(inputs.x), logits, label)
    entry = fam.add_entry(d, cls, family=family, library="timm", convention="timm", architecture=architecture,
                          model_args=model_args)
    entry["outputs"] = fam.save_outputs(d, OrderedDict(logits=logits))
    entry["input"] = fam.rel(inputs.path)
    entry["resize"] = OrderedDict(input=fam.rel(inputs.resize_path))
    return logits, entry


def hf_classifier_fixture(d, cls, cfg, state_dict, x, logits, inputs, family, converted_by,
                          label="transformers vs timm (same weights)"):
    """timm's weights (renamed) as the transformers classifier `cls(cfg)`, loaded strictly: its logits checked
    against timm's within 1e-5, saved with save_pretrained, reloaded, and recorded (outputs, input) in the index.
    Returns the model, its logits and the index entry."""
    hf = hf_load_strict(cls(cfg).eval(), state_dict)
    with torch.no_grad():
        hf_logits = hf(pixel_values=x).logits
    diff = fam.assert_close(hf_logits, logits, label, 1e-5)
    hf.save_pretrained(str(d), safe_serialization=True)
    fam.hf_reload(cls, d)
    entry = fam.add_entry(d, f"transformers.{cls.__name__}", family=family, library="transformers",
                          convention="hf", same_weights_as="timm", converted_by=converted_by,
                          max_abs_diff_vs_timm=diff)
    entry["outputs"] = fam.save_outputs(d, OrderedDict(logits=hf_logits))
    entry["input"] = fam.rel(inputs.path)
    return hf, hf_logits, entry


def timm_resize_record(directory, x, **kwargs):
    out_dir = fam.fresh_dir(directory)
    model = fam.timm_reload(ROOT / "timm", **kwargs)
    with torch.no_grad():
        logits = model(x)
    record = OrderedDict(how="timm.create_model('local-dir:samples/swin/timm', pretrained=True, "
                             + ", ".join(f"{k}={v}" for k, v in kwargs.items()) + ")",
                         outputs=fam.save_outputs(out_dir, OrderedDict(logits=logits)))
    tables = OrderedDict()
    for name, p in model.state_dict().items():
        if name.endswith("relative_position_bias_table"):
            path = out_dir / (name.replace(".", "_") + ".npy")
            save_npy(path, p)
            tables[name] = fam.rel(path)
    record["relative_position_bias_tables"] = tables
    return record


def gen_swin():
    import timm
    import transformers
    from transformers import SwinConfig, SwinForImageClassification, SwinModel

    # The libraries' own initialisation (e.g. the patch-embedding Conv2d bias, which `perturb` only adds
    # noise to) draws from the global generator: seeded, so that a run reproduces the committed files.
    torch.manual_seed(1400)
    inputs = fam.Inputs(ROOT, 1400, SIZE, NEW_SIZE)
    x = inputs.x

    # timm classifier
    d = fam.fresh_dir(ROOT / "timm")
    model = timm.create_model("swin_tiny_patch4_window7_224", pretrained=False, **TIMM_ARGS).eval()
    fam.perturb(model, 1410)
    logits, entry = timm_classifier_fixture(d, model, TIMM_ARGS, inputs, "timm.models.swin_transformer.SwinTransformer",
                                            family="swin", architecture="swin_tiny_patch4_window7_224", label="timm reload")
    entry["resize"]["img64"] = timm_resize_record(d / "resize" / "img64", inputs.xr, img_size=NEW_SIZE)
    entry["resize"]["img64_window8"] = timm_resize_record(d / "resize" / "img64_window8", inputs.xr,
                                                          img_size=NEW_SIZE, window_size=8)
    print("  onnx swin/timm")
    entry["onnx"] = fam.export_onnx(d / "onnx", model, lambda m, t: OrderedDict(logits=m(t)), x,
                                    OrderedDict(logits=logits))
    entry["files"] = fam.list_files(d)

    # the same weights as a transformers classifier
    d = fam.fresh_dir(ROOT / "hf")
    cfg = SwinConfig(image_size=SIZE, patch_size=4, embed_dim=16, depths=[2, 2], num_heads=[2, 4], window_size=4,
                     num_labels=CLASSES, layer_norm_eps=1e-5)
    hf, hf_logits, entry = hf_classifier_fixture(d, SwinForImageClassification, cfg, timm_to_hf(model.state_dict()),
                                                 x, logits, inputs, family="swin", converted_by="gen_swin.timm_to_hf")
    print("  onnx swin/hf")
    entry["onnx"] = fam.export_onnx(d / "onnx", hf, lambda m, t: OrderedDict(logits=m(pixel_values=t).logits), x,
                                    OrderedDict(logits=hf_logits))
    entry["files"] = fam.list_files(d)

    # a transformers backbone, shifted windows in both stages
    d = fam.fresh_dir(ROOT / "hf-model")
    backbone = SwinModel(SwinConfig(**HF_MODEL_ARGS)).eval()
    fam.perturb(backbone, 1420)
    fam.hf_fixture(d, SwinModel, backbone, inputs,
                   fam.add_entry(d, "transformers.SwinModel", family="swin", library="transformers", convention="hf",
                                 kwargs=HF_MODEL_ARGS),
                   resize=False, onnx=False)
    fam.ENTRIES[-1]["files"] = fam.list_files(d)

    versions = OrderedDict(torch=torch.__version__, timm=timm.__version__, transformers=transformers.__version__)
    index = OrderedDict(generator="samples/gen_swin.py", versions=versions,
                        conventions_note="paths are relative to samples/swin; every .npy is float32 C-order",
                        fixtures=sorted(fam.ENTRIES, key=lambda e: e["path"]))
    (ROOT / "index.json").write_text(json.dumps(index, indent=1) + "\n")


# --------------------------------------------------------------------------- Swin v2 (samples/swinv2/)
#
#   timm      timm `swinv2_tiny_window8_256` rebuilt tiny (img 32, patch 4, embed 16, depths (2, 2), heads
#             (2, 4), window 4, 5 classes): scaled cosine attention, continuous position bias (cpb_mlp),
#             q/v biases, res-post-norm, patch merging reduction-then-norm. The res-post-norm weights
#             (zero-initialised by timm) are set to 1 before the seeded perturbation, the q/v biases and
#             logit scales are drawn too, and one head's logit scale is set above log(100) so the clamp
#             is exercised. `timm/resize/img64/` (`img_size=64`: stage 1's window no longer clamped, its
#             table recomputed for the same window, now shifted) and `timm/resize/img64_window8/`
#             (`img_size=64, window_size=8, pretrained_window_sizes=(4, 4)`: the Swin v2 transfer to a
#             larger window, coordinates normalised by the pretraining window) hold timm's logits and
#             the tables it computes (16*sigmoid(cpb_mlp(relative_coords_table)), per block).
#   hf        transformers `Swinv2ForImageClassification` with the same weights (renamed by
#             `timm_v2_to_hf`, loaded strictly), saved with `save_pretrained`.
#   hf-model  transformers `Swinv2Model` (window 2, heads (1, 2), pretrained_window_sizes [3, 3]), its own
#             weights; outputs `last_hidden_state`, `pooler_output`.
# Inputs: ../swinv2/input.npy [2,3,32,32] randn seed 1500, resize_input.npy [1,3,64,64] seed 1501.

V2_ROOT = Path(__file__).resolve().parent / "swinv2"
V2_SIZE_BUDGET = 800_000
V2_TIMM_ARGS = OrderedDict(img_size=SIZE, patch_size=4, embed_dim=16, depths=(2, 2), num_heads=(2, 4), window_size=4,
                           num_classes=CLASSES)
V2_HF_MODEL_ARGS = OrderedDict(image_size=SIZE, patch_size=4, embed_dim=16, depths=[2, 2], num_heads=[1, 2],
                               window_size=2, pretrained_window_sizes=[3, 3])


def v2_prepare(model, seed, post_norm_names):
    """Res-post-norm weights to 1 (timm zero-initialises them), then the family perturbation, then
    q/v biases (zero-initialised, not touched by `perturb`) and logit scales drawn from the same seed."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if any(n in name for n in post_norm_names) and name.endswith(".weight"):
                p.fill_(1.0)
    fam.perturb(model, seed)
    g = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith(("q_bias", "v_bias", "query.bias", "value.bias")):
                p.copy_(torch.randn(p.shape, generator=g) * 0.3)
            if name.endswith("logit_scale"):
                p.copy_(torch.log(torch.rand(p.shape, generator=g) * 20 + 2))


def timm_v2_to_hf(sd):
    """timm SwinTransformerV2 -> transformers Swinv2 names (downsample at the end of stages 0..; q, k, v
    split from qkv with q_bias/v_bias as the query/value biases and no key bias; `swinv2.` prefix)."""
    out = OrderedDict()
    for k, v in sd.items():
        m = re.match(r"layers\.(\d+)\.downsample\.(.*)", k)
        if m:
            out[f"swinv2.encoder.layers.{int(m.group(1)) - 1}.downsample.{m.group(2)}"] = v
            continue
        m = re.match(r"layers\.(\d+)\.blocks\.(\d+)\.(.*)", k)
        if m:
            p = f"swinv2.encoder.layers.{m.group(1)}.blocks.{m.group(2)}."
            rest = m.group(3)
            if rest == "attn.qkv.weight":
                for name, part in zip(("query", "key", "value"), v.chunk(3, 0)):
                    out[p + f"attention.self.{name}.weight"] = part.clone()
                continue
            rest = (rest.replace("attn.q_bias", "attention.self.query.bias").replace("attn.v_bias", "attention.self.value.bias")
                    .replace("attn.logit_scale", "attention.self.logit_scale")
                    .replace("attn.cpb_mlp.", "attention.self.continuous_position_bias_mlp.")
                    .replace("norm1.", "layernorm_before.").replace("norm2.", "layernorm_after.")
                    .replace("attn.proj.", "attention.output.dense.").replace("mlp.fc1.", "intermediate.dense.")
                    .replace("mlp.fc2.", "output.dense."))
            out[p + rest] = v
            continue
        k = (k.replace("patch_embed.proj.", "swinv2.embeddings.patch_embeddings.projection.")
             .replace("patch_embed.norm.", "swinv2.embeddings.norm.").replace("head.fc.", "classifier."))
        if k.startswith("norm."):
            k = "swinv2.layernorm." + k[len("norm."):]
        out[k] = v
    return out


def v2_tables(model):
    """Per block: the bias table the forward pass adds, 16*sigmoid(cpb_mlp(relative_coords_table)),
    [(2Wh-1)(2Ww-1), heads]."""
    tables = OrderedDict()
    with torch.no_grad():
        for name, mod in model.named_modules():
            if hasattr(mod, "cpb_mlp"):
                tables[name] = 16 * torch.sigmoid(mod.cpb_mlp(mod.relative_coords_table).view(-1, mod.num_heads))
    return tables


def timm_v2_resize_record(directory, x, **kwargs):
    out_dir = fam.fresh_dir(directory)
    model = fam.timm_reload(V2_ROOT / "timm", **kwargs)
    with torch.no_grad():
        logits = model(x)
    record = OrderedDict(how="timm.create_model('local-dir:samples/swinv2/timm', pretrained=True, "
                             + ", ".join(f"{k}={v}" for k, v in kwargs.items()) + ")",
                         outputs=fam.save_outputs(out_dir, OrderedDict(logits=logits)))
    tables = OrderedDict()
    for name, t in v2_tables(model).items():
        path = out_dir / (name.replace(".", "_") + "_bias_table.npy")
        save_npy(path, t)
        tables[name] = fam.rel(path)
    record["bias_tables"] = tables
    return record


def gen_swinv2():
    import timm
    import transformers
    from transformers import Swinv2Config, Swinv2ForImageClassification, Swinv2Model

    fam.ROOT = V2_ROOT
    fam.ENTRIES.clear()
    torch.manual_seed(1500)  # the libraries' own initialisation, as in gen_swin
    inputs = fam.Inputs(V2_ROOT, 1500, SIZE, NEW_SIZE)
    x = inputs.x

    d = fam.fresh_dir(V2_ROOT / "timm")
    model = timm.create_model("swinv2_tiny_window8_256", pretrained=False, **V2_TIMM_ARGS).eval()
    v2_prepare(model, 1510, ("norm1", "norm2"))
    with torch.no_grad():
        model.layers[1].blocks[0].attn.logit_scale[1] = 5.0  # above log(100): clamped
    logits, entry = timm_classifier_fixture(d, model, V2_TIMM_ARGS, inputs, "timm.models.swin_transformer_v2.SwinTransformerV2",
                                            family="swinv2", architecture="swinv2_tiny_window8_256", label="timm v2 reload")
    entry["resize"]["img64"] = timm_v2_resize_record(d / "resize" / "img64", inputs.xr, img_size=NEW_SIZE)
    entry["resize"]["img64_window8"] = timm_v2_resize_record(d / "resize" / "img64_window8", inputs.xr, img_size=NEW_SIZE,
                                                             window_size=8, pretrained_window_sizes=(4, 4))
    entry["files"] = fam.list_files(d)

    d = fam.fresh_dir(V2_ROOT / "hf")
    cfg = Swinv2Config(image_size=SIZE, patch_size=4, embed_dim=16, depths=[2, 2], num_heads=[2, 4], window_size=4,
                       num_labels=CLASSES, layer_norm_eps=1e-5)
    _, _, entry = hf_classifier_fixture(d, Swinv2ForImageClassification, cfg, timm_v2_to_hf(model.state_dict()),
                                        x, logits, inputs, family="swinv2", converted_by="gen_swin.timm_v2_to_hf",
                                        label="transformers v2 vs timm (same weights)")
    entry["files"] = fam.list_files(d)

    d = fam.fresh_dir(V2_ROOT / "hf-model")
    backbone = Swinv2Model(Swinv2Config(**V2_HF_MODEL_ARGS)).eval()
    v2_prepare(backbone, 1520, ("layernorm_before", "layernorm_after"))
    fam.hf_fixture(d, Swinv2Model, backbone, inputs,
                   fam.add_entry(d, "transformers.Swinv2Model", family="swinv2", library="transformers", convention="hf",
                                 kwargs=V2_HF_MODEL_ARGS),
                   resize=False, onnx=False)
    fam.ENTRIES[-1]["files"] = fam.list_files(d)

    versions = OrderedDict(torch=torch.__version__, timm=timm.__version__, transformers=transformers.__version__)
    index = OrderedDict(generator="samples/gen_swin.py (gen_swinv2)", versions=versions,
                        conventions_note="paths are relative to samples/swinv2; every .npy is float32 C-order",
                        fixtures=sorted(fam.ENTRIES, key=lambda e: e["path"]))
    (V2_ROOT / "index.json").write_text(json.dumps(index, indent=1) + "\n")


def main(argv=None):
    """`gen_swin.py` writes samples/swin/ and samples/swinv2/; `gen_swin.py v2` only samples/swinv2/."""
    argv = sys.argv[1:] if argv is None else argv
    setup_torch()
    ok = True
    if "v2" not in argv:
        ROOT.mkdir(parents=True, exist_ok=True)
        gen_swin()
        total = sum(p.stat().st_size for p in ROOT.rglob("*") if p.is_file())
        print(f"samples/swin: {total} bytes (budget {SIZE_BUDGET})")
        ok = total <= SIZE_BUDGET
    setup_torch()
    V2_ROOT.mkdir(parents=True, exist_ok=True)
    gen_swinv2()
    total = sum(p.stat().st_size for p in V2_ROOT.rglob("*") if p.is_file())
    print(f"samples/swinv2: {total} bytes (budget {V2_SIZE_BUDGET})")
    return 0 if ok and total <= V2_SIZE_BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
