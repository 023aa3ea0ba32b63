"""Fixtures for vitopt's training engine and `vitopt distill` (imported lazily by generate.py).

  distill/tiny/       a tiny timm ViT (img 16, patch 4, dim 32, depth 2, heads 2, mlp_ratio 2, 5 classes),
                      one batch of 4, the Hinton KD loss (alpha 0.5, T 2) with labels: autograd's
                      gradient of every parameter, and the parameters after clip_grad_norm_ and one AdamW step
  distill/tiny-dist/  the same with a distillation token (timm VisionTransformerDistilled in
                      distilled_training mode) and the DeiT hard objective (alpha 0.5)
  distill/tiny-ls/    LayerScale (init_values 0.1), no class token, global average pooling with fc_norm
                      (so no final norm), dim 16: the Hinton objective, same files (gen_distill_ls)
  distill/tiny-clip/, tiny-tanh/, tiny-dinov2/, tiny-dinov2-swiglu/, tiny-siglip/, tiny-clip-proj/, tiny-vit-pooler/
                      students of the other families (gen_distill_families): timm CLIP quickgelu, timm tanh-GELU
                      with registers, HF Dinov2ForImageClassification (and SwiGLU), timm SigLIP (attention
                      pooling), HF CLIPVisionModelWithProjection and HF ViTModel with its pooler with the cosine
                      feature objective; same files
  digits/train_pixels.npy, train_y.npy   the digits train split as uint8 pixels (same preprocessing as the test split)
"""

import json

import numpy as np
import torch
import torch.nn.functional as F

import generate as G

OUT = G.ROOT / "distill"
TINY_ARGS = {"img_size": 16, "patch_size": 4, "in_chans": 3, "num_classes": 5, "embed_dim": 16, "depth": 2,
             "num_heads": 2, "mlp_ratio": 2.0}
ALPHA, TEMPERATURE = 0.5, 2.0
LR, WEIGHT_DECAY, MAX_NORM = 1e-2, 0.05, 0.5


def _perturb(model, seed):
    """Non-trivial weights: every tensor gets N(0, 0.2^2) noise (LayerNorm weights stay near 1)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for _, p in model.named_parameters():
            p.add_(torch.randn(p.shape, generator=g) * 0.2)


def _hinton(student, teacher, labels):
    ce = F.cross_entropy(student, labels)
    kl = F.kl_div(F.log_softmax(student / TEMPERATURE, -1), F.log_softmax(teacher / TEMPERATURE, -1),
                  reduction="batchmean", log_target=True)
    return (1 - ALPHA) * ce + ALPHA * TEMPERATURE ** 2 * kl


def _deit_hard(cls_logits, dist_logits, teacher, labels):
    return (1 - ALPHA) * F.cross_entropy(cls_logits, labels) + ALPHA * F.cross_entropy(dist_logits, teacher.argmax(-1))


def _one_case(name, distilled, seed, args=None):
    import timm
    from timm.models.deit import VisionTransformerDistilled
    from timm.models.vision_transformer import VisionTransformer
    from timm.optim import param_groups_weight_decay

    args = dict(args or TINY_ARGS)
    torch.manual_seed(seed)
    model = (VisionTransformerDistilled if distilled else VisionTransformer)(**args)
    _perturb(model, seed + 100)
    out = OUT / name
    G.save_safetensors(model.state_dict(), out / "model.safetensors")
    arch = "deit_tiny_distilled_patch16_224" if distilled else "vit_tiny_patch16_224"
    G.write_json(out / "config.json", G.timm_hub_config(
        arch, 5, model.num_features, model.global_pool, args,
        {"input_size": [3, 16, 16], "interpolation": "bicubic", "crop_pct": 1.0, "crop_mode": "center",
         "mean": [0.5] * 3, "std": [0.5] * 3, "num_classes": 5}))
    g = torch.Generator().manual_seed(seed + 200)
    x = torch.randn(4, 3, 16, 16, generator=g)
    labels = torch.tensor([0, 3, 1, 4])
    teacher = torch.randn(4, 5, generator=g) * 2

    model.train()
    if distilled:
        model.set_distilled_training(True)
        cls_logits, dist_logits = model(x)
        loss = _deit_hard(cls_logits, dist_logits, teacher, labels)
    else:
        loss = _hinton(model(x), teacher, labels)
    loss.backward()
    grads = {k: p.grad.detach().clone() for k, p in model.named_parameters()}
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), MAX_NORM)
    # as timm's create_optimizer_v2: no decay for 1-D tensors nor for model.no_weight_decay() names
    groups = param_groups_weight_decay(model, WEIGHT_DECAY, no_weight_decay_list=model.no_weight_decay())
    opt = torch.optim.AdamW(groups, lr=LR, weight_decay=WEIGHT_DECAY)
    opt.step()
    G.save_npy(out / "input.npy", x)
    G.save_npy(out / "labels.npy", labels, np.int64)
    G.save_npy(out / "teacher_logits.npy", teacher)
    G.save_safetensors(grads, out / "grads.safetensors")
    G.save_safetensors(model.state_dict(), out / "after_step.safetensors")
    G.write_json(out / "step.json", {"loss": float(loss), "grad_norm": float(norm), "lr": LR, "weight_decay": WEIGHT_DECAY,
                                     "max_norm": MAX_NORM, "alpha": ALPHA, "temperature": TEMPERATURE,
                                     "objective": "deit-hard" if distilled else "hinton"})
    print(f"  {name}: loss {float(loss):.6f}, grad norm {float(norm):.4f}")


# LayerScale, no class token, avg pooling + fc_norm (timm then drops the final norm), narrower to stay small.
LS_ARGS = dict(TINY_ARGS, embed_dim=16, init_values=0.1, class_token=False, global_pool="avg", fc_norm=True)


def gen_distill_ls():
    _one_case("tiny-ls", False, 9, LS_ARGS)


def gen_distill():
    _one_case("tiny", False, 7)
    _one_case("tiny-dist", True, 8)
    pixels, labels, train_idx, _ = G.digits_data()
    G.save_npy(G.DIGITS_DIR / "train_pixels.npy", pixels[train_idx], np.uint8)
    G.save_npy(G.DIGITS_DIR / "train_y.npy", labels[train_idx], np.int64)
    print(f"  digits train split: {len(train_idx)} images")


# ----------------------------------------------------------------- students of the other families (issue #13)
# One training step each, same loss (Hinton, alpha 0.5, T 2), clipping and AdamW as `tiny`; the AdamW
# groups follow vitopt's rule (no decay for 1-D tensors, position embedding and tokens), spelled out by
# name because transformers models have no `no_weight_decay()`. A parameter the forward does not use
# (HF DINOv2's mask token) has no autograd gradient: its golden gradient is zero and AdamW skips it.
FAMILY_ARGS = {"img_size": 16, "patch_size": 4, "num_classes": 5, "embed_dim": 16, "depth": 2, "num_heads": 2,
               "mlp_ratio": 2.0}
TIMM_CFG = {"input_size": [3, 16, 16], "interpolation": "bicubic", "crop_pct": 1.0, "crop_mode": "center",
            "mean": [0.5] * 3, "std": [0.5] * 3, "num_classes": 5}


def _cosine(student, teacher):
    """Feature distillation: mean of 1 - cos(student, teacher) over the batch."""
    return (1 - F.cosine_similarity(student, teacher, dim=-1, eps=1e-8)).mean()


def _family_step(name, model, save, no_decay, seed, save_tensors=None, objective="hinton"):
    """The step goldens of `model` (saved by `save(out_dir)`), written into distill/<name>/; gradients and
    parameters after the step through `save_tensors(by_parameter_name, path)` (default: as named in memory)."""
    out = OUT / name
    save(out)
    save_tensors = save_tensors or (lambda tensors, path: G.save_safetensors(tensors, path))
    g = torch.Generator().manual_seed(seed + 200)
    x = torch.randn(4, 3, 16, 16, generator=g)
    labels = torch.tensor([0, 3, 1, 4])
    model.train()
    if objective == "cosine":
        result = model(pixel_values=x)
        emb = result.image_embeds if hasattr(result, "image_embeds") else result.pooler_output
        teacher = torch.randn(emb.shape, generator=g)
        loss = _cosine(emb, teacher)
    else:
        teacher = torch.randn(4, 5, generator=g) * 2
        logits = model(x)
        loss = _hinton(getattr(logits, "logits", logits), teacher, labels)
    loss.backward()
    grads = {k: (p.grad if p.grad is not None else torch.zeros_like(p)).detach().clone() for k, p in model.named_parameters()}
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), MAX_NORM)
    params = list(model.named_parameters())
    decay = [p for k, p in params if p.ndim > 1 and k not in no_decay]
    rest = [p for k, p in params if not (p.ndim > 1 and k not in no_decay)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": WEIGHT_DECAY}, {"params": rest, "weight_decay": 0.0}], lr=LR)
    opt.step()
    G.save_npy(out / "input.npy", x)
    G.save_npy(out / "labels.npy", labels, np.int64)
    G.save_npy(out / "teacher_logits.npy", teacher)
    save_tensors(grads, out / "grads.safetensors")
    save_tensors({k: p.detach().clone() for k, p in model.named_parameters()}, out / "after_step.safetensors")
    G.write_json(out / "step.json", {"loss": float(loss), "grad_norm": float(norm), "lr": LR, "weight_decay": WEIGHT_DECAY,
                                     "max_norm": MAX_NORM, "alpha": ALPHA, "temperature": TEMPERATURE, "objective": objective})
    print(f"  {name}: loss {float(loss):.6f}, grad norm {float(norm):.4f}")


def _timm_case(name, arch, seed, **extra):
    import timm

    args = dict(FAMILY_ARGS, **extra)
    torch.manual_seed(seed)
    model = timm.create_model(arch, pretrained=False, **args)
    _perturb(model, seed + 100)

    def save(out):
        G.save_safetensors(model.state_dict(), out / "model.safetensors")
        G.write_json(out / "config.json", G.timm_hub_config(arch, 5, model.num_features, model.global_pool, args, TIMM_CFG))

    _family_step(name, model, save, {"pos_embed", "cls_token", "reg_token"}, seed)


def _hf_case(name, model, no_decay, seed, objective="hinton"):
    _perturb(model, seed + 100)

    def save(out):
        out.mkdir(parents=True, exist_ok=True)
        model.save_pretrained(out)

    def save_tensors(tensors, path):
        """transformers 5 keeps other parameter names in memory (q_proj, gate_proj/up_proj...) than it
        saves (query, weights_in...): the tensors go through save_pretrained to get the file's names."""
        import tempfile
        from safetensors.torch import load_file

        params = dict(model.named_parameters())
        kept = {k: p.detach().clone() for k, p in params.items()}
        with torch.no_grad(), tempfile.TemporaryDirectory() as tmp:
            for k, p in params.items():
                p.copy_(tensors[k])
            model.save_pretrained(tmp)
            G.save_safetensors(load_file(f"{tmp}/model.safetensors"), path)
            for k, p in params.items():
                p.copy_(kept[k])

    _family_step(name, model, save, no_decay, seed, save_tensors, objective)


def _hf_dinov2_case(name, seed, **extra):
    from transformers import Dinov2Config, Dinov2ForImageClassification

    torch.manual_seed(seed)
    kwargs = dict({"hidden_size": 16, "num_hidden_layers": 2, "num_attention_heads": 2, "mlp_ratio": 2, "image_size": 16,
                   "patch_size": 4, "num_labels": 5, "layerscale_value": 0.1}, **extra)
    model = Dinov2ForImageClassification(Dinov2Config(**kwargs))
    no_decay = {"dinov2.embeddings.cls_token", "dinov2.embeddings.mask_token", "dinov2.embeddings.position_embeddings"}
    _hf_case(name, model, no_decay, seed)


def _hf_clip_projection_case(name, seed):
    """A headless CLIP tower (HF CLIPVisionModelWithProjection): feature distillation of image_embeds."""
    from transformers import CLIPVisionConfig, CLIPVisionModelWithProjection

    torch.manual_seed(seed)
    cfg = CLIPVisionConfig(hidden_size=16, intermediate_size=32, projection_dim=8, num_hidden_layers=2, num_attention_heads=2,
                           image_size=16, patch_size=4, hidden_act="quick_gelu")
    model = CLIPVisionModelWithProjection(cfg)
    no_decay = {"vision_model.embeddings.class_embedding", "vision_model.embeddings.position_embedding.weight"}
    _hf_case(name, model, no_decay, seed, "cosine")


def _hf_vit_pooler_case(name, seed):
    """A headless HF ViTModel with its pooler (tanh(dense(first token))): feature distillation of pooler_output."""
    from transformers import ViTConfig, ViTModel

    torch.manual_seed(seed)
    cfg = ViTConfig(hidden_size=16, num_hidden_layers=2, num_attention_heads=2, intermediate_size=32, image_size=16, patch_size=4)
    model = ViTModel(cfg, add_pooling_layer=True)
    _hf_case(name, model, {"embeddings.cls_token", "embeddings.position_embeddings"}, seed, "cosine")


def gen_distill_families():
    # timm's CLIP tower as a classifier: norm_pre, no patch bias, QuickGELU, LayerNorm eps 1e-5
    _timm_case("tiny-clip", "vit_base_patch16_clip_quickgelu_224", 11)
    # tanh-GELU (timm act_layer, as SigLIP's MLPs), registers and no position embedding for them
    _timm_case("tiny-tanh", "vit_tiny_patch16_224", 12, act_layer="gelu_tanh", reg_tokens=2, no_embed_class=True)
    # HF Dinov2ForImageClassification: mask token, LayerScale, head on [cls | patch mean]; and with SwiGLU
    _hf_dinov2_case("tiny-dinov2", 13)
    _hf_dinov2_case("tiny-dinov2-swiglu", 14, use_swiglu_ffn=True, mlp_ratio=4)
    # timm SigLIP tower with a head: no class token, attention pooling (map) (timm builds it with exact GELU)
    _timm_case("tiny-siglip", "vit_base_patch16_siglip_224", 16)
    # HF CLIPVisionModelWithProjection: no head, the student regresses the teacher's image embedding (cosine)
    _hf_clip_projection_case("tiny-clip-proj", 15)
    # HF ViTModel with its pooler: the student regresses pooler_output (cosine)
    _hf_vit_pooler_case("tiny-vit-pooler", 17)


# ----------------------------------------------------------------- BEiT / Data2Vec-vision students (issue #14)
# Relative position bias tables (per block or shared, gathered into [heads, T, T] and added to the scores),
# with and without the absolute position table, q/v biases (the key has none: timm keeps a zero buffer,
# transformers a bias-free Linear, so the key bias gets no gradient), LayerScale and mean pooling + fc_norm
# or the class token after a final norm. The tables are not decayed (timm's Beit.no_weight_decay()).
BEIT_ARGS = dict(FAMILY_ARGS)


def _timm_beit_case(name, seed, **extra):
    import timm

    args = dict(BEIT_ARGS, **extra)
    torch.manual_seed(seed)
    model = timm.create_model("beit_base_patch16_224", pretrained=False, **args)
    _perturb(model, seed + 100)

    def save(out):
        G.save_safetensors(model.state_dict(), out / "model.safetensors")
        G.write_json(out / "config.json", G.timm_hub_config("beit_base_patch16_224", 5, model.num_features, model.global_pool,
                                                            args, TIMM_CFG))

    _family_step(name, model, save, set(model.no_weight_decay()), seed)


def _hf_beit_case(name, seed, data2vec, **extra):
    from transformers import BeitConfig, BeitForImageClassification, Data2VecVisionConfig, Data2VecVisionForImageClassification

    torch.manual_seed(seed)
    kwargs = dict({"image_size": 16, "patch_size": 4, "hidden_size": 16, "num_hidden_layers": 2, "num_attention_heads": 2,
                   "intermediate_size": 32, "num_labels": 5, "drop_path_rate": 0.0}, **extra)  # default 0.1: random in train mode
    model = (Data2VecVisionForImageClassification(Data2VecVisionConfig(**kwargs)) if data2vec
             else BeitForImageClassification(BeitConfig(**kwargs)))
    no_decay = {k for k, _ in model.named_parameters()
                if k.endswith(("embeddings.cls_token", "embeddings.position_embeddings", "relative_position_bias_table"))}
    _hf_case(name, model, no_decay, seed)


def gen_distill_beit():
    # timm beit_base_patch16_224 as built: a table per block, no absolute table, LayerScale 0.1, mean + fc_norm
    _timm_beit_case("tiny-beit", 18)
    # timm Beit with one shared table and the absolute table, class-token pooling after the final norm
    _timm_beit_case("tiny-beit-shared", 19, use_rel_pos_bias=False, use_shared_rel_pos_bias=True, use_abs_pos_emb=True,
                    global_pool="token")
    # HF Data2VecVisionForImageClassification: a table per block and the absolute table, mean pooling
    _hf_beit_case("tiny-data2vec", 20, True, use_relative_position_bias=True, use_absolute_position_embeddings=True,
                  use_mean_pooling=True)
    # HF BeitForImageClassification: the shared table alone, class-token pooling
    _hf_beit_case("tiny-beit-hf-shared", 21, False, use_shared_relative_position_bias=True, use_mean_pooling=False)
