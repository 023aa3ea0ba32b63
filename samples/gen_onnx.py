"""ONNX fixtures: real exports of the sample models, and ONNX Runtime goldens.

Registered in generate.py's FIXTURES as `onnx` (exports) and `onnx-export-check`
(ONNX Runtime on files vitopt itself exported; needs a built `vitopt`, see below).

  (each export directory also gets the source model's config.json, as in a hub folder)
  digits/onnx/torchscript.onnx             the digits teacher, torch.onnx.export(dynamo=False,
                                           opset 17), dynamic batch
  digits/onnx/dynamo.onnx                  the same teacher, torch.onnx.export(dynamo=True, opset 18)
  digits/onnx/weights.data                 both exports' initializers of 128 bytes or more, as
                                           external data (location/offset/length), each payload
                                           stored once (with size_threshold=0 ONNX Runtime refuses a
                                           file: its shape inference cannot read Reshape shapes
                                           from external data)
  digits/onnx_input.npy, onnx_logits.npy   [4,3,32,32] = digits_input(first 4 test pixels);
                                           ONNX Runtime logits of the TorchScript export on it
  digits/onnx_logits_dynamo.npy            ONNX Runtime logits of the dynamo export
  hf-vit/onnx/model.onnx, logits_ort.npy   samples/hf-vit (ViTForImageClassification) exported
                                           the way Optimum does (TorchScript exporter, opset 14),
                                           ONNX Runtime logits on inputs/batch224.npy
  digits/vitopt_export_ort_logits.npy      ONNX Runtime logits of `vitopt convert
                                           digits/timm/model.safetensors X.onnx` (onnx.checker
                                           must accept the file; vitopt's own run must agree to 1e-4)
"""

import subprocess
import tempfile
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent


def _ort_run(path, x):
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 2
    sess = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    name = sess.get_inputs()[0].name
    return sess.run(None, {name: np.ascontiguousarray(x, dtype=np.float32)})[0]


def _check(path):
    import onnx

    # full_check runs shape inference, which cannot read external constants.
    onnx.checker.check_model(str(path), full_check=not (path.parent / "weights.data").exists())
    m = onnx.load(str(path), load_external_data=False)
    ops = sorted({n.op_type for n in m.graph.node})
    print(f"  {path.relative_to(ROOT)}: opset {m.opset_import[0].version}, {len(m.graph.node)} nodes, ops {ops}")


def _digits_teacher():
    import timm
    from generate import DIGITS_ARCH, DIGITS_ARGS, DIGITS_DIR

    from safetensors.torch import load_file

    model = timm.create_model(DIGITS_ARCH, pretrained=False, num_classes=10, **DIGITS_ARGS).eval()
    model.load_state_dict(load_file(str(DIGITS_DIR / "timm" / "model.safetensors")), strict=True)
    return model


def _share_external(models, directory, data_name="weights.data", threshold=128):
    """Moves every initializer of `threshold` bytes or more of each ModelProto into one external data
    file in `directory`, storing identical payloads once (both exporters write the same transposed
    MatMul weights and the same biases), so the two teacher exports share their weights on disk.
    Smaller tensors (shapes, scalars) stay inline: ONNX Runtime's shape inference reads them."""
    from onnx.external_data_helper import set_external_data

    blob, offsets = bytearray(), {}
    for m in models:
        for t in m.graph.initializer:
            if not t.HasField("raw_data") or len(t.raw_data) < threshold:
                continue
            data = bytes(t.raw_data)
            if data not in offsets:
                blob.extend(b"\0" * ((-len(blob)) % 64))
                offsets[data] = len(blob)
                blob.extend(data)
            set_external_data(t, location=data_name, offset=offsets[data], length=len(data))
            t.data_location = 1  # EXTERNAL
            t.ClearField("raw_data")
    (directory / data_name).write_bytes(bytes(blob))
    return len(blob)


def gen_onnx_exports():
    import io
    import shutil

    import onnx

    from generate import digits_input, save_npy

    model = _digits_teacher()
    pixels = np.load(ROOT / "digits" / "test_pixels.npy")[:4]
    x = digits_input(pixels)
    save_npy(ROOT / "digits" / "onnx_input.npy", x)
    with torch.no_grad():
        ref = model(x).numpy()
    out_dir = ROOT / "digits" / "onnx"
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)

    # TorchScript exporter, opset 17.
    buf = io.BytesIO()
    torch.onnx.export(model, (x,), buf, dynamo=False, opset_version=17,
                      input_names=["pixel_values"], output_names=["logits"],
                      dynamic_axes={"pixel_values": {0: "batch"}, "logits": {0: "batch"}})
    ts = onnx.load_from_string(buf.getvalue())
    # Dynamo exporter, opset 18.
    batch = torch.export.Dim("batch", min=1, max=1024)
    prog = torch.onnx.export(model, (x,), dynamo=True, opset_version=18, input_names=["pixel_values"],
                             output_names=["logits"], dynamic_shapes=({0: batch},))
    dy = prog.model_proto
    # Drop the exporter's per-node debug records (FX node text, Python stack traces): 390 kB of
    # the 430 kB graph, no semantics.
    for node in dy.graph.node:
        del node.metadata_props[:]
    size = _share_external([ts, dy], out_dir)
    print(f"  digits/onnx/weights.data: {size} bytes shared by both exports")
    onnx.save_model(ts, str(out_dir / "torchscript.onnx"))
    onnx.save_model(dy, str(out_dir / "dynamo.onnx"))
    # The hub config beside the exports, as in a model folder (labels and preprocessing).
    shutil.copy(ROOT / "digits" / "timm" / "config.json", out_dir / "config.json")
    for name, golden in [("torchscript.onnx", "onnx_logits.npy"), ("dynamo.onnx", "onnx_logits_dynamo.npy")]:
        _check(out_dir / name)
        got = _ort_run(out_dir / name, x)
        assert np.abs(got - ref).max() <= 1e-4, np.abs(got - ref).max()
        save_npy(ROOT / "digits" / golden, got)

    gen_onnx_hf_vit()


def gen_onnx_hf_vit():
    """Hugging Face ViTForImageClassification (samples/hf-vit), as Optimum exports it (TorchScript exporter,
    opset 14), and ONNX Runtime's logits on batch224."""
    import shutil

    from transformers import ViTForImageClassification

    from generate import save_npy

    hf = ViTForImageClassification.from_pretrained(str(ROOT / "hf-vit")).eval()
    xb = torch.from_numpy(np.load(ROOT / "inputs" / "batch224.npy").astype(np.float32))  # stored as float16

    class Logits(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, pixel_values):
            return self.m(pixel_values=pixel_values).logits

    out = ROOT / "hf-vit" / "onnx" / "model.onnx"
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(Logits(hf), (xb,), str(out), dynamo=False, opset_version=14,
                      input_names=["pixel_values"], output_names=["logits"],
                      dynamic_axes={"pixel_values": {0: "batch"}, "logits": {0: "batch"}})
    _check(out)
    shutil.copy(ROOT / "hf-vit" / "config.json", out.parent / "config.json")
    got = _ort_run(out, xb.numpy())
    want = np.load(ROOT / "hf-vit" / "logits.npy")
    assert np.abs(got - want).max() <= 1e-4, np.abs(got - want).max()
    save_npy(ROOT / "hf-vit" / "onnx" / "logits_ort.npy", got)


def gen_onnx_export_check(vitopt=None):
    """ONNX Runtime on vitopt's own ONNX export of the digits teacher (a dev check; needs
    `swift build` first, or VITOPT=path). onnx.checker must accept the file, and ORT's logits must
    match vitopt's own run of it within 1e-4; the ORT logits become the committed golden."""
    import os

    from generate import save_npy

    binary = vitopt or os.environ.get("VITOPT") or str(ROOT.parent / ".build" / "debug" / "vitopt")
    x = np.load(ROOT / "digits" / "onnx_input.npy")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for opset in (13, 17, 18, 20):
            onnx_path = tmp / f"teacher{opset}.onnx"
            subprocess.run([binary, "convert", str(ROOT / "digits" / "timm" / "model.safetensors"), str(onnx_path),
                            "--opset", str(opset)], check=True)
            import onnx

            onnx.checker.check_model(str(onnx_path), full_check=True)
            got = _ort_run(onnx_path, x)
            np.save(tmp / "x.npy", x)
            subprocess.run([binary, "run", str(onnx_path), "--input", str(tmp / "x.npy"),
                            "--output", str(tmp / "y.npy")], check=True)
            mine = np.load(tmp / "y.npy")
            diff = float(np.abs(mine - got).max())
            print(f"  opset {opset}: onnx.checker ok, ORT vs vitopt max abs diff {diff:.3g}")
            assert diff <= 1e-4, diff
            if opset == 17:
                ref17 = got
                save_npy(ROOT / "digits" / "vitopt_export_ort_logits.npy", got)
        # Every variant vitopt reads (HF ViTModel with pooler, DeiT distilled, registers + LayerScale +
        # avg pool + fc_norm + no qkv bias): onnx.checker, and ONNX Runtime against the PyTorch goldens.
        variants = [("hf-vit", "inputs/batch224.npy", "hf-vit/logits.npy"),
                    ("hf-vitmodel", "inputs/batch224.npy", "hf-vitmodel/last_hidden_state.npy"),
                    ("deit-distilled", "inputs/batch224.npy", "deit-distilled/logits.npy"),
                    ("timm-variants", "timm-variants/input.npy", "timm-variants/logits.npy")]
        for name, inp, golden in variants:
            for opset in (13, 17):
                path = tmp / f"{name}-{opset}.onnx"
                subprocess.run([binary, "convert", str(ROOT / name / "model.safetensors"), str(path), "--opset", str(opset)],
                               check=True, capture_output=True)
                onnx.checker.check_model(str(path), full_check=True)
                diff = float(np.abs(_ort_run(path, np.load(ROOT / inp).astype(np.float32)) - np.load(ROOT / golden)).max())
                print(f"  {name} opset {opset}: onnx.checker ok, ORT vs PyTorch golden max abs diff {diff:.3g}")
                assert diff <= 1e-4, diff
        # external data on request
        ext = tmp / "ext" / "teacher.onnx"
        ext.parent.mkdir()
        subprocess.run([binary, "convert", str(ROOT / "digits" / "timm" / "model.safetensors"), str(ext),
                        "--external-data"], check=True)
        onnx.checker.check_model(str(ext), full_check=True)
        diff = float(np.abs(_ort_run(ext, x) - ref17).max())
        print(f"  external data: onnx.checker ok, ORT diff vs inline export {diff:.3g}")
        assert diff == 0.0


def gen_onnx_ops():
    """samples/onnx-ops/: one small graph per opset (17 and 11) whose outputs exercise the ONNX
    operators' non-default attributes and broadcasting, with ONNX Runtime's outputs as goldens
    (`<output>.npy`) on `x.npy` ([2,3,4,5] randn, numpy seed 5)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    out_dir = ROOT / "onnx-ops"
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 3, 4, 5)).astype(np.float32)
    np.save(out_dir / "x.npy", x)

    def const(name, a):
        return numpy_helper.from_array(np.asarray(a), name)

    def build(opset, nodes, outputs, inits, fname):
        g = helper.make_graph(nodes, f"ops{opset}", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3, 4, 5])],
                              [helper.make_tensor_value_info(o, TensorProto.FLOAT, None) for o in outputs], inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], producer_name="gen_onnx.py")
        m.ir_version = 8
        # Give the outputs their inferred shapes, then check the model in full.
        inferred = onnx.shape_inference.infer_shapes(m)
        shapes = {v.name: v.type for v in list(inferred.graph.value_info) + list(inferred.graph.output)}
        for o in m.graph.output:
            o.type.CopyFrom(shapes[o.name])
            assert o.type.tensor_type.HasField("shape"), f"no inferred shape for {o.name}"
        onnx.checker.check_model(m, full_check=True)
        path = out_dir / fname
        onnx.save_model(m, str(path))
        import onnxruntime as ort

        sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        for name, value in zip(outputs, sess.run(None, {"x": x})):
            np.save(out_dir / f"{name}.npy", np.ascontiguousarray(value.astype(np.float32)))
        print(f"  {fname}: {len(nodes)} nodes, outputs {outputs}")

    N = helper.make_node
    inits = [
        const("w_conv", rng.standard_normal((6, 1, 3, 3)).astype(np.float32)), const("b_conv", rng.standard_normal(6).astype(np.float32)),
        const("w_mm", rng.standard_normal((5, 2)).astype(np.float32)), const("y_mm", rng.standard_normal((1, 3, 5, 4)).astype(np.float32)),
        const("g_a", rng.standard_normal((10, 6)).astype(np.float32)), const("g_c", rng.standard_normal(6).astype(np.float32)),
        const("ln_s", rng.standard_normal((4, 5)).astype(np.float32)), const("ln_b", rng.standard_normal((4, 5)).astype(np.float32)),
        const("three", np.float32(3)), const("one", np.float32(1)), const("zero", np.float32(0)),
        const("sl_s", np.array([-1], np.int64)), const("sl_e", np.array([-(10 ** 9)], np.int64)), const("sl_a", np.array([3], np.int64)),
        const("sl_st", np.array([-2], np.int64)), const("gi", np.array([-1, 0], np.int64)), const("split", np.array([2, 3], np.int64)),
        const("ex_shape", np.array([3, 1, 1, 1, 1], np.int64)), const("rs_shape", np.array([0, -1, 5], np.int64)),
        const("usq", np.array([0, 3], np.int64)), const("sq", np.array([0], np.int64)), const("mask", rng.standard_normal(5) > 0),
    ]
    nodes = [
        N("Softmax", ["x"], ["softmax_axis1"], axis=1),
        N("ReduceMean", ["x"], ["reducemean_13"], axes=[1, 3], keepdims=1),
        N("Slice", ["x", "sl_s", "sl_e", "sl_a", "sl_st"], ["slice_negstep"]),
        N("Gather", ["x", "gi"], ["gather_neg"], axis=2),
        N("Conv", ["x", "w_conv", "b_conv"], ["conv_pad_group"], pads=[1, 1, 1, 1], strides=[2, 2], group=3),
        N("MatMul", ["x", "w_mm"], ["matmul_const"]),
        N("MatMul", ["x", "y_mm"], ["matmul_bcast"]),
        N("Split", ["x", "split"], ["split_a", "split_b"], axis=3),
        N("Transpose", ["x"], ["transpose"], perm=[3, 1, 0, 2]),
        N("Flatten", ["x"], ["flatten2"], axis=2),
        N("Neg", ["x"], ["negx"]),
        N("Where", ["mask", "x", "negx"], ["where_bcast"]),
        N("Pow", ["x", "three"], ["pow3"]),
        N("Mul", ["x", "x"], ["xx"]), N("Add", ["xx", "one"], ["xx1"]), N("Sqrt", ["xx1"], ["sqrt"]),
        N("Erf", ["x"], ["erf"]), N("Tanh", ["x"], ["tanh"]),
        N("Expand", ["x", "ex_shape"], ["expand5"]),
        N("Reshape", ["x", "rs_shape"], ["r3"]), N("Gather", ["r3", "gi"], ["g2"], axis=1),
        N("Flatten", ["g2"], ["f2"], axis=1), N("Transpose", ["f2"], ["f2t"], perm=[1, 0]),
        N("Gemm", ["f2t", "g_a", "g_c"], ["gemm_ta"], transA=1, alpha=0.5, beta=2.0),
        N("LayerNormalization", ["x", "ln_s", "ln_b"], ["layernorm_2d"], axis=-2, epsilon=1e-3),
        N("Concat", ["x", "x"], ["concat_last"], axis=-1),
        N("Unsqueeze", ["x", "usq"], ["unsq"]), N("Squeeze", ["unsq", "sq"], ["sq_out"]),
        N("Div", ["x", "three"], ["div"]),
    ]
    outs = ["softmax_axis1", "reducemean_13", "slice_negstep", "gather_neg", "conv_pad_group", "matmul_const", "matmul_bcast",
            "split_a", "split_b", "transpose", "flatten2", "where_bcast", "pow3", "sqrt", "erf", "tanh", "expand5", "gemm_ta",
            "layernorm_2d", "concat_last", "sq_out", "div"]
    build(17, nodes, outs, inits, "ops17.onnx")
    nodes11 = [N("Softmax", ["x"], ["softmax_coerce2d"], axis=1), N("ReduceMean", ["x"], ["reducemean_02"], axes=[0, 2], keepdims=0),
               N("Unsqueeze", ["x"], ["unsq11"], axes=[0]), N("Squeeze", ["unsq11"], ["squeeze11"], axes=[0]),
               N("Split", ["x"], ["s11a", "s11b"], axis=3, split=[1, 4])]
    build(11, nodes11, ["softmax_coerce2d", "reducemean_02", "squeeze11", "s11a", "s11b"], [], "ops11.onnx")
