"""Goldens for position-embedding and patch-embedding resampling (vitopt resize-pos, run --image-size).

Fixtures (all under samples/resize/):

  interp.safetensors + interp_cases.json
      Small position embeddings (dim 4, N(0, 1) values) and what each reference makes of them: timm
      resample_abs_pos_embed (14->24 bicubic antialias on/off, a non-square target, bilinear,
      downsampling, a non-square source, no_embed_class), transformers 5.x
      ViTEmbeddings.interpolate_pos_encoding, DeiT's fine-tuning resize (two prefix rows) and
      DINOv2's interpolate_pos_encoding (+0.1 offset, scale_factor semantics), each case described
      in the JSON (source tensor, prefix rows, grids, kernel, antialias, sizing, reference call).
  flexi.safetensors + flexi_cases.json
      timm resample_patch_embed on a random [8,3,4,4] kernel (fp32, as timm runs it) and the same
      computation in float64 (timm's own _compute_resize_matrix / pinv / _apply_resampling with
      dtype=float64).
  digits48/  the digits teacher run at other sizes: uint8 inputs and logits of
      - timm.create_model("local-dir:samples/digits/timm", pretrained=True, img_size=48) (timm's
        checkpoint_filter_fn resamples pos_embed with resample_abs_pos_embed), its pos_embed,
      - the same at 48x64,
      - transformers ViTForImageClassification.from_pretrained("samples/digits/hf") with
        interpolate_pos_encoding=True at 48 and 48x64,
      - timm at img_size=64, patch_size=8 (FlexiViT: checkpoint_filter_fn resamples the patch
        kernel with resample_patch_embed; the grid stays 8x8).
"""

import json
import math
from collections import OrderedDict

import numpy as np
import torch
import torch.nn.functional as F

from generate import ROOT, digits_input, save_npy, save_safetensors, write_json, max_abs_diff

OUT = ROOT / "resize"


def _src(generator, rows, dim=8):
    return torch.randn(1, rows, dim, generator=generator)


def dinov2_interpolate(pos_embed, h0, w0, antialias=False, offset=0.1):
    """facebookresearch/dinov2 DinoVisionTransformer.interpolate_pos_encoding, transcribed: one
    class row, a square M x M grid, bicubic with scale_factor=((h0 + offset) / M, (w0 + offset) / M)."""
    n = pos_embed.shape[1] - 1
    m = int(math.sqrt(n))
    assert m * m == n
    dim = pos_embed.shape[-1]
    sx, sy = float(h0 + offset) / m, float(w0 + offset) / m
    patch = F.interpolate(pos_embed[:, 1:].reshape(1, m, m, dim).permute(0, 3, 1, 2),
                          scale_factor=(sx, sy), mode="bicubic", antialias=antialias)
    assert tuple(patch.shape[-2:]) == (h0, w0)
    patch = patch.permute(0, 2, 3, 1).reshape(1, -1, dim)
    return torch.cat((pos_embed[:, :1], patch), dim=1)


def deit_interpolate(pos_embed, extra, new_size):
    """DeiT main.py's fine-tuning resize, transcribed: extra (class, distillation) rows kept,
    square grid, bicubic, size=, align_corners=False, no antialias."""
    dim = pos_embed.shape[-1]
    orig = int((pos_embed.shape[-2] - extra) ** 0.5)
    tokens = pos_embed[:, extra:].reshape(-1, orig, orig, dim).permute(0, 3, 1, 2)
    tokens = F.interpolate(tokens, size=(new_size, new_size), mode="bicubic", align_corners=False)
    tokens = tokens.permute(0, 2, 3, 1).flatten(1, 2)
    return torch.cat((pos_embed[:, :extra], tokens), dim=1)


def hf_interpolate(pos_embed, patch, height, width):
    """transformers' own ViTEmbeddings.interpolate_pos_encoding on a small config."""
    from transformers import ViTConfig
    from transformers.models.vit.modeling_vit import ViTEmbeddings

    n = pos_embed.shape[1] - 1
    side = int(math.sqrt(n))
    config = ViTConfig(hidden_size=pos_embed.shape[-1], image_size=side * patch, patch_size=patch, num_channels=3)
    emb = ViTEmbeddings(config).to(pos_embed.dtype)
    with torch.no_grad():
        emb.position_embeddings.copy_(pos_embed)
        dummy = torch.zeros(1, (height // patch) * (width // patch) + 1, pos_embed.shape[-1])
        return emb.interpolate_pos_encoding(dummy, height, width)


def _interp(pos_embed, prefix, grid, target, mode, antialias, scale_factor=None):
    """What timm's resample_abs_pos_embed does, minus its cast to float32: split off the prefix
    rows, reshape row-major to the grid, F.interpolate(align_corners=False), flatten back."""
    dim = pos_embed.shape[-1]
    x = pos_embed[:, prefix:].reshape(1, grid[0], grid[1], dim).permute(0, 3, 1, 2)
    kwargs = {"scale_factor": scale_factor} if scale_factor else {"size": target}
    x = F.interpolate(x, mode=mode, antialias=antialias, align_corners=False, **kwargs)
    x = x.permute(0, 2, 3, 1).reshape(1, -1, dim)
    return torch.cat((pos_embed[:, :prefix], x), dim=1)


def gen_resize_interp():
    """Every case is stored twice: `name` is the reference call on the float32 source (what the
    family's code computes), `name.f64` the same formula on the source in float64 — the exact value
    that the fp32 result approximates (PyTorch's fp32 kernels accumulate in fp32)."""
    from timm.layers import resample_abs_pos_embed

    g = torch.Generator().manual_seed(61)
    dim = 2
    sources = OrderedDict([
        ("src_14", _src(g, 1 + 14 * 14, dim)),          # class row + 14x14
        ("src_14_deit", _src(g, 2 + 14 * 14, dim)),     # class + distillation rows
        ("src_6x10", _src(g, 1 + 6 * 10, dim)),         # non-square source grid
        ("src_16", _src(g, 1 + 16 * 16, dim)),          # DINOv2-style
        ("src_4x4_noprefix", _src(g, 16, dim)),         # no_embed_class: patches only
    ])
    tensors = OrderedDict(sources)
    cases = []

    def add(name, source, prefix, grid, target, mode, antialias, sizing, reference, fn):
        src = sources[source]
        out32 = fn(src)
        out64 = fn(src.double())
        assert out32.dtype == torch.float32 and out64.dtype == torch.float64, name
        tensors[name] = out32.contiguous()
        tensors[name + ".f64"] = out64.contiguous()
        cases.append({"name": name, "source": source, "prefix": prefix, "source_grid": grid, "target_grid": target,
                      "mode": mode, "antialias": antialias, "sizing": sizing, "reference": reference,
                      "fp32_vs_fp64": max_abs_diff(out32.double(), out64)})

    for mode in ("bicubic", "bilinear"):
        for aa in (True, False):
            for tgt in ([24, 24], [9, 9], [20, 32]):
                if mode == "bilinear" and tgt == [20, 32]:
                    continue
                name = f"timm_{mode}_{'aa' if aa else 'noaa'}_{tgt[0]}x{tgt[1]}"

                def timm_fn(src, tgt=tgt, mode=mode, aa=aa):
                    if src.dtype == torch.float64:   # timm casts to float32; same steps in float64
                        return _interp(src, 1, [14, 14], tgt, mode, aa)
                    out = resample_abs_pos_embed(src, new_size=tgt, num_prefix_tokens=1, interpolation=mode, antialias=aa)
                    assert torch.equal(out, _interp(src, 1, [14, 14], tgt, mode, aa))
                    return out
                add(name, "src_14", 1, [14, 14], tgt, mode, aa, "size",
                    f"timm resample_abs_pos_embed(new_size={tgt}, num_prefix_tokens=1, interpolation='{mode}', antialias={aa})",
                    timm_fn)
    for aa in (True, False):
        for tgt in ([9, 15], [4, 7]):
            def ns_fn(src, tgt=tgt, aa=aa):
                if src.dtype == torch.float64:
                    return _interp(src, 1, [6, 10], tgt, "bicubic", aa)
                return resample_abs_pos_embed(src, new_size=tgt, old_size=[6, 10], num_prefix_tokens=1, antialias=aa)
            add(f"timm_nonsquare_src_{'aa' if aa else 'noaa'}_{tgt[0]}x{tgt[1]}", "src_6x10", 1, [6, 10], tgt, "bicubic", aa,
                "size", f"timm resample_abs_pos_embed(new_size={tgt}, old_size=[6, 10], num_prefix_tokens=1, antialias={aa})", ns_fn)

    def nec_fn(src):
        if src.dtype == torch.float64:
            return _interp(src, 0, [4, 4], [6, 6], "bicubic", True)
        return resample_abs_pos_embed(src, new_size=[6, 6], num_prefix_tokens=0)
    add("timm_no_embed_class_6x6", "src_4x4_noprefix", 0, [4, 4], [6, 6], "bicubic", True, "size",
        "timm resample_abs_pos_embed(new_size=[6, 6], num_prefix_tokens=0)", nec_fn)

    for h, w in ((96, 96), (96, 64)):
        add(f"hf_{h // 4}x{w // 4}", "src_14", 1, [14, 14], [h // 4, w // 4], "bicubic", False, "size",
            f"transformers ViTEmbeddings.interpolate_pos_encoding(height={h}, width={w}), patch 4",
            lambda src, h=h, w=w: hf_interpolate(src, 4, h, w))
    add("deit_24x24", "src_14_deit", 2, [14, 14], [24, 24], "bicubic", False, "size",
        "DeiT main.py resize: F.interpolate(size=(24, 24), mode='bicubic', align_corners=False), 2 extra rows",
        lambda src: deit_interpolate(src, 2, 24))

    for (h0, w0), aa in (((23, 23), False), ((23, 30), False), ((37, 37), False), ((23, 23), True), ((12, 12), False)):
        add(f"dinov2_{h0}x{w0}{'_aa' if aa else ''}", "src_16", 1, [16, 16], [h0, w0], "bicubic", aa, "scale_factor+0.1",
            f"DINOv2 interpolate_pos_encoding: scale_factor=(({h0}+0.1)/16, ({w0}+0.1)/16), antialias={aa}",
            lambda src, h0=h0, w0=w0, aa=aa: dinov2_interpolate(src, h0, w0, antialias=aa))
    # a scale factor that keeps the size: ATen still resamples bicubic without antialias, copies otherwise
    for mode, aa in (("bicubic", False), ("bilinear", False), ("bicubic", True)):
        add(f"scale_factor_same_size_{mode}{'_aa' if aa else ''}", "src_16", 1, [16, 16], [16, 16], mode, aa,
            "scale_factor+0.1", f"F.interpolate(scale_factor=(16.1/16, 16.1/16), mode='{mode}', antialias={aa})",
            lambda src, mode=mode, aa=aa: _interp(src, 1, [16, 16], None, mode, aa, scale_factor=(16.1 / 16, 16.1 / 16)))

    OUT.mkdir(parents=True, exist_ok=True)
    save_safetensors(tensors, OUT / "interp.safetensors")
    write_json(OUT / "interp_cases.json", cases)
    worst = max(c["fp32_vs_fp64"] for c in cases)
    print(f"  {len(cases)} interpolation cases; PyTorch fp32 vs fp64 up to {worst:.2e}")


def gen_resize_flexi():
    from timm.layers import resample_patch_embed
    from timm.layers.patch_embed import _apply_resampling, _compute_resize_matrix

    g = torch.Generator().manual_seed(62)
    w = torch.randn(8, 3, 4, 4, generator=g)
    tensors = OrderedDict([("kernel", w)])
    cases = []
    for new, mode, aa in (((8, 8), "bicubic", True), ((6, 6), "bilinear", False), ((2, 2), "bicubic", True),
                          ((6, 8), "bicubic", False), ((5, 7), "bilinear", True)):
        name = f"{mode}_{'aa' if aa else 'noaa'}_{new[0]}x{new[1]}"
        tensors[name] = resample_patch_embed(w, list(new), interpolation=mode, antialias=aa).contiguous()
        r = _compute_resize_matrix((4, 4), new, mode, aa, torch.device("cpu"), torch.float64)
        ref = _apply_resampling(w.double(), torch.linalg.pinv(r), new, torch.float64, torch.float64)
        tensors[name + ".f64"] = ref.contiguous()
        diff = max_abs_diff(tensors[name].double(), ref)
        cases.append({"name": name, "patch": list(new), "mode": mode, "antialias": aa,
                      "reference": f"timm resample_patch_embed(kernel, {list(new)}, interpolation='{mode}', antialias={aa})",
                      "timm_fp32_vs_fp64": diff})
        print(f"  flexi {name}: timm fp32 vs fp64 max |diff| {diff:.2e}")
    save_safetensors(tensors, OUT / "flexi.safetensors")
    write_json(OUT / "flexi_cases.json", cases)


def _digits_pixels(size, count=20):
    """The first `count` test digits, upsampled 8 -> size (bilinear) to uint8, like digits_pixels."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    _, test_idx = train_test_split(np.arange(len(digits.target)), test_size=0.2, random_state=0,
                                   stratify=digits.target)
    x = torch.as_tensor(digits.images[test_idx[:count]], dtype=torch.float32)[:, None] / 16.0
    x = F.interpolate(x, size=size, mode="bilinear", align_corners=False).clamp(0.0, 1.0)
    return torch.round(x[:, 0] * 255.0).to(torch.uint8), torch.as_tensor(digits.target[test_idx[:count]])


def gen_resize_digits():
    import timm
    from transformers import ViTForImageClassification

    out_dir = OUT / "digits48"
    labels = None
    hf = ViTForImageClassification.from_pretrained(str(ROOT / "digits" / "hf")).eval()
    for size in ((48, 48), (48, 64)):
        tag = f"{size[0]}x{size[1]}"
        pixels, labels = _digits_pixels(size)
        x = digits_input(pixels)
        model = timm.create_model(f"local-dir:{ROOT / 'digits' / 'timm'}", pretrained=True, img_size=list(size)).eval()
        with torch.no_grad():
            logits = model(x)
            hf_logits = hf(pixel_values=x, interpolate_pos_encoding=True).logits
        save_npy(out_dir / f"pixels_{tag}.npy", pixels, np.uint8)
        save_npy(out_dir / f"timm_logits_{tag}.npy", logits)
        save_npy(out_dir / f"hf_logits_{tag}.npy", hf_logits)
        save_npy(out_dir / f"timm_pos_embed_{tag}.npy", model.pos_embed.detach())
        acc_t = float((logits.argmax(1) == labels).float().mean())
        acc_h = float((hf_logits.argmax(1) == labels).float().mean())
        print(f"  digits at {tag}: timm acc {acc_t:.2f}, HF acc {acc_h:.2f}, timm vs HF max |diff| "
              f"{max_abs_diff(logits, hf_logits):.3f}")
    save_npy(out_dir / "labels.npy", labels, np.int64)

    # FlexiViT: patch 4 -> 8 at 64 px keeps the 8x8 grid; timm resamples the kernel on load
    pixels, _ = _digits_pixels((64, 64))
    x = digits_input(pixels)
    model = timm.create_model(f"local-dir:{ROOT / 'digits' / 'timm'}", pretrained=True, img_size=64, patch_size=8).eval()
    with torch.no_grad():
        logits = model(x)
    save_npy(out_dir / "pixels_64x64.npy", pixels, np.uint8)
    save_npy(out_dir / "timm_flexi_p8_logits_64x64.npy", logits)
    print(f"  digits at 64 with patch 8 (FlexiViT): acc {float((logits.argmax(1) == labels).float().mean()):.2f}")


def gen_resize():
    gen_resize_interp()
    gen_resize_flexi()
    gen_resize_digits()


EXPECTED = {
    "resize/digits48/pixels_48x48.npy": ((20, 48, 48), "|u1"),
    "resize/digits48/pixels_48x64.npy": ((20, 48, 64), "|u1"),
    "resize/digits48/pixels_64x64.npy": ((20, 64, 64), "|u1"),
    "resize/digits48/timm_logits_48x48.npy": ((20, 10), "<f4"),
    "resize/digits48/hf_logits_48x48.npy": ((20, 10), "<f4"),
    "resize/digits48/timm_logits_48x64.npy": ((20, 10), "<f4"),
    "resize/digits48/hf_logits_48x64.npy": ((20, 10), "<f4"),
    "resize/digits48/timm_pos_embed_48x48.npy": ((1, 145, 64), "<f4"),
    "resize/digits48/timm_flexi_p8_logits_64x64.npy": ((20, 10), "<f4"),
    "resize/digits48/labels.npy": ((20,), "<i8"),
}
