"""Int8 ONNX fixtures (samples/onnxint8/): ONNX Runtime's dynamic quantization of a small timm ViT,
and ONNX Runtime's logits on vitopt's own int8 ONNX exports of the digits teacher.

Needs torch, timm, onnx and onnxruntime (`pip install torch timm onnx onnxruntime`).

  gen_onnxint8_ort()     a random timm ViT (img 32, patch 8, dim 16, depth 2, 2 heads, 10 classes),
                         torch.onnx.export (TorchScript exporter, opset 17, dynamic batch), then
                         onnxruntime.quantization.quantize_dynamic with QInt8 weights per_channel
                         False and True, and QUInt8 weights; ORT's logits of each on
                         digits/onnx_input.npy (value_info annotations dropped). (The digits teacher's own quantize_dynamic outputs
                         are ~365 kB each, more than samples/ can hold; it runs through the same ops.)
  gen_onnxint8_export()  runs the vitopt binary (VITOPT=path, else .build/debug/vitopt):
                         `vitopt quantize digits/timm/model.safetensors T.onnx --activations A` for
                         per-tensor and per-token, checks each file with onnx.checker, runs ONNX
                         Runtime on digits/onnx_input.npy and commits ORT's logits plus the file's
                         size and FNV-1a 64 hash (not the 300 kB files): the Swift test exports
                         again, checks the hash (so the golden applies to the very bytes) and
                         compares vitopt's int8 logits to ORT's.
"""
import json
import os
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent
OUT = ROOT / "onnxint8"


def fnv1a64(data: bytes) -> str:
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def _ort(path, x, optimize=True):
    import onnxruntime as ort

    o = ort.SessionOptions()
    if not optimize:  # the graph as written: QDQ pairs run as separate QuantizeLinear/DequantizeLinear
        o.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    o.intra_op_num_threads = 2
    o.log_severity_level = 3
    s = ort.InferenceSession(str(path), o, providers=["CPUExecutionProvider"])
    return s.run(None, {s.get_inputs()[0].name: np.ascontiguousarray(x, dtype=np.float32)})[0]


def _ops(path):
    import onnx

    m = onnx.load(str(path))
    return sorted({n.op_type for n in m.graph.node})


def _calibration_reader(calib):
    """An ONNX Runtime CalibrationDataReader feeding `calib` [N,3,H,W] one image at a time as pixel_values."""
    from onnxruntime.quantization import CalibrationDataReader

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.it = iter([{"pixel_values": calib[i:i + 1]} for i in range(len(calib))])

        def get_next(self):
            return next(self.it, None)

    return Reader()


def _tiny_vit_onnx(path):
    """The random timm ViT of the ORT-quantized fixtures (img 32, patch 8, dim 16, depth 2, 2 heads), exported by
    torch.onnx (TorchScript, opset 17, dynamic batch) to `path`; returns digits/onnx_input.npy and PyTorch's logits on it."""
    import timm

    torch.manual_seed(5)
    model = timm.models.vision_transformer.VisionTransformer(
        img_size=32, patch_size=8, in_chans=3, num_classes=10, embed_dim=16, depth=2, num_heads=2, mlp_ratio=2.0).eval()
    # timm's init leaves LayerNorms at identity and the head at zero: perturb them so every
    # parameter matters and the logits are not all zero.
    g = torch.Generator().manual_seed(105)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name or name.startswith("head"):
                p.add_(torch.randn(p.shape, generator=g) * 0.2)
    x = np.load(ROOT / "digits" / "onnx_input.npy")
    torch.onnx.export(model, (torch.from_numpy(x),), str(path), dynamo=False, opset_version=17,
                      input_names=["pixel_values"], output_names=["logits"],
                      dynamic_axes={"pixel_values": {0: "batch"}, "logits": {0: "batch"}})
    with torch.no_grad():
        return x, model(torch.from_numpy(x)).numpy()


def _save_ort_quantized(path, name, ref, x):
    """Drops the quantizer's shape-inference annotations (value_info, about 10 kB) from `path`, checks it, and
    saves ORT's logits on `x` as <name>_logits.npy; prints its size, ops and distance from the fp32 `ref`."""
    import onnx

    from generate import save_npy

    m = onnx.load(str(path))
    del m.graph.value_info[:]
    onnx.save(m, str(path))
    onnx.checker.check_model(str(path), full_check=True)
    got = _ort(path, x)
    save_npy(OUT / f"{name}_logits.npy", got)
    cos = (got * ref).sum(1) / np.linalg.norm(got, axis=1) / np.linalg.norm(ref, axis=1)
    print(f"  onnxint8/{name}.onnx: {path.stat().st_size} bytes, ops {_ops(path)}; "
          f"vs fp32 max abs {np.abs(got - ref).max():.3g}, cosine min {cos.min():.6f}")


def gen_onnxint8_ort():
    from onnxruntime.quantization import QuantType, quantize_dynamic

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "tiny.onnx"
        x, ref = _tiny_vit_onnx(fp32)
        for name, kwargs in [("tiny_qint8", dict(weight_type=QuantType.QInt8, per_channel=False)),
                             ("tiny_qint8_per_channel", dict(weight_type=QuantType.QInt8, per_channel=True)),
                             ("tiny_quint8", dict(weight_type=QuantType.QUInt8, per_channel=False))]:
            path = OUT / f"{name}.onnx"
            quantize_dynamic(str(fp32), str(path), **kwargs)
            _save_ort_quantized(path, name, ref, x)


def gen_onnxint8_qdq():
    """ONNX Runtime's static int8 in QDQ form of the same tiny ViT: quantize_static (MinMax) calibrated on the
    first 32 training digits (digits_input of the uint8 pixels, as vitopt preprocesses them), MatMul/Gemm
    only, (a) QUInt8 activations with QInt8 per-channel weights, (b) QInt8 activations with QInt8 per-tensor weights; ORT's logits on digits/onnx_input.npy with its default optimisation and without any."""
    from onnxruntime.quantization import CalibrationMethod, QuantFormat, QuantType, quantize_static

    from generate import digits_input, save_npy

    OUT.mkdir(parents=True, exist_ok=True)
    calib = digits_input(np.load(ROOT / "digits" / "train_pixels.npy")[:32]).numpy()

    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "tiny.onnx"
        x, ref = _tiny_vit_onnx(fp32)
        for name, kwargs in [("tiny_qdq_u8_per_channel", dict(activation_type=QuantType.QUInt8, per_channel=True)),
                             ("tiny_qdq_s8_per_tensor", dict(activation_type=QuantType.QInt8, per_channel=False))]:
            path = OUT / f"{name}.onnx"
            quantize_static(str(fp32), str(path), _calibration_reader(calib), quant_format=QuantFormat.QDQ, weight_type=QuantType.QInt8,
                            calibrate_method=CalibrationMethod.MinMax, op_types_to_quantize=["MatMul", "Gemm"], **kwargs)
            _save_ort_quantized(path, name, ref, x)
            # ORT's default optimisation fuses the QDQ pairs into its integer kernels, whose float rounding moves some
            # later activations to the neighbouring int8 step; without optimisation it runs the graph's own
            # semantics, the reference an importer should match.
            plain = _ort(path, x, optimize=False)
            save_npy(OUT / f"{name}_unoptimized_logits.npy", plain)
            print(f"    ORT optimized vs unoptimized: max abs {np.abs(plain - _ort(path, x)).max():.3g}")


def gen_onnxint8_export(vitopt=None):
    import onnx

    from generate import save_npy

    OUT.mkdir(parents=True, exist_ok=True)
    binary = vitopt or os.environ.get("VITOPT") or str(ROOT.parent / ".build" / "debug" / "vitopt")
    x = np.load(ROOT / "digits" / "onnx_input.npy")
    record = {}
    with tempfile.TemporaryDirectory() as tmp:
        for scheme in ("per-tensor", "per-token"):
            path = Path(tmp) / f"teacher-{scheme}.onnx"
            cmd = ["quantize", "digits/timm/model.safetensors", path.name, "--activations", scheme]
            subprocess.run([binary] + cmd[:2] + [str(path)] + cmd[3:], cwd=ROOT, check=True, capture_output=True)
            onnx.checker.check_model(str(path), full_check=True)
            data = path.read_bytes()
            got = _ort(path, x)
            golden = f"vitopt_{scheme.replace('-', '_')}_ort_logits.npy"
            save_npy(OUT / golden, got)
            record[scheme] = {"command": "vitopt " + " ".join(cmd), "bytes": len(data), "fnv1a64": fnv1a64(data),
                              "ort_logits": golden, "input": "digits/onnx_input.npy",
                              "onnxruntime": __import__("onnxruntime").__version__}
            print(f"  {scheme}: {len(data)} bytes, fnv1a64 {record[scheme]['fnv1a64']}, ops {_ops(path)}")
    (OUT / "vitopt_exports.json").write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")


STATIC_SAMPLES = 256


def gen_onnxint8_static(vitopt=None):
    """Static int8 (issue #15): ORT's logits on vitopt's QDQ export of the digits teacher calibrated on the
    first 256 training digits, plus ORT's own quantize_static ranges for the same calibration data.

    Runs `vitopt quantize digits/timm/model.safetensors teacher-static.onnx --calibrate digits/train_pixels.npy
    --calibration-samples 256` (VITOPT=path, else .build/debug/vitopt), checks the file with onnx.checker, runs
    ONNX Runtime on digits/onnx_input.npy and records the file's size and FNV-1a 64 hash with ORT's logits
    (vitopt_static_ort_logits.npy). Then runs onnxruntime.quantization.quantize_static (QDQ, MinMax, QUInt8
    activations, QInt8 per-channel weights, MatMul/Gemm only) on digits/onnx/torchscript.onnx with the same 256
    inputs (digits_input of the uint8 pixels, as vitopt preprocesses them) and records the u8 scale and zero point
    ORT chose for each MatMul/Gemm input, in graph order (the teacher's Linear layers in order: per block qkv,
    proj, fc1, fc2, then head), so the Swift test compares vitopt's min/max calibration with ORT's.
    """
    import onnx
    from onnx import numpy_helper
    from onnxruntime.quantization import CalibrationMethod, QuantFormat, QuantType, quantize_static

    from generate import digits_input, save_npy

    OUT.mkdir(parents=True, exist_ok=True)
    binary = vitopt or os.environ.get("VITOPT") or str(ROOT.parent / ".build" / "debug" / "vitopt")
    x = np.load(ROOT / "digits" / "onnx_input.npy")
    calib = digits_input(np.load(ROOT / "digits" / "train_pixels.npy")[:STATIC_SAMPLES]).numpy()
    record = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "teacher-static.onnx"
        cmd = ["quantize", "digits/timm/model.safetensors", path.name, "--calibrate", "digits/train_pixels.npy",
               "--calibration-samples", str(STATIC_SAMPLES)]
        subprocess.run([binary] + cmd[:2] + [str(path)] + cmd[3:], cwd=ROOT, check=True, capture_output=True)
        onnx.checker.check_model(str(path), full_check=True)
        data = path.read_bytes()
        save_npy(OUT / "vitopt_static_ort_logits.npy", _ort(path, x))
        # The calibrated values in the file (exact float32 as JSON doubles): the Swift test rebuilds the static
        # graph from them, since its own calibration may differ from the CLI's in the last bits of a range.
        vinits = {i.name: numpy_helper.to_array(i) for i in onnx.load(str(path)).graph.initializer}
        calibrated = {k[:-len("_input_scale")]: {"scale": float(v), "zero_point": int(vinits[k[:-len("_scale")] + "_zero_point"])}
                      for k, v in vinits.items() if k.endswith("_input_scale")}
        record["vitopt_export"] = {"command": "vitopt " + " ".join(cmd), "bytes": len(data), "fnv1a64": fnv1a64(data),
                                   "ort_logits": "vitopt_static_ort_logits.npy", "input": "digits/onnx_input.npy",
                                   "onnxruntime": __import__("onnxruntime").__version__, "inputs": calibrated}
        print(f"  static: {len(data)} bytes, fnv1a64 {record['vitopt_export']['fnv1a64']}, ops {_ops(path)}")

        qpath = Path(tmp) / "ort-static.onnx"
        quantize_static(str(ROOT / "digits" / "onnx" / "torchscript.onnx"), str(qpath), _calibration_reader(calib), quant_format=QuantFormat.QDQ,
                        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8, per_channel=True,
                        calibrate_method=CalibrationMethod.MinMax, op_types_to_quantize=["MatMul", "Gemm"])
        m = onnx.load(str(qpath))
        inits = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
        producer = {o: n for n in m.graph.node for o in n.output}
        ranges = []
        for n in m.graph.node:
            if n.op_type not in ("MatMul", "Gemm"):
                continue
            dq = producer.get(n.input[0])
            if dq is None or dq.op_type != "DequantizeLinear" or n.input[1] not in producer:
                continue  # the attention matmuls (two activations) stay fp32 in vitopt
            wdq = producer[n.input[1]]
            if wdq.op_type != "DequantizeLinear" or wdq.input[0] not in inits:
                continue  # both operands are activations: an attention matmul
            ranges.append({"node": n.name, "scale": float(inits[dq.input[1]]), "zero_point": int(inits[dq.input[2]])})
        record["ort_quantize_static"] = {"model": "digits/onnx/torchscript.onnx", "samples": STATIC_SAMPLES,
                                         "calibrate_method": "MinMax", "inputs": ranges}
        print(f"  ORT quantize_static: {len(ranges)} MatMul/Gemm inputs")
    (OUT / "vitopt_static.json").write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
