#!/usr/bin/env python3
"""Reference fixtures for the model families of issue #13 (samples/families/).

Each fixture is a tiny, randomly initialised model of one family, saved the way its own library
saves it, with goldens computed by that library in fp32 eval mode:

  clip      OpenCLIP `visual` tower, timm `vit_base_patch16_clip_quickgelu_224` and HF
            `CLIPVisionModel` / `CLIPVisionModelWithProjection`, all four the SAME weights (converted
            from the OpenCLIP state dict by timm's `checkpoint_filter_fn` and by this script's
            OpenCLIP -> HF renaming); timm `vit_base_patch16_clip_224` (GELU) on its own weights
  siglip    timm `vit_base_patch16_siglip_224` with and without classifier, HF `SiglipVisionModel`
  dinov2    HF `Dinov2Model`, `Dinov2WithRegistersModel`, `Dinov2ForImageClassification`, SwiGLU,
            timm `vit_small_patch14_dinov2`
  plain     timm `vit_medium_patch16_gap_256`, `flexivit_small`, `vit_so150m_patch16_reg4_gap_256`,
            HF `ViTMAEModel`
  rope      timm `eva02_tiny_patch14_224`, `eva02_base_patch14_224` (unfused q/k/v, split SwiGLU with
            the inner MLP norm), timm `vit_small_patch16_dinov3`, HF `DINOv3ViTModel`
  dinov2_registers  HF `Dinov2WithRegistersModel`, `...ForImageClassification`, timm
            `vit_small_patch14_reg4_dinov2` (the same weights, by timm's checkpoint_filter_fn)
  siglip2   HF `Siglip2VisionModel` at its native grid, timm's SigLIP 2 architecture (same weights)
  beit      timm `beit_base_patch16_224`, HF `BeitForImageClassification` (the same weights), HF
            `BeitModel` with a shared relative position bias and an absolute table
  data2vec_vision  HF `Data2VecVisionForImageClassification`
  hybrid    the state dict (fp16, no goldens) of a tiny timm hybrid ViT with a ResNetV2 stem

Every fixture folder holds the model files, `input.npy` ([2,3,H,W] randn), one `<output>.npy` per
output, `resize/` (the family's own resize at another resolution) and `onnx/` (torch.onnx
TorchScript and dynamo exports sharing one external `weights.data`, with ONNX Runtime goldens).
`samples/families/index.json` lists every fixture (see samples/README.md, "Model families").

Run from the repository root: `.venv/bin/python samples/gen_families.py` (all, ~3 minutes) or
`--only clip` (one family; the index keeps the other families' entries). Needs torch, timm,
transformers, open_clip_torch, onnx, onnxruntime, onnxscript, safetensors (versions in
samples/README.md and index.json).
"""

import argparse
import io
import json
import shutil
import sys
from collections import OrderedDict
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import save_npy, setup_torch  # noqa: E402
from gen_onnx import _share_external  # noqa: E402

ROOT = Path(__file__).resolve().parent / "families"
INDEX = ROOT / "index.json"
SIZE_BUDGET = 5_000_000  # bytes for all of samples/families (3 MB before the #13/#14 families of session 6)

# Noise added to identity- or zero-initialised parameters so that a reader that ignores them fails.
NOISE_NORM = 0.1  # LayerNorm / RMSNorm weight and bias
NOISE_SCALE = 0.2  # LayerScale gamma (timm `ls*.gamma`, HF `lambda1`): tiny inits (1e-5) would mute the blocks
NOISE_TOKEN = 0.2  # class / register / mask tokens, position embeddings, attention-pool probe
NOISE_BIAS = 0.05  # every other bias (most libraries initialise them to zero)

TOKEN_NAMES = ("cls_token", "reg_token", "class_embedding", "positional_embedding", "pos_embed",
               "position_embedding", "position_embeddings", "register_tokens", "mask_token", "latent",
               "probe", "storage_tokens")

ENTRIES = []  # index entries produced in this run


# --------------------------------------------------------------------------- helpers

def rel(path):
    return Path(path).relative_to(ROOT).as_posix()


def fresh_dir(path):
    path = Path(path)
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def perturb(model, seed):
    """Seeded re-randomisation, in module order, so that every parameter matters to the output:
    every weight matrix / conv kernel is redrawn from N(0, 1/fan_in) (the libraries' std-0.02 inits
    make tiny models almost input-independent), and noise is added to every norm weight/bias,
    LayerScale gamma, token / position embedding and bias, so identity- and zero-initialised
    parameters are exercised. Returns the names of the parameters touched."""
    g = torch.Generator().manual_seed(seed)
    touched = []
    with torch.no_grad():
        for mod_name, mod in model.named_modules():
            cls = type(mod).__name__
            for pname, p in mod.named_parameters(recurse=False):
                full = f"{mod_name}.{pname}" if mod_name else pname
                is_token = pname in TOKEN_NAMES or any(t in full for t in TOKEN_NAMES)
                if p.dim() >= 2 and not is_token and "Norm" not in cls:
                    # open_clip's `proj` is used as x @ proj: its fan-in is the first dimension.
                    fan_in = p.shape[0] if pname == "proj" else int(np.prod(p.shape[1:]))
                    p.copy_(torch.randn(p.shape, generator=g) / fan_in ** 0.5)
                    touched.append(full)
                    continue
                if "Norm" in cls:
                    sigma = NOISE_NORM
                elif "LayerScale" in cls or pname in ("gamma", "lambda1", "gamma_1", "gamma_2"):
                    sigma = NOISE_SCALE
                elif is_token:
                    sigma = NOISE_TOKEN
                elif pname == "bias":
                    sigma = NOISE_BIAS
                else:
                    continue
                p.add_(torch.randn(p.shape, generator=g) * sigma)
                touched.append(full)
    return touched


def make_input(seed, size, batch=2):
    g = torch.Generator().manual_seed(seed)
    h, w = (size, size) if isinstance(size, int) else size
    return torch.randn(batch, 3, h, w, generator=g)


class Inputs:
    """The family's shared inputs, stored once in the family folder (every fixture of a family has
    the same image size): `input.npy` [2,3,S,S] randn (generator seed `seed`) and
    `resize_input.npy` [1,3,N,N] randn (seed `seed + 1`) for the resize goldens."""

    def __init__(self, family_dir, seed, size, new_size):
        self.x, self.size = make_input(seed, size), size
        self.path = Path(family_dir) / "input.npy"
        save_npy(self.path, self.x)
        self.new_size = new_size
        if new_size is not None:
            self.xr = make_input(seed + 1, new_size, batch=1)
            self.resize_path = Path(family_dir) / "resize_input.npy"
            save_npy(self.resize_path, self.xr)


def save_outputs(directory, outputs, prefix=""):
    """outputs: OrderedDict name -> tensor. Writes `<prefix><name>.npy`, returns name -> file."""
    files = OrderedDict()
    for name, value in outputs.items():
        if not value.is_floating_point():  # e.g. ViTMAE's ids_restore
            path = Path(directory) / f"{prefix}{name}.npy"
            save_npy(path, value, np.int64)
            files[name] = rel(path)
            continue
        if value.shape[0] > 1 and name != "mask":
            # a golden that barely changes with the input would not test the trunk
            spread = float(value.std(0).mean() / value.std().clamp_min(1e-12))
            assert spread > 0.05, f"{directory}/{name}: output nearly independent of the input ({spread:.3g})"
        path = Path(directory) / f"{prefix}{name}.npy"
        save_npy(path, value)
        files[name] = rel(path)
    return files


def hf_outputs(out):
    """Every tensor field of a transformers ModelOutput, in the model's own order."""
    return OrderedDict((k, v.detach()) for k, v in out.items() if isinstance(v, torch.Tensor))


def assert_close(a, b, what, atol=0.0):
    diff = float((torch.as_tensor(a) - torch.as_tensor(b)).abs().max())
    assert diff <= atol, f"{what}: max diff {diff} > {atol}"
    return diff


def timm_outputs(model, x):
    """logits (model(x)), last_hidden_state (forward_features), pre_logits (forward_head(pre_logits=True))."""
    with torch.no_grad():
        feats = model.forward_features(x)
        out = OrderedDict([("logits", model.forward_head(feats)),
                           ("last_hidden_state", feats),
                           ("pre_logits", model.forward_head(feats, pre_logits=True))])
        assert_close(model(x), out["logits"], "timm forward vs forward_head(forward_features)")
    return out


class OutputsWrapper(torch.nn.Module):
    """Makes a model's named outputs a tuple for torch.onnx (fn(model, x) -> OrderedDict)."""

    def __init__(self, model, fn):
        super().__init__()
        self.model, self.fn = model, fn

    def forward(self, pixel_values):
        return tuple(self.fn(self.model, pixel_values).values())


def ort_run_all(path, x):
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 2
    sess = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    name = sess.get_inputs()[0].name
    return sess.run(None, {name: np.ascontiguousarray(x, dtype=np.float32)})


def export_onnx(directory, model, fn, x, reference, dynamic_batch=True):
    """torch.onnx.export of `fn(model, x)` (an OrderedDict of outputs) with the TorchScript exporter
    (opset 17) and the dynamo exporter (its default opset), both sharing one `weights.data`.
    Writes `ort_torchscript_<output>.npy` / `ort_dynamo_<output>.npy` (ONNX Runtime on x) and returns
    the index record: files, opsets, max |ORT - PyTorch| per exporter, or the exporter's error text."""
    import onnx

    directory = fresh_dir(directory)
    names = list(reference.keys())
    wrapper = OutputsWrapper(model, fn).eval()
    record = OrderedDict(outputs=names)
    protos = OrderedDict()
    # TorchScript exporter. nn.MultiheadAttention's inference fast path (aten::_native_multi_head_attention)
    # has no ONNX symbolic: on that error, record it and export again with the fast path off
    # (torch.backends.mha.set_fastpath_enabled(False)), as users of such models do.
    axes = {n: {0: "batch"} for n in ["pixel_values"] + names} if dynamic_batch else None
    for attempt in ("plain", "mha_fastpath_off"):
        try:
            buf = io.BytesIO()
            if attempt == "mha_fastpath_off":
                torch.backends.mha.set_fastpath_enabled(False)
            torch.onnx.export(wrapper, (x,), buf, dynamo=False, opset_version=17, input_names=["pixel_values"],
                              output_names=names, dynamic_axes=axes)
            protos["torchscript"] = onnx.load_from_string(buf.getvalue())
            if attempt != "plain":
                record["torchscript_workaround"] = "torch.backends.mha.set_fastpath_enabled(False)"
            break
        except Exception as e:  # recorded in index.json and samples/README.md
            error = f"{type(e).__name__}: {str(e).strip().splitlines()[0][:300]}"
            record["torchscript_error" if attempt == "plain" else "torchscript_workaround_error"] = error
            print(f"    torchscript export ({attempt}) failed: {error}")
            if "_native_multi_head_attention" not in error:
                break
        finally:
            torch.backends.mha.set_fastpath_enabled(True)
    # Dynamo exporter.
    try:
        kwargs = dict(dynamic_shapes=({0: torch.export.Dim("batch", min=1, max=1024)},)) if dynamic_batch else {}
        prog = torch.onnx.export(wrapper, (x,), dynamo=True, input_names=["pixel_values"], output_names=names,
                                 **kwargs)
        proto = prog.model_proto
        for node in proto.graph.node:  # the exporter's per-node debug records (FX text, stack traces)
            del node.metadata_props[:]
        protos["dynamo"] = proto
    except Exception as e:
        record["dynamo_error"] = f"{type(e).__name__}: {str(e).splitlines()[0][:300]}"
        print(f"    dynamo export failed: {record['dynamo_error']}")
    if not protos:
        return record
    _share_external(list(protos.values()), directory)
    record["weights"] = rel(directory / "weights.data")
    for kind, proto in protos.items():
        path = directory / f"{kind}.onnx"
        onnx.save_model(proto, str(path))
        onnx.checker.check_model(str(path))
        got = ort_run_all(path, x.numpy())
        files, diffs = OrderedDict(), OrderedDict()
        for name, value in zip(names, got):
            diffs[name] = float(np.abs(value.astype(np.float64) - reference[name].numpy().astype(np.float64)).max())
            assert diffs[name] <= 1e-4, f"{path}: ORT {name} differs from PyTorch by {diffs[name]}"
            out = directory / f"ort_{kind}_{name}.npy"
            save_npy(out, value, np.float32 if np.issubdtype(value.dtype, np.floating) else np.int64)
            files[name] = rel(out)
        record[kind] = OrderedDict(file=rel(path), opset=proto.opset_import[0].version,
                                   ort_outputs=files, max_abs_diff_vs_pytorch=diffs,
                                   dynamic_batch=dynamic_batch)
        print(f"    {rel(path)}: opset {record[kind]['opset']}, {len(proto.graph.node)} nodes, "
              f"max |ORT - torch| {max(diffs.values()):.3g}")
    return record


def list_files(directory):
    return sorted(rel(p) for p in Path(directory).rglob("*") if p.is_file())


def add_entry(directory, cls, **fields):
    """An index.json record: path, family, library, class (the Python class), convention, ..."""
    entry = OrderedDict(path=rel(directory), family=fields.pop("family"), library=fields.pop("library"))
    entry["class"] = cls
    entry.update(fields)
    entry["files"] = list_files(directory)
    ENTRIES.append(entry)
    return entry


# --------------------------------------------------------------------------- timm helpers

def timm_save(model, directory):
    """timm's own hub layout: model.safetensors + config.json from timm.models._hub.save_for_hf."""
    from timm.models._hub import save_for_hf

    save_for_hf(model, str(directory), safe_serialization=True)


def timm_reload(directory, **kwargs):
    import timm

    return timm.create_model(f"local-dir:{directory}", pretrained=True, **kwargs).eval()


def timm_fixture(directory, model, inputs, entry, onnx=True):
    """Saves a timm model, checks timm's reload, writes goldens, resize/ and onnx/."""
    directory = Path(directory)
    x = inputs.x
    timm_save(model, directory)
    reloaded = timm_reload(directory)
    outputs = timm_outputs(model, x)
    for name, value in timm_outputs(reloaded, x).items():
        assert_close(value, outputs[name], f"{directory} reload {name}")
    entry["outputs"] = save_outputs(directory, outputs)
    entry["input"] = rel(inputs.path)
    entry["weights"] = rel(directory / "model.safetensors")
    entry["config"] = rel(directory / "config.json")
    if inputs.new_size is not None:
        entry["resize"] = timm_resize(directory, inputs)
    if onnx:
        print(f"  onnx {rel(directory)}")
        entry["onnx"] = export_onnx(directory / "onnx", model, lambda m, t: OrderedDict(logits=m(t)), x,
                                    OrderedDict(logits=outputs["logits"]))
    return outputs


def timm_resize(directory, inputs):
    """timm.create_model(local-dir, img_size=NEW): its checkpoint_filter_fn resamples pos_embed
    (resample_abs_pos_embed, bicubic, antialias)."""
    new_size = inputs.new_size
    model = timm_reload(directory, img_size=new_size)
    out_dir = fresh_dir(Path(directory) / "resize")
    x = inputs.xr
    record = OrderedDict(how=f"timm.create_model('local-dir:DIR', pretrained=True, img_size={new_size})",
                         img_size=new_size, input=rel(inputs.resize_path))
    if getattr(model, "pos_embed", None) is not None:
        save_npy(out_dir / "pos_embed.npy", model.pos_embed)
        record["pos_embed"] = rel(out_dir / "pos_embed.npy")
    else:
        record["pos_embed"] = None
        record["note"] = "no absolute position embedding (RoPE): nothing to resample"
    record["outputs"] = save_outputs(out_dir, timm_outputs(model, x))
    return record


# --------------------------------------------------------------------------- CLIP

CLIP_SIZE, CLIP_PATCH, CLIP_WIDTH, CLIP_HEAD_WIDTH, CLIP_LAYERS, CLIP_MLP, CLIP_EMBED = 32, 8, 16, 8, 2, 2.0, 12
CLIP_NEW_SIZE = 48


def openclip_model_cfg():
    """open_clip's model config (the `model_cfg` of open_clip_config.json): a tiny ViT image tower
    with QuickGELU (OpenAI CLIP's activation) and a 1-layer text tower with a 64-token vocabulary."""
    return OrderedDict(
        embed_dim=CLIP_EMBED, quick_gelu=True,
        vision_cfg=OrderedDict(image_size=CLIP_SIZE, layers=CLIP_LAYERS, width=CLIP_WIDTH,
                               head_width=CLIP_HEAD_WIDTH, mlp_ratio=CLIP_MLP, patch_size=CLIP_PATCH),
        text_cfg=OrderedDict(context_length=8, vocab_size=64, width=16, heads=2, layers=1))


def openclip_outputs(visual, x):
    """image_embeds = visual(x) (= encode_image: ln_post(class token) @ proj); tokens = ln_post of
    the patch tokens (visual.output_tokens = True)."""
    with torch.no_grad():
        visual.output_tokens = True
        pooled, tokens = visual(x)
        visual.output_tokens = False
        return OrderedDict(image_embeds=pooled, tokens=tokens)


def openclip_to_hf(visual_sd, with_projection):
    """OpenCLIP `visual.*` -> HF CLIPVisionModel(WithProjection) names. transformers ships no
    OpenCLIP converter, so this is the script's own renaming: in_proj is split into q/k/v in that
    order, `proj` [width, embed] becomes `visual_projection.weight` [embed, width]. Values are copied
    unchanged (bit-exact)."""
    out = OrderedDict()
    p = "vision_model."
    for k, v in visual_sd.items():
        k = k[len("visual."):]
        if k == "proj":
            if with_projection:
                out["visual_projection.weight"] = v.t().contiguous()
            continue
        if k == "class_embedding":
            out[p + "embeddings.class_embedding"] = v
        elif k == "conv1.weight":
            out[p + "embeddings.patch_embedding.weight"] = v
        elif k == "positional_embedding":
            out[p + "embeddings.position_embedding.weight"] = v
        elif k.startswith("ln_pre."):
            out[p + "pre_layrnorm." + k[len("ln_pre."):]] = v
        elif k.startswith("ln_post."):
            out[p + "post_layernorm." + k[len("ln_post."):]] = v
        elif k.startswith("transformer.resblocks."):
            i, rest = k[len("transformer.resblocks."):].split(".", 1)
            q = f"{p}encoder.layers.{i}."
            if rest in ("attn.in_proj_weight", "attn.in_proj_bias"):
                kind = "weight" if rest.endswith("weight") else "bias"
                for name, part in zip(("q_proj", "k_proj", "v_proj"), v.chunk(3, dim=0)):
                    out[f"{q}self_attn.{name}.{kind}"] = part.contiguous()
            else:
                rest = (rest.replace("attn.out_proj", "self_attn.out_proj").replace("ln_1", "layer_norm1")
                        .replace("ln_2", "layer_norm2").replace("mlp.c_fc", "mlp.fc1").replace("mlp.c_proj", "mlp.fc2"))
                out[q + rest] = v
        else:
            raise KeyError(f"unmapped OpenCLIP tensor visual.{k}")
    return out


def hf_clip_config(hidden_act):
    from transformers import CLIPVisionConfig

    return CLIPVisionConfig(hidden_size=CLIP_WIDTH, intermediate_size=int(CLIP_WIDTH * CLIP_MLP),
                            num_hidden_layers=CLIP_LAYERS, num_attention_heads=CLIP_WIDTH // CLIP_HEAD_WIDTH,
                            image_size=CLIP_SIZE, patch_size=CLIP_PATCH, projection_dim=CLIP_EMBED,
                            hidden_act=hidden_act, layer_norm_eps=1e-5)


def hf_save(model, directory, processor=None):
    """save_pretrained (config.json + model.safetensors) and the image processor's save_pretrained."""
    model.save_pretrained(str(directory), safe_serialization=True)
    if processor is not None:
        processor.save_pretrained(str(directory))


def hf_reload(cls, directory):
    model, info = cls.from_pretrained(str(directory), output_loading_info=True)
    for key in ("missing_keys", "unexpected_keys", "mismatched_keys"):
        assert not info.get(key), f"{directory}: {key} = {info[key]}"
    return model.eval()


def hf_fixture(directory, cls, model, inputs, entry, processor=None, resize=True, onnx=True,
               forward_kwargs=None, resize_kwargs=None):
    """save_pretrained + strict reload check + goldens for every output + interpolate_pos_encoding
    resize + ONNX exports."""
    directory = Path(directory)
    forward_kwargs = forward_kwargs or {}
    if not callable(forward_kwargs):
        forward_kwargs = dict(forward_kwargs)
    x = inputs.x
    kwargs_for = forward_kwargs if callable(forward_kwargs) else (lambda t: forward_kwargs)
    hf_save(model, directory, processor)
    reloaded = hf_reload(cls, directory)
    with torch.no_grad():
        outputs = hf_outputs(model(pixel_values=x, **kwargs_for(x)))
        for name, value in hf_outputs(reloaded(pixel_values=x, **kwargs_for(x))).items():
            assert_close(value, outputs[name], f"{directory} reload {name}")
    entry["outputs"] = save_outputs(directory, outputs)
    entry["input"] = rel(inputs.path)
    entry["weights"] = rel(directory / "model.safetensors")
    entry["config"] = rel(directory / "config.json")
    if processor is not None:
        entry["preprocessor_config"] = rel(directory / "preprocessor_config.json")
    if resize and inputs.new_size is not None:
        out_dir = fresh_dir(directory / "resize")
        xr = inputs.xr
        resize_kwargs = {"interpolate_pos_encoding": True} if resize_kwargs is None else resize_kwargs
        with torch.no_grad():
            res = hf_outputs(model(pixel_values=xr, **resize_kwargs, **kwargs_for(xr)))
        how = "model(pixel_values=x" + "".join(f", {k}={v!r}" for k, v in resize_kwargs.items()) + ")"
        entry["resize"] = OrderedDict(how=how, img_size=inputs.new_size, input=rel(inputs.resize_path),
                                      outputs=save_outputs(out_dir, res))
        embeddings = getattr(getattr(model, "base_model", model), "embeddings", None)
        has_table = any(getattr(embeddings, n, None) is not None for n in ("position_embeddings", "position_embedding"))
        if embeddings is not None and hasattr(embeddings, "interpolate_pos_encoding") and has_table:
            # the resampled table the forward pass used: interpolate_pos_encoding(embeddings, H, W)
            # reads only the token count and width of its first argument (the count only to skip
            # the work when nothing changes, which is never the case here)
            grid = (inputs.new_size // model.config.patch_size) ** 2
            dummy = torch.zeros(1, grid + 1, model.config.hidden_size)
            with torch.no_grad():
                table = embeddings.interpolate_pos_encoding(dummy, inputs.new_size, inputs.new_size)
            save_npy(out_dir / "position_embeddings.npy", table)
            entry["resize"]["position_embeddings"] = rel(out_dir / "position_embeddings.npy")
            entry["resize"]["position_embeddings_how"] = (f"model.embeddings.interpolate_pos_encoding(<[1,{grid + 1},"
                                                          f"{model.config.hidden_size}]>, {inputs.new_size}, {inputs.new_size})")
    if onnx:
        print(f"  onnx {rel(directory)}")

        def fn(m, t):
            return hf_outputs(m(pixel_values=t, **kwargs_for(t)))

        entry["onnx"] = export_onnx(directory / "onnx", model, fn, x, outputs)
    return outputs


def gen_clip():
    import open_clip
    import timm
    from open_clip.push_to_hf_hub import save_config_for_hf
    from timm.models.vision_transformer import checkpoint_filter_fn
    from transformers import CLIPImageProcessor, CLIPVisionModel, CLIPVisionModelWithProjection

    family = fresh_dir(ROOT / "clip")
    inputs = Inputs(family, 1000, CLIP_SIZE, CLIP_NEW_SIZE)
    x = inputs.x

    # 1. OpenCLIP: a whole tiny CLIP (open_clip.CLIP), saved as open_clip's hub folder.
    torch.manual_seed(1)
    cfg = openclip_model_cfg()
    clip = open_clip.CLIP(**cfg).eval()
    perturb(clip.visual, 101)
    clip.visual.image_mean = open_clip.OPENAI_DATASET_MEAN  # what open_clip.create_model sets
    clip.visual.image_std = open_clip.OPENAI_DATASET_STD
    oc_dir = family / "openclip"
    oc_dir.mkdir()
    full_sd = OrderedDict((k, v.contiguous()) for k, v in clip.state_dict().items())
    from safetensors.torch import save_file

    save_file(full_sd, str(oc_dir / "open_clip_model.safetensors"))  # as open_clip's save_for_hf does
    save_config_for_hf(clip, oc_dir / "open_clip_config.json", model_config=cfg)
    visual_sd = OrderedDict((k, v) for k, v in full_sd.items() if k.startswith("visual."))
    save_file(visual_sd, str(oc_dir / "visual.safetensors"), metadata={"format": "pt"})
    reloaded = open_clip.create_model(f"local-dir:{oc_dir}").eval()
    oc_out = openclip_outputs(clip.visual, x)
    for name, value in openclip_outputs(reloaded.visual, x).items():
        assert_close(value, oc_out[name], f"openclip reload {name}")
    with torch.no_grad():
        assert_close(clip.encode_image(x), oc_out["image_embeds"], "encode_image")
    entry = add_entry(oc_dir, family="clip", library="open_clip", cls="open_clip.model.CLIP (.visual = "
                      "open_clip.transformer.VisionTransformer)", convention="openclip",
                      constructor="open_clip.CLIP(**model_cfg)", kwargs=cfg, seed=1, perturbed_seed=101)
    entry.update(weights=rel(oc_dir / "open_clip_model.safetensors"), visual_weights=rel(oc_dir / "visual.safetensors"),
                 config=rel(oc_dir / "open_clip_config.json"), input=rel(inputs.path),
                 outputs=save_outputs(oc_dir, oc_out))
    # resize: open_clip.create_model(force_image_size=NEW) loads the checkpoint through
    # load_checkpoint -> resize_pos_embed (bicubic, antialias, class token kept).
    big = open_clip.create_model(f"local-dir:{oc_dir}", force_image_size=CLIP_NEW_SIZE).eval()
    r_dir = fresh_dir(oc_dir / "resize")
    xr = inputs.xr
    save_npy(r_dir / "positional_embedding.npy", big.visual.positional_embedding)
    entry["resize"] = OrderedDict(how=f"open_clip.create_model('local-dir:DIR', force_image_size={CLIP_NEW_SIZE}) "
                                      "(open_clip.model.resize_pos_embed)", img_size=CLIP_NEW_SIZE,
                                  input=rel(inputs.resize_path), positional_embedding=rel(r_dir / "positional_embedding.npy"),
                                  outputs=save_outputs(r_dir, openclip_outputs(big.visual, xr)))
    print("  onnx clip/openclip")
    entry["onnx"] = export_onnx(oc_dir / "onnx", clip.visual, openclip_outputs, x, oc_out)
    entry["files"] = list_files(oc_dir)

    # 2. timm quickgelu tower, converted from the OpenCLIP state dict by timm's checkpoint_filter_fn
    #    (_convert_openai_clip: proj -> head.weight transposed, head.bias zeros).
    kwargs = OrderedDict(img_size=CLIP_SIZE, patch_size=CLIP_PATCH, embed_dim=CLIP_WIDTH, depth=CLIP_LAYERS,
                         num_heads=CLIP_WIDTH // CLIP_HEAD_WIDTH, mlp_ratio=CLIP_MLP, num_classes=CLIP_EMBED)
    tq = timm.create_model("vit_base_patch16_clip_quickgelu_224", pretrained=False, **kwargs).eval()
    tq.load_state_dict(checkpoint_filter_fn(dict(full_sd), tq), strict=True)
    tq_dir = family / "timm-quickgelu"
    tq_dir.mkdir()
    entry = add_entry(tq_dir, family="clip", library="timm", cls="timm.models.vision_transformer.VisionTransformer",
                      convention="timm", constructor="timm.create_model('vit_base_patch16_clip_quickgelu_224', "
                      "pretrained=False, **kwargs)", kwargs=kwargs, same_weights_as="clip/openclip",
                      converted_by="timm.models.vision_transformer.checkpoint_filter_fn (_convert_openai_clip)")
    tq_out = timm_fixture(tq_dir, tq, inputs, entry)
    d = assert_close(tq_out["logits"], oc_out["image_embeds"], "timm quickgelu vs openclip", 1e-5)
    entry["max_abs_diff_vs"] = {"clip/openclip image_embeds": d}
    entry["files"] = list_files(tq_dir)

    # 3./4. HF CLIPVisionModel and CLIPVisionModelWithProjection, same weights (renamed).
    processor = CLIPImageProcessor(size={"shortest_edge": CLIP_SIZE}, crop_size={"height": CLIP_SIZE, "width": CLIP_SIZE})
    for name, cls, proj in (("hf-vision", CLIPVisionModel, False), ("hf-vision-proj", CLIPVisionModelWithProjection, True)):
        model = cls(hf_clip_config("quick_gelu")).eval()
        converted = openclip_to_hf(visual_sd, proj)
        if not any(k.startswith("vision_model.") for k in model.state_dict()):
            # transformers 5 keeps CLIPVisionModel's tower at the top level in memory; its
            # save_pretrained writes the hub names (vision_model.*) again.
            converted = OrderedDict((k.removeprefix("vision_model."), v) for k, v in converted.items())
        model.load_state_dict(converted, strict=True)
        h_dir = family / name
        h_dir.mkdir()
        entry = add_entry(h_dir, family="clip", library="transformers", cls=f"transformers.{cls.__name__}",
                          convention="hf", constructor=f"transformers.{cls.__name__}(CLIPVisionConfig(**kwargs))",
                          kwargs=hf_clip_config("quick_gelu").to_diff_dict(), same_weights_as="clip/openclip",
                          converted_by="gen_families.openclip_to_hf (transformers has no OpenCLIP converter)")
        # The ONNX graph of CLIPVisionModel is that of ...WithProjection without the last MatMul:
        # exported once (hf-vision-proj) to keep samples/ small.
        out = hf_fixture(h_dir, cls, model, inputs, entry, processor, onnx=proj)
        if not proj:
            entry["onnx"] = {"skipped": "same graph as clip/hf-vision-proj up to visual_projection"}
        key, ref = ("image_embeds", oc_out["image_embeds"]) if proj else ("pooler_output", None)
        diffs = {}
        if proj:
            diffs["clip/openclip image_embeds"] = assert_close(out[key], ref, f"{name} vs openclip", 1e-5)
        else:
            diffs["clip/timm-quickgelu pre_logits"] = assert_close(out["pooler_output"], tq_out["pre_logits"],
                                                                   f"{name} vs timm pre_logits", 1e-5)
        entry["max_abs_diff_vs"] = diffs
        entry["files"] = list_files(h_dir)

    # 5. timm vit_base_patch16_clip_224 (GELU), its own random weights, projection head.
    torch.manual_seed(2)
    kwargs = OrderedDict(img_size=CLIP_SIZE, patch_size=CLIP_PATCH, embed_dim=CLIP_WIDTH, depth=CLIP_LAYERS,
                         num_heads=CLIP_WIDTH // CLIP_HEAD_WIDTH, mlp_ratio=CLIP_MLP, num_classes=CLIP_EMBED)
    tg = timm.create_model("vit_base_patch16_clip_224", pretrained=False, **kwargs).eval()
    perturb(tg, 102)
    tg_dir = family / "timm"
    tg_dir.mkdir()
    entry = add_entry(tg_dir, family="clip", library="timm", cls="timm.models.vision_transformer.VisionTransformer",
                      convention="timm", constructor="timm.create_model('vit_base_patch16_clip_224', pretrained=False, **kwargs)",
                      kwargs=kwargs, seed=2, perturbed_seed=102)
    timm_fixture(tg_dir, tg, inputs, entry, onnx=False)
    entry["onnx"] = {"skipped": "clip/timm-quickgelu's graph with erf GELU; kept out to keep samples/ small"}
    entry["files"] = list_files(tg_dir)


# --------------------------------------------------------------------------- SigLIP

SIGLIP_KWARGS = OrderedDict(img_size=32, patch_size=8, embed_dim=16, depth=2, num_heads=2, mlp_ratio=2.0)
SIGLIP_NEW_SIZE = 48


def split_rows(out, prefix, names, v):
    for name, part in zip(names, v.chunk(len(names), dim=0)):
        out[prefix.format(name)] = part.contiguous()


def timm_siglip_to_hf(sd):
    """timm `vit_*_siglip_*` (no classifier) -> HF SiglipVisionModel in-memory names. transformers
    ships no timm converter, so this is the script's own renaming; values unchanged (bit-exact):
    qkv split into q/k/v; the MAP head's q and kv are concatenated into nn.MultiheadAttention's
    in_proj (rows q, k, v); attn_pool.latent -> head.probe; norm -> post_layernorm."""
    out = OrderedDict()
    for k, v in sd.items():
        if k == "pos_embed":
            out["embeddings.position_embedding.weight"] = v[0]
        elif k.startswith("patch_embed.proj."):
            out["embeddings.patch_embedding." + k.rsplit(".", 1)[1]] = v
        elif k.startswith("norm."):
            out["post_layernorm." + k[len("norm."):]] = v
        elif k.startswith("blocks."):
            i, rest = k[len("blocks."):].split(".", 1)
            q = f"encoder.layers.{i}."
            if rest.startswith("attn.qkv."):
                split_rows(out, q + "self_attn.{}_proj." + rest.rsplit(".", 1)[1], ("q", "k", "v"), v)
            else:
                rest = (rest.replace("attn.proj", "self_attn.out_proj").replace("norm1", "layer_norm1")
                        .replace("norm2", "layer_norm2"))
                out[q + rest] = v
        elif k == "attn_pool.latent":
            out["head.probe"] = v
        elif k in ("attn_pool.q.weight", "attn_pool.q.bias"):
            kind = k.rsplit(".", 1)[1]
            out[f"head.attention.in_proj_{kind}"] = torch.cat([v, sd[f"attn_pool.kv.{kind}"]], dim=0)
        elif k.startswith("attn_pool.kv."):
            continue
        elif k.startswith("attn_pool.proj."):
            out["head.attention.out_proj." + k.rsplit(".", 1)[1]] = v
        elif k.startswith("attn_pool.norm."):
            out["head.layernorm." + k.rsplit(".", 1)[1]] = v
        elif k.startswith("attn_pool.mlp."):
            out["head." + k[len("attn_pool."):]] = v
        else:
            raise KeyError(f"unmapped timm SigLIP tensor {k}")
    return out


def gen_siglip():
    import timm
    from transformers import SiglipImageProcessor, SiglipVisionConfig, SiglipVisionModel

    family = fresh_dir(ROOT / "siglip")
    inputs = Inputs(family, 2000, SIGLIP_KWARGS["img_size"], SIGLIP_NEW_SIZE)
    constructor = "timm.create_model('vit_base_patch16_siglip_224', pretrained=False, **kwargs)"

    # timm with a classifier on the MAP-pooled features.
    torch.manual_seed(3)
    kwargs = OrderedDict(SIGLIP_KWARGS, num_classes=5)
    cls_model = timm.create_model("vit_base_patch16_siglip_224", pretrained=False, **kwargs).eval()
    perturb(cls_model, 103)
    d = family / "timm"
    d.mkdir()
    entry = add_entry(d, family="siglip", library="timm", cls="timm.models.vision_transformer.VisionTransformer",
                      convention="timm", constructor=constructor, kwargs=kwargs, seed=3, perturbed_seed=103)
    cls_out = timm_fixture(d, cls_model, inputs, entry)
    entry["files"] = list_files(d)

    # timm without classifier (num_classes=0): the same weights minus head.*; logits = pooled output.
    kwargs = OrderedDict(SIGLIP_KWARGS, num_classes=0)
    pooled = timm.create_model("vit_base_patch16_siglip_224", pretrained=False, **kwargs).eval()
    trunk = OrderedDict((k, v) for k, v in cls_model.state_dict().items() if not k.startswith("head."))
    pooled.load_state_dict(trunk, strict=True)
    d = family / "timm-pooled"
    d.mkdir()
    entry = add_entry(d, family="siglip", library="timm", cls="timm.models.vision_transformer.VisionTransformer",
                      convention="timm", constructor=constructor, kwargs=kwargs, same_weights_as="siglip/timm (without head.*)")
    out = timm_fixture(d, pooled, inputs, entry, onnx=False)
    entry["onnx"] = {"skipped": "same graph as siglip/timm without the classifier"}
    entry["max_abs_diff_vs"] = {"siglip/timm pre_logits": assert_close(out["logits"], cls_out["pre_logits"], "pooled", 0.0)}
    entry["files"] = list_files(d)

    # HF SiglipVisionModel with the same trunk + MAP head, renamed. The SigLIP default activation is
    # gelu_pytorch_tanh (what the fixture keeps); timm's SigLIP architecture uses erf GELU, so the
    # goldens differ from timm's by the activation only; with hidden_act="gelu" they agree (checked).
    config_kwargs = dict(hidden_size=SIGLIP_KWARGS["embed_dim"], intermediate_size=int(16 * 2.0), num_hidden_layers=2,
                         num_attention_heads=2, image_size=32, patch_size=8, layer_norm_eps=1e-6)
    converted = timm_siglip_to_hf(trunk)
    erf = SiglipVisionModel(SiglipVisionConfig(**config_kwargs, hidden_act="gelu")).eval()
    erf.load_state_dict(converted, strict=True)
    with torch.no_grad():
        erf_out = erf(pixel_values=inputs.x)
    same_act = {"siglip/timm-pooled logits (hidden_act=gelu copy)": assert_close(erf_out.pooler_output, out["logits"], "siglip erf pooled", 1e-5),
                "siglip/timm-pooled last_hidden_state (hidden_act=gelu copy)": assert_close(erf_out.last_hidden_state, out["last_hidden_state"], "siglip erf tokens", 1e-5)}
    config = SiglipVisionConfig(**config_kwargs)  # hidden_act gelu_pytorch_tanh, the SigLIP default
    model = SiglipVisionModel(config).eval()
    model.load_state_dict(converted, strict=True)
    d = family / "hf"
    d.mkdir()
    entry = add_entry(d, family="siglip", library="transformers", cls="transformers.SiglipVisionModel", convention="hf",
                      constructor="transformers.SiglipVisionModel(SiglipVisionConfig(**kwargs))", kwargs=config.to_diff_dict(),
                      same_weights_as="siglip/timm-pooled", converted_by="gen_families.timm_siglip_to_hf (transformers has no timm converter)")
    processor = SiglipImageProcessor(size={"height": 32, "width": 32})
    hf = hf_fixture(d, SiglipVisionModel, model, inputs, entry, processor)
    same_act["siglip/timm-pooled logits (gelu_pytorch_tanh vs erf)"] = float((hf["pooler_output"] - out["logits"]).abs().max())
    entry["max_abs_diff_vs"] = same_act
    entry["files"] = list_files(d)


# --------------------------------------------------------------------------- DINOv2

DINOV2_CONFIG = OrderedDict(hidden_size=16, num_hidden_layers=2, num_attention_heads=2, mlp_ratio=2, image_size=32,
                            patch_size=8, layerscale_value=1.0)
DINOV2_NEW_SIZE = 48


def hf_dinov2_to_timm(sd):
    """HF Dinov2Model (transformers 5 in-memory names) -> timm `vit_small_patch14_dinov2` names: the
    script's own renaming (timm converts only the original DINOv2 layout, transformers ships no
    converter); q/k/v concatenated into qkv, layer_scaleN.lambda1 -> lsN.gamma; mask_token dropped
    (timm has none; unused at inference). Values unchanged (bit-exact)."""
    out = OrderedDict()
    for k, v in sd.items():
        if k == "embeddings.mask_token":
            continue
        if k == "embeddings.cls_token":
            out["cls_token"] = v
        elif k == "embeddings.position_embeddings":
            out["pos_embed"] = v
        elif k.startswith("embeddings.patch_embeddings.projection."):
            out["patch_embed.proj." + k.rsplit(".", 1)[1]] = v
        elif k.startswith("layernorm."):
            out["norm." + k.rsplit(".", 1)[1]] = v
        elif k.startswith("encoder.layer."):
            i, rest = k[len("encoder.layer."):].split(".", 1)
            b = f"blocks.{i}."
            if rest.startswith("attention.q_proj."):
                kind = rest.rsplit(".", 1)[1]
                out[b + "attn.qkv." + kind] = torch.cat(
                    [sd[f"encoder.layer.{i}.attention.{n}_proj.{kind}"] for n in ("q", "k", "v")], dim=0)
            elif rest.startswith(("attention.k_proj.", "attention.v_proj.")):
                continue
            elif rest.startswith("attention.o_proj."):
                out[b + "attn.proj." + rest.rsplit(".", 1)[1]] = v
            elif rest.startswith("layer_scale"):
                out[b + "ls" + rest[len("layer_scale")] + ".gamma"] = v
            else:
                out[b + rest] = v
        else:
            raise KeyError(f"unmapped HF DINOv2 tensor {k}")
    return out


def gen_dinov2():
    import timm
    from transformers import (BitImageProcessor, Dinov2Config, Dinov2ForImageClassification, Dinov2Model,
                              Dinov2WithRegistersConfig, Dinov2WithRegistersModel)

    family = fresh_dir(ROOT / "dinov2")
    inputs = Inputs(family, 3000, DINOV2_CONFIG["image_size"], DINOV2_NEW_SIZE)
    processor = BitImageProcessor(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32},
                                  image_mean=[0.485, 0.456, 0.406], image_std=[0.229, 0.224, 0.225])
    # DINOv2 has no interpolate_pos_encoding flag: its forward always resamples the table to the input
    # (bicubic, size = grid, align_corners False; transformers 5 no longer adds DINOv2's +0.1).
    always = {}

    def hf(name, cls, model, kwargs, **extra):
        d = family / name
        d.mkdir()
        entry = add_entry(d, family="dinov2", library="transformers", cls=f"transformers.{cls.__name__}",
                          convention="hf", constructor=f"transformers.{cls.__name__}({type(model.config).__name__}(**kwargs))",
                          kwargs=model.config.to_diff_dict(), **extra)
        out = hf_fixture(d, cls, model, inputs, entry, processor, resize_kwargs=always)
        entry["files"] = list_files(d)
        return entry, out

    # Dinov2Model.
    torch.manual_seed(4)
    base = Dinov2Model(Dinov2Config(**DINOV2_CONFIG)).eval()
    perturb(base, 104)
    _, base_out = hf("hf", Dinov2Model, base, DINOV2_CONFIG, seed=4, perturbed_seed=104)

    # Dinov2ForImageClassification: the same backbone + a random classifier on [CLS, mean(patches)].
    cfg = OrderedDict(DINOV2_CONFIG, num_labels=3)
    clf = Dinov2ForImageClassification(Dinov2Config(**cfg)).eval()
    clf.dinov2.load_state_dict(base.state_dict(), strict=True)
    perturb(clf.classifier, 105)
    entry, clf_out = hf("hf-classifier", Dinov2ForImageClassification, clf, cfg, same_weights_as="dinov2/hf (backbone)",
                        perturbed_seed=105)
    with torch.no_grad():
        feats = base_out["last_hidden_state"]
        manual = clf.classifier(torch.cat([feats[:, 0], feats[:, 1:].mean(1)], dim=-1))
    entry["max_abs_diff_vs"] = {"classifier(cat(cls, mean patches)) of dinov2/hf": assert_close(clf_out["logits"], manual, "dinov2 head", 1e-6)}

    # Dinov2WithRegistersModel (2 registers).
    torch.manual_seed(5)
    cfg = OrderedDict(DINOV2_CONFIG, num_register_tokens=2)
    reg = Dinov2WithRegistersModel(Dinov2WithRegistersConfig(**cfg)).eval()
    perturb(reg, 106)
    hf("hf-registers", Dinov2WithRegistersModel, reg, cfg, seed=5, perturbed_seed=106)

    # SwiGLU feed-forward (as dinov2-giant).
    torch.manual_seed(6)
    cfg = OrderedDict(DINOV2_CONFIG, use_swiglu_ffn=True)
    swi = Dinov2Model(Dinov2Config(**cfg)).eval()
    perturb(swi, 107)
    hf("hf-swiglu", Dinov2Model, swi, cfg, seed=6, perturbed_seed=107)

    # timm vit_small_patch14_dinov2 with the weights of dinov2/hf.
    kwargs = OrderedDict(img_size=32, patch_size=8, embed_dim=16, depth=2, num_heads=2, mlp_ratio=2.0, num_classes=0)
    tm = timm.create_model("vit_small_patch14_dinov2", pretrained=False, **kwargs).eval()
    tm.load_state_dict(hf_dinov2_to_timm(base.state_dict()), strict=True)
    d = family / "timm"
    d.mkdir()
    entry = add_entry(d, family="dinov2", library="timm", cls="timm.models.vision_transformer.VisionTransformer",
                      convention="timm", constructor="timm.create_model('vit_small_patch14_dinov2', pretrained=False, **kwargs)",
                      kwargs=kwargs, same_weights_as="dinov2/hf",
                      converted_by="gen_families.hf_dinov2_to_timm (no library converter from HF names)")
    t_out = timm_fixture(d, tm, inputs, entry, onnx=False)
    entry["onnx"] = {"skipped": "a timm ViT graph with LayerScale, as plain/*; kept out to keep samples/ small"}
    entry["max_abs_diff_vs"] = {
        "dinov2/hf last_hidden_state": assert_close(t_out["last_hidden_state"], base_out["last_hidden_state"], "timm vs hf dinov2", 1e-5),
        "dinov2/hf pooler_output": assert_close(t_out["pre_logits"], base_out["pooler_output"], "timm vs hf dinov2 pooled", 1e-5)}
    entry["files"] = list_files(d)


# --------------------------------------------------------------------------- plain ViTs by shape

PLAIN_KWARGS = OrderedDict(img_size=32, patch_size=8, embed_dim=16, depth=2, num_heads=2)
PLAIN_NEW_SIZE = 48


def mae_noise(pixel_values, patch_size=8):
    """ViTMAE's `noise` argument made deterministic: ascending per-patch noise, so argsort is the
    identity and (with mask_ratio 0) no patch is dropped or reordered."""
    b, _, h, w = pixel_values.shape
    n = (h // patch_size) * (w // patch_size)
    return {"noise": torch.arange(n, dtype=torch.float32).unsqueeze(0).repeat(b, 1)}


def gen_plain():
    import timm
    from transformers import ViTImageProcessor, ViTMAEConfig, ViTMAEModel

    family = fresh_dir(ROOT / "plain")
    inputs = Inputs(family, 4000, PLAIN_KWARGS["img_size"], PLAIN_NEW_SIZE)
    cases = [
        # (folder, architecture, extra kwargs, seed, export onnx)
        ("timm-medium-gap", "vit_medium_patch16_gap_256", OrderedDict(mlp_ratio=2.0, num_classes=4), 7, False),
        ("timm-flexivit", "flexivit_small", OrderedDict(mlp_ratio=2.0, num_classes=4), 8, True),
        ("timm-so150m-reg4-gap", "vit_so150m_patch16_reg4_gap_256", OrderedDict(num_classes=4), 9, True),
    ]
    for folder, arch, extra, seed, onnx in cases:
        torch.manual_seed(seed)
        kwargs = OrderedDict(PLAIN_KWARGS, **extra)
        model = timm.create_model(arch, pretrained=False, **kwargs).eval()
        perturb(model, 100 + seed)
        d = family / folder
        d.mkdir()
        entry = add_entry(d, family="plain", library="timm", cls="timm.models.vision_transformer.VisionTransformer",
                          convention="timm", constructor=f"timm.create_model('{arch}', pretrained=False, **kwargs)",
                          kwargs=kwargs, seed=seed, perturbed_seed=100 + seed)
        timm_fixture(d, model, inputs, entry, onnx=onnx)
        if not onnx:
            entry["onnx"] = {"skipped": "a plain ViT graph like plain/timm-so150m-reg4-gap's; kept out to keep samples/ small"}
        entry["files"] = list_files(d)

    # HF ViTMAEModel: the MAE encoder. mask_ratio 0 keeps every patch, and the `noise` argument
    # (ascending) makes the shuffle the identity, so the output is deterministic and in patch order.
    torch.manual_seed(10)
    cfg = OrderedDict(hidden_size=16, num_hidden_layers=2, num_attention_heads=2, intermediate_size=32, image_size=32,
                      patch_size=8, mask_ratio=0.0)
    model = ViTMAEModel(ViTMAEConfig(**cfg)).eval()
    perturb(model, 110)
    d = family / "hf-vitmae"
    d.mkdir()
    entry = add_entry(d, family="plain", library="transformers", cls="transformers.ViTMAEModel", convention="hf",
                      constructor="transformers.ViTMAEModel(ViTMAEConfig(**kwargs))", kwargs=model.config.to_diff_dict(),
                      seed=10, perturbed_seed=110,
                      forward="model(pixel_values=x, noise=arange(num_patches) repeated over the batch)")
    processor = ViTImageProcessor(size={"height": 32, "width": 32}, image_mean=[0.485, 0.456, 0.406],
                                  image_std=[0.229, 0.224, 0.225])
    out = hf_fixture(d, ViTMAEModel, model, inputs, entry, processor, forward_kwargs=mae_noise)
    assert float(out["mask"].abs().max()) == 0.0 and torch.equal(out["ids_restore"][0], torch.arange(16))
    entry["files"] = list_files(d)


# --------------------------------------------------------------------------- RoPE families

ROPE_NEW_SIZE = 48


def hf_dinov3_to_timm(sd):
    """HF DINOv3ViTModel (transformers 5 in-memory names) -> timm `vit_small_patch16_dinov3_qkvb`
    names: the script's own renaming (neither library converts the other's names). q/k/v weights
    concatenated into qkv; q/v biases -> attn.q_bias / attn.v_bias (neither has a key bias);
    layer_scaleN.lambda1 -> gamma_N; up/down_proj -> fc1/fc2; register_tokens -> reg_token;
    mask_token dropped (unused at inference). Values unchanged (bit-exact)."""
    out = OrderedDict()
    for k, v in sd.items():
        if k == "embeddings.mask_token":
            continue
        if k == "embeddings.cls_token":
            out["cls_token"] = v
        elif k == "embeddings.register_tokens":
            out["reg_token"] = v
        elif k.startswith("embeddings.patch_embeddings."):
            out["patch_embed.proj." + k.rsplit(".", 1)[1]] = v
        elif k.startswith("norm."):
            out[k] = v
        elif k.startswith("model.layer."):
            i, rest = k[len("model.layer."):].split(".", 1)
            b = f"blocks.{i}."
            a = f"model.layer.{i}.attention."
            if rest == "attention.q_proj.weight":
                out[b + "attn.qkv.weight"] = torch.cat([sd[a + n + "_proj.weight"] for n in ("q", "k", "v")], dim=0)
            elif rest == "attention.q_proj.bias":
                out[b + "attn.q_bias"] = v
            elif rest == "attention.v_proj.bias":
                out[b + "attn.v_bias"] = v
            elif rest in ("attention.k_proj.weight", "attention.v_proj.weight"):
                continue
            elif rest.startswith("attention.o_proj."):
                out[b + "attn.proj." + rest.rsplit(".", 1)[1]] = v
            elif rest.startswith("layer_scale"):
                out[b + "gamma_" + rest[len("layer_scale")]] = v
            elif rest.startswith("mlp."):
                out[b + rest.replace("up_proj", "fc1").replace("down_proj", "fc2")] = v
            else:
                out[b + rest] = v
        else:
            raise KeyError(f"unmapped HF DINOv3 tensor {k}")
    return out


def gen_rope():
    import timm
    from transformers import DINOv3ViTConfig, DINOv3ViTImageProcessor, DINOv3ViTModel

    family = fresh_dir(ROOT / "rope")
    inputs = Inputs(family, 5000, 32, ROPE_NEW_SIZE)

    # timm EVA-02 tiny: 2-D RoPE (ref_feat_shape = the tiny grid), SwiGLU MLP, abs pos_embed too,
    # q/v bias without k bias, avg pooling with fc_norm.
    torch.manual_seed(11)
    kwargs = OrderedDict(img_size=32, patch_size=8, embed_dim=16, depth=2, num_heads=2, ref_feat_shape=(4, 4), num_classes=4)
    eva = timm.create_model("eva02_tiny_patch14_224", pretrained=False, **kwargs).eval()
    perturb(eva, 111)
    d = family / "timm-eva02"
    d.mkdir()
    entry = add_entry(d, family="rope", library="timm", cls="timm.models.eva.Eva", convention="timm",
                      constructor="timm.create_model('eva02_tiny_patch14_224', pretrained=False, **kwargs)",
                      kwargs=kwargs, seed=11, perturbed_seed=111)
    timm_fixture(d, eva, inputs, entry)
    entry["resize"]["note"] = ("abs pos_embed resampled by timm's eva checkpoint_filter_fn; the RoPE tables are "
                               "recomputed for the new grid (nothing to resample)")
    entry["files"] = list_files(d)

    # timm EVA-02 B/L layout at width 32: unfused q/k/v projections (the key without bias) and the
    # SwiGLU split into fc1_g / fc1_x with the inner MLP norm (scale_mlp); headless.
    torch.manual_seed(13)
    kwargs = OrderedDict(img_size=32, patch_size=8, embed_dim=32, depth=2, num_heads=2, ref_feat_shape=(4, 4), num_classes=0)
    eva_b = timm.create_model("eva02_base_patch14_224", pretrained=False, **kwargs).eval()
    perturb(eva_b, 113)
    d = family / "timm-eva02-split"
    d.mkdir()
    entry = add_entry(d, family="rope", library="timm", cls="timm.models.eva.Eva", convention="timm",
                      constructor="timm.create_model('eva02_base_patch14_224', pretrained=False, **kwargs)",
                      kwargs=kwargs, seed=13, perturbed_seed=113)
    timm_fixture(d, eva_b, inputs, entry)
    entry["resize"]["note"] = ("abs pos_embed resampled by timm's eva checkpoint_filter_fn; the RoPE tables are "
                               "recomputed for the new grid (nothing to resample)")
    entry["files"] = list_files(d)

    # HF DINOv3ViTModel: RoPE (theta 100), 4 registers, LayerScale, q/v bias without k bias.
    torch.manual_seed(12)
    cfg = OrderedDict(hidden_size=16, intermediate_size=32, num_hidden_layers=2, num_attention_heads=2, patch_size=8,
                      image_size=32, num_register_tokens=4)
    hf = DINOv3ViTModel(DINOv3ViTConfig(**cfg)).eval()
    perturb(hf, 112)
    d = family / "hf-dinov3"
    d.mkdir()
    entry = add_entry(d, family="rope", library="transformers", cls="transformers.DINOv3ViTModel", convention="hf",
                      constructor="transformers.DINOv3ViTModel(DINOv3ViTConfig(**kwargs))", kwargs=hf.config.to_diff_dict(),
                      seed=12, perturbed_seed=112)
    processor = DINOv3ViTImageProcessor(size={"height": 32, "width": 32})
    hf_out = hf_fixture(d, DINOv3ViTModel, hf, inputs, entry, processor, resize_kwargs={})
    entry["resize"]["note"] = "RoPE only: the forward pass at 48 px, nothing to resample"
    entry["files"] = list_files(d)

    # timm DINOv3 (the _qkvb variant: DINOv3's q/v biases) with the HF weights.
    kwargs = OrderedDict(img_size=32, patch_size=8, embed_dim=16, depth=2, num_heads=2, mlp_ratio=2.0, num_classes=0)
    tm = timm.create_model("vit_small_patch16_dinov3_qkvb", pretrained=False, **kwargs).eval()
    tm.load_state_dict(hf_dinov3_to_timm(hf.state_dict()), strict=True)
    d = family / "timm-dinov3"
    d.mkdir()
    entry = add_entry(d, family="rope", library="timm", cls="timm.models.eva.Eva", convention="timm",
                      constructor="timm.create_model('vit_small_patch16_dinov3_qkvb', pretrained=False, **kwargs)",
                      kwargs=kwargs, same_weights_as="rope/hf-dinov3",
                      converted_by="gen_families.hf_dinov3_to_timm (no library converter between the two)")
    t_out = timm_fixture(d, tm, inputs, entry)
    entry["resize"]["note"] = "RoPE only (no abs pos_embed): outputs at 48 px, nothing to resample"
    entry["max_abs_diff_vs"] = {
        "rope/hf-dinov3 last_hidden_state": assert_close(t_out["last_hidden_state"], hf_out["last_hidden_state"],
                                                         "timm vs hf dinov3", 1e-5)}
    entry["files"] = list_files(d)


# --------------------------------------------------------------------------- DINOv2 with registers

DINOV2_REG_CONFIG = OrderedDict(DINOV2_CONFIG, num_register_tokens=4)


def hf_dinov2_registers_to_original(sd):
    """HF Dinov2WithRegistersModel (transformers 5 in-memory names) -> the original
    facebookresearch/dinov2 layout (`cls_token`, `pos_embed` over CLS + patches, `register_tokens`,
    `mask_token`, `blocks.N.attn.qkv`, `blocks.N.lsK.gamma`, ...): the script's own renaming
    (`hf_dinov2_to_timm` plus the three embedding tensors), values unchanged. timm's own
    `checkpoint_filter_fn` (its `_convert_dinov2`) then makes the timm model from it."""
    plain = OrderedDict((k, v) for k, v in sd.items() if k != "embeddings.register_tokens")
    out = hf_dinov2_to_timm(plain)
    out["register_tokens"] = sd["embeddings.register_tokens"]
    out["mask_token"] = sd["embeddings.mask_token"]
    return out


def gen_dinov2_registers():
    """Dinov2WithRegisters in both libraries with the same weights: HF's position table covers the
    class token but not the registers; timm's `vit_*_reg4_dinov2` (`no_embed_class=True`) covers
    neither, its `checkpoint_filter_fn` folding the class row into `cls_token`."""
    import timm
    from timm.models.vision_transformer import checkpoint_filter_fn
    from transformers import (BitImageProcessor, Dinov2WithRegistersConfig, Dinov2WithRegistersForImageClassification,
                              Dinov2WithRegistersModel)

    family = fresh_dir(ROOT / "dinov2-registers")
    inputs = Inputs(family, 6000, DINOV2_REG_CONFIG["image_size"], DINOV2_NEW_SIZE)
    processor = BitImageProcessor(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32},
                                  image_mean=[0.485, 0.456, 0.406], image_std=[0.229, 0.224, 0.225])

    def hf(name, cls, model, **extra):
        d = family / name
        d.mkdir()
        entry = add_entry(d, family="dinov2_registers", library="transformers", cls=f"transformers.{cls.__name__}",
                          convention="hf", constructor=f"transformers.{cls.__name__}(Dinov2WithRegistersConfig(**kwargs))",
                          kwargs=model.config.to_diff_dict(), **extra)
        # its forward always resamples the table to the input (bicubic, antialias=True)
        out = hf_fixture(d, cls, model, inputs, entry, processor, resize_kwargs={}, onnx=False)
        entry["onnx"] = {"skipped": "dinov2/hf-registers holds the dynamo export of this class"}
        return entry, out

    torch.manual_seed(13)
    base = Dinov2WithRegistersModel(Dinov2WithRegistersConfig(**DINOV2_REG_CONFIG)).eval()
    perturb(base, 113)
    entry, base_out = hf("hf", Dinov2WithRegistersModel, base, seed=13, perturbed_seed=113)
    entry["files"] = list_files(family / "hf")

    cfg = OrderedDict(DINOV2_REG_CONFIG, num_labels=3)
    clf = Dinov2WithRegistersForImageClassification(Dinov2WithRegistersConfig(**cfg)).eval()
    clf.dinov2_with_registers.load_state_dict(base.state_dict(), strict=True)
    perturb(clf.classifier, 114)
    entry, clf_out = hf("hf-classifier", Dinov2WithRegistersForImageClassification, clf,
                        same_weights_as="dinov2-registers/hf (backbone)", perturbed_seed=114)
    with torch.no_grad():
        feats = base_out["last_hidden_state"]
        r = DINOV2_REG_CONFIG["num_register_tokens"]
        manual = clf.classifier(torch.cat([feats[:, 0], feats[:, 1 + r:].mean(1)], dim=-1))
    entry["max_abs_diff_vs"] = {"classifier(cat(cls, mean patches)) of dinov2-registers/hf":
                                assert_close(clf_out["logits"], manual, "dinov2 registers head", 1e-6)}
    entry["files"] = list_files(family / "hf-classifier")

    # timm vit_small_patch14_reg4_dinov2 with the same weights, by timm's own converter.
    kwargs = OrderedDict(img_size=32, patch_size=8, embed_dim=16, depth=2, num_heads=2, mlp_ratio=2.0, num_classes=0)
    tm = timm.create_model("vit_small_patch14_reg4_dinov2", pretrained=False, **kwargs).eval()
    tm.load_state_dict(checkpoint_filter_fn(hf_dinov2_registers_to_original(base.state_dict()), tm), strict=True)
    d = family / "timm"
    d.mkdir()
    entry = add_entry(d, family="dinov2_registers", library="timm", cls="timm.models.vision_transformer.VisionTransformer",
                      convention="timm",
                      constructor="timm.create_model('vit_small_patch14_reg4_dinov2', pretrained=False, **kwargs)",
                      kwargs=kwargs, same_weights_as="dinov2-registers/hf",
                      converted_by="gen_families.hf_dinov2_registers_to_original, then timm's checkpoint_filter_fn "
                                   "(_convert_dinov2: cls_token + pos_embed[:, 0] -> cls_token, pos_embed[:, 1:])")
    t_out = timm_fixture(d, tm, inputs, entry, onnx=False)
    entry["onnx"] = {"skipped": "a timm ViT graph with registers and LayerScale, as plain/*; kept out to keep samples/ small"}
    entry["max_abs_diff_vs"] = {
        "dinov2-registers/hf last_hidden_state": assert_close(t_out["last_hidden_state"], base_out["last_hidden_state"],
                                                              "timm vs hf dinov2 registers", 1e-5),
        "dinov2-registers/hf pooler_output": assert_close(t_out["pre_logits"], base_out["pooler_output"],
                                                          "timm vs hf dinov2 registers pooled", 1e-5)}
    entry["files"] = list_files(d)


# --------------------------------------------------------------------------- SigLIP 2

SIGLIP2_CONFIG = OrderedDict(hidden_size=16, intermediate_size=32, num_hidden_layers=2, num_attention_heads=2,
                             num_patches=16, patch_size=8)  # a 4x4 position grid: 32 px at its native size


def siglip2_inputs(x, patch_size):
    """What Siglip2ImageProcessor gives Siglip2VisionModel for images x [N,C,H,W] whose grid is used
    whole: its `convert_image_to_patches` per image (patch rows in raster order, each patch flattened
    as (ph, pw, C)), an all-ones `pixel_attention_mask` and `spatial_shapes` = the grid."""
    from transformers.models.siglip2.image_processing_siglip2 import convert_image_to_patches

    n, _, h, w = x.shape
    patches = torch.stack([convert_image_to_patches(img, patch_size) for img in x])
    grid = (h // patch_size, w // patch_size)
    return dict(pixel_values=patches, pixel_attention_mask=torch.ones(n, grid[0] * grid[1], dtype=torch.int32),
                spatial_shapes=torch.tensor([grid] * n, dtype=torch.int64))


def hf_siglip2_to_timm(sd, patch_size, channels=3):
    """HF Siglip2VisionModel -> timm `vit_base_patch16_siglip_224` names (the architecture of timm's
    `.v2_webli` SigLIP 2 weights): the script's own renaming, the inverse of `timm_siglip_to_hf` plus
    the patch embedding: the Linear over (ph, pw, C)-flattened patches [D, P*P*C] becomes the
    convolution kernel [D, C, P, P] (a reshape and a permute, values unchanged)."""
    out = OrderedDict()
    for k, v in sd.items():
        if k == "embeddings.patch_embedding.weight":
            out["patch_embed.proj.weight"] = v.reshape(v.shape[0], patch_size, patch_size, channels).permute(0, 3, 1, 2).contiguous()
        elif k == "embeddings.patch_embedding.bias":
            out["patch_embed.proj.bias"] = v
        elif k == "embeddings.position_embedding.weight":
            out["pos_embed"] = v.unsqueeze(0)
        elif k.startswith("post_layernorm."):
            out["norm." + k.rsplit(".", 1)[1]] = v
        elif k.startswith("encoder.layers."):
            i, rest = k[len("encoder.layers."):].split(".", 1)
            b = f"blocks.{i}."
            if rest.startswith("self_attn.q_proj."):
                kind = rest.rsplit(".", 1)[1]
                out[b + "attn.qkv." + kind] = torch.cat(
                    [sd[f"encoder.layers.{i}.self_attn.{n}_proj.{kind}"] for n in ("q", "k", "v")], dim=0)
            elif rest.startswith(("self_attn.k_proj.", "self_attn.v_proj.")):
                continue
            else:
                out[b + rest.replace("self_attn.out_proj", "attn.proj").replace("layer_norm1", "norm1")
                    .replace("layer_norm2", "norm2")] = v
        elif k == "head.probe":
            out["attn_pool.latent"] = v
        elif k.startswith("head.attention.in_proj_"):
            kind = k.rsplit("_", 1)[1]
            d = v.shape[0] // 3
            out[f"attn_pool.q.{kind}"] = v[:d].contiguous()
            out[f"attn_pool.kv.{kind}"] = v[d:].contiguous()
        elif k.startswith("head.attention.out_proj."):
            out["attn_pool.proj." + k.rsplit(".", 1)[1]] = v
        elif k.startswith("head.layernorm."):
            out["attn_pool.norm." + k.rsplit(".", 1)[1]] = v
        elif k.startswith("head.mlp."):
            out["attn_pool." + k[len("head."):]] = v
        else:
            raise KeyError(f"unmapped HF SigLIP 2 tensor {k}")
    return out


def gen_siglip2():
    """transformers' Siglip2VisionModel (NaFlex: patchified inputs, a position grid resized to each
    image's `spatial_shapes`, bilinear with antialias) at its native grid, and timm's SigLIP 2
    architecture (the SigLIP one) with the same weights."""
    import timm
    from transformers import Siglip2VisionConfig, Siglip2VisionModel

    family = fresh_dir(ROOT / "siglip2")
    patch = SIGLIP2_CONFIG["patch_size"]
    side = int(SIGLIP2_CONFIG["num_patches"] ** 0.5) * patch
    inputs = Inputs(family, 7000, side, SIGLIP_NEW_SIZE)

    torch.manual_seed(14)
    model = Siglip2VisionModel(Siglip2VisionConfig(**SIGLIP2_CONFIG)).eval()
    perturb(model, 115)
    d = family / "hf"
    d.mkdir()
    entry = add_entry(d, family="siglip2", library="transformers", cls="transformers.Siglip2VisionModel", convention="hf",
                      constructor="transformers.Siglip2VisionModel(Siglip2VisionConfig(**kwargs))",
                      kwargs=model.config.to_diff_dict(), seed=14, perturbed_seed=115,
                      forward="model(**siglip2_inputs(x, patch_size)): the image's patches as Siglip2ImageProcessor "
                              "lays them out, a full pixel_attention_mask, spatial_shapes = the grid")
    hf_save(model, d)
    reloaded = hf_reload(Siglip2VisionModel, d)
    with torch.no_grad():
        out = hf_outputs(model(**siglip2_inputs(inputs.x, patch)))
        for name, value in hf_outputs(reloaded(**siglip2_inputs(inputs.x, patch))).items():
            assert_close(value, out[name], f"{d} reload {name}")
        # the resize golden: the same model on the 48 px images (6x6 patches; the forward resizes the 4x4 table)
        res = hf_outputs(model(**siglip2_inputs(inputs.xr, patch)))
        emb = model.embeddings
        grid = inputs.new_size // patch
        table = emb.resize_positional_embeddings(
            emb.position_embedding.weight.reshape(emb.position_embedding_size, emb.position_embedding_size, -1),
            torch.tensor([[grid, grid]]), max_length=grid * grid)
    entry.update(outputs=save_outputs(d, out), input=rel(inputs.path), weights=rel(d / "model.safetensors"),
                 config=rel(d / "config.json"))
    r_dir = fresh_dir(d / "resize")
    save_npy(r_dir / "position_embeddings.npy", table)
    entry["resize"] = OrderedDict(how="model(**siglip2_inputs(x48, patch_size)) (spatial_shapes 6x6)",
                                  img_size=inputs.new_size, input=rel(inputs.resize_path),
                                  outputs=save_outputs(r_dir, res), position_embeddings=rel(r_dir / "position_embeddings.npy"),
                                  position_embeddings_how="model.embeddings.resize_positional_embeddings(<4x4 grid>, [[6, 6]], 36) "
                                                          "(bilinear, antialias=True, align_corners=False)")
    entry["onnx"] = {"skipped": "three inputs (patches, pixel_attention_mask, spatial_shapes); vitopt runs image models"}
    entry["files"] = list_files(d)

    # timm: the SigLIP architecture of timm's `.v2_webli` weights, with the same weights.
    kwargs = OrderedDict(img_size=side, patch_size=patch, embed_dim=16, depth=2, num_heads=2, mlp_ratio=2.0, num_classes=0)
    tm = timm.create_model("vit_base_patch16_siglip_224", pretrained=False, **kwargs).eval()
    tm.load_state_dict(hf_siglip2_to_timm(model.state_dict(), patch), strict=True)
    d = family / "timm"
    d.mkdir()
    entry = add_entry(d, family="siglip2", library="timm", cls="timm.models.vision_transformer.VisionTransformer",
                      convention="timm", constructor="timm.create_model('vit_base_patch16_siglip_224', pretrained=False, **kwargs)",
                      kwargs=kwargs, same_weights_as="siglip2/hf",
                      converted_by="gen_families.hf_siglip2_to_timm (no library converter between the two)")
    t_out = timm_fixture(d, tm, inputs, entry, onnx=False)
    entry["onnx"] = {"skipped": "the graph of siglip/timm without the classifier"}
    # timm's SigLIP uses erf GELU, transformers' gelu_pytorch_tanh: a gelu copy of the HF model must agree.
    erf = Siglip2VisionModel(Siglip2VisionConfig(**SIGLIP2_CONFIG, hidden_act="gelu")).eval()
    erf.load_state_dict(model.state_dict(), strict=True)
    with torch.no_grad():
        e = erf(**siglip2_inputs(inputs.x, patch))
    entry["max_abs_diff_vs"] = {
        "siglip2/hf last_hidden_state (hidden_act=gelu copy)": assert_close(t_out["last_hidden_state"], e.last_hidden_state, "siglip2 tokens", 1e-5),
        "siglip2/hf pooler_output (hidden_act=gelu copy)": assert_close(t_out["logits"], e.pooler_output, "siglip2 pooled", 1e-5),
        "siglip2/hf pooler_output (gelu_pytorch_tanh vs erf)": float((out["pooler_output"] - t_out["logits"]).abs().max())}
    entry["files"] = list_files(d)



# --------------------------------------------------------------------------- BEiT / Data2Vec-vision

BEIT_KWARGS = OrderedDict(img_size=32, patch_size=8, embed_dim=32, depth=2, num_heads=2, mlp_ratio=2.0)
BEIT_NEW_SIZE = 48


def hf_beit_config(**extra):
    """transformers BeitConfig / Data2VecVisionConfig kwargs of the tiny BEiT (eps 1e-6 as timm's)."""
    return OrderedDict(image_size=32, patch_size=8, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                       intermediate_size=64, layer_norm_eps=1e-6, drop_path_rate=0.0, **extra)


def timm_beit_to_hf(sd, prefix):
    """timm `Beit` names -> transformers `BeitForImageClassification` / `Data2VecVision*` as saved on
    disk (`{prefix}encoder.layer.N.attention.attention.query`, ...): the script's own renaming
    (neither library converts to the other). qkv split into query/key/value, q_bias/v_bias become
    query.bias/value.bias (HF's key has no bias), gamma_N -> lambda_N, fc_norm -> pooler.layernorm,
    head -> classifier. Values unchanged (bit-exact)."""
    out = OrderedDict()
    d = sd["cls_token"].shape[-1]
    for k, v in sd.items():
        if "relative_position_index" in k:
            continue
        if k == "cls_token":
            out[prefix + "embeddings.cls_token"] = v
        elif k == "pos_embed":
            out[prefix + "embeddings.position_embeddings"] = v
        elif k.startswith("patch_embed.proj."):
            out[prefix + "embeddings.patch_embeddings.projection." + k.rsplit(".", 1)[1]] = v
        elif k == "rel_pos_bias.relative_position_bias_table":
            out[prefix + "encoder.relative_position_bias.relative_position_bias_table"] = v
        elif k.startswith("fc_norm."):
            out[prefix + "pooler.layernorm." + k.rsplit(".", 1)[1]] = v
        elif k.startswith("norm."):
            out[prefix + "layernorm." + k.rsplit(".", 1)[1]] = v
        elif k.startswith("head."):
            out["classifier." + k.rsplit(".", 1)[1]] = v
        elif k.startswith("blocks."):
            i, rest = k[len("blocks."):].split(".", 1)
            b = f"{prefix}encoder.layer.{i}."
            a = b + "attention.attention."
            table = {"gamma_1": "lambda_1", "gamma_2": "lambda_2", "attn.q_bias": a + "query.bias",
                     "attn.v_bias": a + "value.bias",
                     "attn.relative_position_bias_table": a + "relative_position_bias.relative_position_bias_table",
                     "attn.proj.weight": "attention.output.dense.weight", "attn.proj.bias": "attention.output.dense.bias",
                     "norm1.weight": "layernorm_before.weight", "norm1.bias": "layernorm_before.bias",
                     "norm2.weight": "layernorm_after.weight", "norm2.bias": "layernorm_after.bias",
                     "mlp.fc1.weight": "intermediate.dense.weight", "mlp.fc1.bias": "intermediate.dense.bias",
                     "mlp.fc2.weight": "output.dense.weight", "mlp.fc2.bias": "output.dense.bias"}
            if rest == "attn.qkv.weight":
                for j, n in enumerate(("query", "key", "value")):
                    out[a + n + ".weight"] = v[j * d:(j + 1) * d]
            elif rest in table:
                name = table[rest]
                out[name if name.startswith(prefix) else b + name] = v
            else:
                raise KeyError(f"unmapped timm BEiT tensor {k}")
        else:
            raise KeyError(f"unmapped timm BEiT tensor {k}")
    return out


def beit_rel_pos_resize(model, directory, record):
    """The relative position bias table of block 0 (or the shared one) the resized model holds."""
    table = model.rel_pos_bias.relative_position_bias_table if model.rel_pos_bias is not None \
        else model.blocks[0].attn.relative_position_bias_table
    save_npy(Path(directory) / "resize" / "relative_position_bias_table.npy", table)
    record["relative_position_bias_table"] = rel(Path(directory) / "resize" / "relative_position_bias_table.npy")
    record["relative_position_bias_table_how"] = ("timm beit checkpoint_filter_fn -> resize_rel_pos_bias_table "
                                                  "(scipy absent: RegularGridInterpolator, linear, geometric grid)")


def hf_beit_resized_table(model, new_size):
    """transformers' interpolated table at `new_size` (BeitRelativePositionBias.forward's
    new_relative_position_bias_table: the (2W-1)^2 sub-table resized bilinearly, the 3 class rows kept)."""
    import torch.nn.functional as F
    rpb = next(m for m in model.modules() if type(m).__name__.endswith("RelativePositionBias"))
    old = rpb.relative_position_bias_table
    ow = 2 * rpb.window_size[0] - 1
    nw = 2 * (new_size // model.config.patch_size) - 1
    sub = old[:-3].reshape(1, ow, ow, -1).permute(0, 3, 1, 2)
    with torch.no_grad():
        new = F.interpolate(sub, size=(nw, nw), mode="bilinear").permute(0, 2, 3, 1).reshape(nw * nw, -1)
        return torch.cat([new, old[-3:]])


def beit_hf_fixture(family, name, inputs, processor):
    """hf(folder, cls, model, onnx=False, **extra): a transformers BEiT-layout fixture of `family` (goldens, the
    interpolated relative position table at the resize size, the library's own ONNX exports when `onnx`)."""

    def hf(folder, cls, model, onnx=False, **extra):
        d = family / folder
        d.mkdir()
        entry = add_entry(d, family=name, library="transformers", cls=f"transformers.{cls.__name__}",
                          convention="hf", constructor=f"transformers.{cls.__name__}({type(model.config).__name__}(**kwargs))",
                          kwargs=model.config.to_diff_dict(), **extra)
        out = hf_fixture(d, cls, model, inputs, entry, processor, onnx=onnx)
        if not onnx:
            entry["onnx"] = {"skipped": ("transformers' TorchScript export is 400-540 kB here (1,500 nodes); beit/hf-shared keeps "
                                         "one (the same relative-position code), the others were checked once: see docs/families.md")}
        save_npy(d / "resize" / "relative_position_bias_table.npy", hf_beit_resized_table(model, BEIT_NEW_SIZE))
        entry["resize"]["relative_position_bias_table"] = rel(d / "resize" / "relative_position_bias_table.npy")
        entry["resize"]["relative_position_bias_table_how"] = ("BeitRelativePositionBias.forward: the (2W-1)^2 "
                                                              "sub-table by F.interpolate(bilinear), class rows kept")
        entry["files"] = list_files(d)
        return entry, out

    return hf


def gen_data2vec_vision():
    from transformers import BeitImageProcessor, Data2VecVisionConfig, Data2VecVisionForImageClassification

    family = fresh_dir(ROOT / "data2vec_vision")
    inputs = Inputs(family, 7000, 32, BEIT_NEW_SIZE)
    processor = BeitImageProcessor(size={"height": 32, "width": 32}, crop_size={"height": 32, "width": 32},
                                   do_center_crop=False)
    hf = beit_hf_fixture(family, "data2vec_vision", inputs, processor)
    # HF Data2VecVisionForImageClassification: per-block relative position bias, mean pooling + norm.
    torch.manual_seed(15)
    cfg = hf_beit_config(use_relative_position_bias=True, num_labels=3)
    d2v = Data2VecVisionForImageClassification(Data2VecVisionConfig(**cfg)).eval()
    perturb(d2v, 115)
    hf("hf-classifier", Data2VecVisionForImageClassification, d2v, seed=15, perturbed_seed=115)


def gen_beit():
    import timm
    from transformers import BeitConfig, BeitForImageClassification, BeitImageProcessor, BeitModel

    family = fresh_dir(ROOT / "beit")
    inputs = Inputs(family, 6000, 32, BEIT_NEW_SIZE)

    # timm beit_base_patch16_224: per-block relative position bias, q/v bias, gamma_1/2, mean + fc_norm.
    torch.manual_seed(13)
    kwargs = OrderedDict(BEIT_KWARGS, num_classes=3)
    tm = timm.create_model("beit_base_patch16_224", pretrained=False, **kwargs).eval()
    perturb(tm, 113)
    d = family / "timm"
    d.mkdir()
    entry = add_entry(d, family="beit", library="timm", cls="timm.models.beit.Beit", convention="timm",
                      constructor="timm.create_model('beit_base_patch16_224', pretrained=False, **kwargs)",
                      kwargs=kwargs, seed=13, perturbed_seed=113)
    t_out = timm_fixture(d, tm, inputs, entry)
    beit_rel_pos_resize(timm_reload(d, img_size=BEIT_NEW_SIZE), d, entry["resize"])
    entry["files"] = list_files(d)

    # HF BeitForImageClassification with the same weights.
    processor = BeitImageProcessor(size={"height": 32, "width": 32}, crop_size={"height": 32, "width": 32},
                                   do_center_crop=False)
    hf = beit_hf_fixture(family, "beit", inputs, processor)

    # transformers 5 renames BEiT's parameters in memory; the on-disk names go through from_pretrained.
    cfg = hf_beit_config(use_relative_position_bias=True, num_labels=3)
    staging = fresh_dir(family / "staging")
    BeitConfig(**cfg).save_pretrained(str(staging))
    from safetensors.torch import save_file
    save_file({k: v.contiguous() for k, v in timm_beit_to_hf(tm.state_dict(), "beit.").items()},
              str(staging / "model.safetensors"), metadata={"format": "pt"})
    clf = hf_reload(BeitForImageClassification, staging)
    shutil.rmtree(staging)
    entry, h_out = hf("hf-classifier", BeitForImageClassification, clf, same_weights_as="beit/timm",
                      converted_by="gen_families.timm_beit_to_hf (no library converter between the two)")
    entry["max_abs_diff_vs"] = {"beit/timm logits": assert_close(h_out["logits"], t_out["logits"], "hf vs timm beit", 1e-5)}

    # HF BeitModel: shared relative position bias, absolute position embedding too, class-token pooling.
    torch.manual_seed(14)
    cfg = hf_beit_config(use_shared_relative_position_bias=True, use_absolute_position_embeddings=True,
                         use_mean_pooling=False)
    shared = BeitModel(BeitConfig(**cfg)).eval()
    perturb(shared, 114)
    hf("hf-shared", BeitModel, shared, onnx=True, seed=14, perturbed_seed=114)


def gen_hybrid():
    """A timm hybrid ViT (ResNet stem + stage before the patch projection, as vit_small_r26_s32_224)
    built tiny from timm's own parts: only the names and shapes matter (vitopt refuses hybrids).
    State dict only, fp16 to stay small."""
    from functools import partial

    from safetensors.torch import save_file
    from timm.layers import StdConv2dSame
    from timm.models.resnetv2 import ResNetV2
    from timm.models.vision_transformer import VisionTransformer
    from timm.models.vision_transformer_hybrid import HybridEmbed

    torch.manual_seed(16)
    backbone = ResNetV2(layers=(1,), channels=(128,), stem_chs=32, num_classes=0, global_pool="", in_chans=3,
                        preact=False, stem_type="same", conv_layer=StdConv2dSame)
    model = VisionTransformer(img_size=32, patch_size=1, embed_dim=16, depth=1, num_heads=2, mlp_ratio=2.0,
                              num_classes=3, embed_layer=partial(HybridEmbed, backbone=backbone)).eval()
    d = fresh_dir(ROOT / "hybrid" / "timm-r-stem")
    sd = OrderedDict((k, v.detach().to(torch.float16).contiguous()) for k, v in model.state_dict().items())
    save_file(sd, str(d / "model.safetensors"))
    config = OrderedDict(architecture="vit_small_r26_s32_224", num_classes=3,
                         model_args=OrderedDict(img_size=32, embed_dim=16, depth=1, num_heads=2))
    (d / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    entry = add_entry(d, family="hybrid", library="timm", cls="timm.models.vision_transformer.VisionTransformer",
                      convention="timm",
                      constructor="VisionTransformer(img_size=32, patch_size=1, embed_dim=16, depth=1, num_heads=2, "
                                  "embed_layer=partial(HybridEmbed, backbone=ResNetV2(layers=(1,), channels=(128,), "
                                  "stem_chs=32, preact=False, stem_type='same', conv_layer=StdConv2dSame)))",
                      seed=16, note="state dict only (fp16): vitopt refuses hybrid ViTs by their names")
    entry["weights"] = rel(d / "model.safetensors")
    entry["config"] = rel(d / "config.json")


# --------------------------------------------------------------------------- main

FAMILIES = OrderedDict([
    ("clip", gen_clip),
    ("siglip", gen_siglip),
    ("dinov2", gen_dinov2),
    ("plain", gen_plain),
    ("rope", gen_rope),
    ("dinov2_registers", gen_dinov2_registers),
    ("siglip2", gen_siglip2),
    ("beit", gen_beit),
    ("data2vec_vision", gen_data2vec_vision),
    ("hybrid", gen_hybrid),
])


def write_index(families_run):
    old = json.loads(INDEX.read_text()) if INDEX.exists() else {"fixtures": []}
    keep = [e for e in old["fixtures"] if e["family"] not in families_run]
    fixtures = sorted(keep + ENTRIES, key=lambda e: e["path"])
    import timm
    import transformers

    versions = OrderedDict(torch=torch.__version__, timm=timm.__version__, transformers=transformers.__version__)
    try:
        import open_clip

        versions["open_clip"] = open_clip.__version__
    except ImportError:
        pass
    import onnx
    import onnxruntime

    versions.update(onnx=onnx.__version__, onnxruntime=onnxruntime.__version__)
    index = OrderedDict(generator="samples/gen_families.py", versions=versions,
                        conventions_note="paths are relative to samples/families; every .npy is float32 C-order",
                        fixtures=fixtures)
    INDEX.write_text(json.dumps(index, indent=1) + "\n")


def report():
    total = sum(p.stat().st_size for p in ROOT.rglob("*") if p.is_file())
    for fam in sorted(p for p in ROOT.iterdir() if p.is_dir()):
        size = sum(p.stat().st_size for p in fam.rglob("*") if p.is_file())
        print(f"  {fam.name:10s} {size:>9d} bytes")
    print(f"samples/families: {total} bytes ({total / 1e6:.2f} MB, budget {SIZE_BUDGET / 1e6:.0f} MB)")
    return total <= SIZE_BUDGET


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=list(FAMILIES), action="append", help="regenerate these families")
    args = parser.parse_args(argv)
    setup_torch()
    names = args.only or list(FAMILIES)
    ROOT.mkdir(parents=True, exist_ok=True)
    for name in names:
        print(f"[{name}]", flush=True)
        FAMILIES[name]()
    write_index(names)
    return 0 if report() else 1


if __name__ == "__main__":
    sys.exit(main())
