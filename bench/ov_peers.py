"""OpenVINO peers for bench/openvino_vs_vitopt.sh, beside ONNX Runtime and PyTorch.

  cpu                                       print the CPU model, the ISA flags that matter and OpenVINO's view of the CPU (JSON)
  prepare FP32_ONNX CALIB.npy OUTDIR        NNCF int8 IR (nncf.quantize, default preset, calibration = CALIB) and
                                            ORT quantize_static QDQ (MinMax, QUInt8 activations, QInt8 per-channel weights)
  ov MODEL THREADS RUNS WARMUP PRECISION PEER   OpenVINO CPU latency, batch 1; PRECISION f32 | default (the plugin's
                                            own choice, reported) ; MODEL an .onnx or .xml (JSON line)
  ort MODEL THREADS RUNS WARMUP PEER        ONNX Runtime CPU latency, batch 1 (JSON line)
  torch CKPT THREADS RUNS WARMUP            PyTorch eager fp32 latency (JSON line)
  logits MODEL X.npy OUT.npy [ov|ort]       logits of X with OpenVINO (f32 hint) or ORT
"""
import json, os, sys
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ort_int8 import model as vit_base, ort_latency, stats, x1  # noqa: E402  (the shared timing, input and ViT-B loader)


def ov_compile(model, threads, precision):
    import openvino as ov
    core = ov.Core()
    cfg = {"INFERENCE_NUM_THREADS": threads, "PERFORMANCE_HINT": "LATENCY", "NUM_STREAMS": 1}
    if precision == "f32":
        cfg["INFERENCE_PRECISION_HINT"] = "f32"
    c = core.compile_model(model, "CPU", cfg)
    return c, str(c.get_property("INFERENCE_PRECISION_HINT"))


def main():
    cmd = sys.argv[1]
    if cmd == "cpu":
        import openvino as ov
        info = {}
        for line in open("/proc/cpuinfo"):
            k, _, v = line.partition(":")
            if k.strip() == "model name" and "model" not in info:
                info["model"] = v.strip()
            if k.strip() == "flags" and "flags" not in info:
                f = v.split()
                info["flags"] = [x for x in ("avx2", "fma", "avx512f", "avx512bw", "avx512_vnni", "avx512_bf16", "avx512_fp16",
                                             "amx_tile", "amx_bf16", "amx_int8") if x in f]
        core = ov.Core()
        info["openvino"] = ov.__version__
        info["ov_device"] = core.get_property("CPU", "FULL_DEVICE_NAME")
        info["ov_capabilities"] = list(core.get_property("CPU", "OPTIMIZATION_CAPABILITIES"))
        print(json.dumps(info))
    elif cmd == "prepare":
        import nncf, openvino as ov
        from onnxruntime.quantization import CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType, quantize_static
        fp32, calib, out = sys.argv[2:5]
        xs = np.load(calib).astype(np.float32)
        core = ov.Core()
        q = nncf.quantize(core.read_model(fp32), nncf.Dataset([xs[i:i + 1] for i in range(len(xs))]), subset_size=len(xs))
        ov.save_model(q, f"{out}/vit_base.nncf_int8.xml")

        class Reader(CalibrationDataReader):
            def __init__(self):
                self.it = iter([{"pixel_values": xs[i:i + 1]} for i in range(len(xs))])

            def get_next(self):
                return next(self.it, None)
        quantize_static(fp32, f"{out}/vit_base.ort_static.onnx", Reader(), quant_format=QuantFormat.QDQ,
                        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8, per_channel=True,
                        calibrate_method=CalibrationMethod.MinMax, op_types_to_quantize=["MatMul", "Gemm"])
    elif cmd == "ov":
        model, threads, runs, warmup, precision, peer = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6], sys.argv[7]
        c, used = ov_compile(model, threads, precision)
        req = c.create_infer_request()
        x = x1()
        print(json.dumps({"peer": peer, "threads": threads, "ov_precision": used, **stats(lambda: req.infer([x]), runs, warmup)}))
    elif cmd == "ort":
        path, threads, runs, warmup, peer = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
        print(json.dumps(ort_latency(path, threads, runs, warmup, peer)))
    elif cmd == "torch":
        import torch
        ckpt, threads, runs, warmup = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
        torch.set_num_threads(threads)
        m = vit_base(ckpt)
        x = torch.from_numpy(x1())
        with torch.inference_mode():
            print(json.dumps({"peer": "torch_fp32", "threads": threads, **stats(lambda: m(x), runs, warmup)}))
    elif cmd == "logits":
        model, xs, out, who = sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5] if len(sys.argv) > 5 else "ort"
        x = np.load(xs).astype(np.float32)
        if who == "ov":
            c, _ = ov_compile(model, 2, "f32")
            y = np.concatenate([c([x[i:i + 1]])[0] for i in range(len(x))])
        else:
            import onnxruntime as ort
            y = ort.InferenceSession(model, providers=["CPUExecutionProvider"]).run(None, {"pixel_values": x})[0]
        np.save(out, y)
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
