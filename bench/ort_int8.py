"""int8 peers for bench/int8_vs_ort.sh: ONNX Runtime quantize_dynamic (QInt8) and PyTorch quantize_dynamic.

  export   CKPT ONNX_FP32 ONNX_INT8      timm ViT-B/16 from a vitopt checkpoint -> ONNX fp32 -> ORT QInt8
  ort      ONNX_INT8 THREADS RUNS WARMUP [PEER]  median/p90 ms, batch 1 (JSON line; PEER names the row)
  torch    CKPT THREADS RUNS WARMUP       PyTorch dynamic int8 (qint8 Linear), median/p90 ms (JSON line)
  logits   ONNX_FP32 ONNX_INT8 X.npy OUT_PREFIX   ORT fp32 and int8 logits on X, saved as .npy
"""
import json, sys, time
import numpy as np


def model(ckpt):
    import timm, torch
    from safetensors.torch import load_file
    m = timm.create_model("vit_base_patch16_224", pretrained=False, num_classes=1000)
    m.load_state_dict(load_file(ckpt))
    return m.eval()


def stats(f, runs, warmup):
    for _ in range(warmup):
        f()
    t = []
    for _ in range(runs):
        t0 = time.perf_counter(); f(); t.append((time.perf_counter() - t0) * 1e3)
    t.sort()
    return {"median_ms": float(np.median(t)), "p90_ms": t[min(len(t) - 1, int(np.ceil(0.9 * len(t))) - 1)]}


def x1():
    """The benchmark input: one 224×224 image of standard-normal noise (seed 7)."""
    return np.random.default_rng(7).standard_normal((1, 3, 224, 224), dtype=np.float32)


def ort_latency(path, threads, runs, warmup, peer):
    """ONNX Runtime CPU latency of `path` at batch 1 on `threads` threads, as a JSON-ready row."""
    import onnxruntime as ort
    o = ort.SessionOptions(); o.intra_op_num_threads = threads; o.inter_op_num_threads = 1
    s = ort.InferenceSession(path, o, providers=["CPUExecutionProvider"])
    x = x1()
    return {"peer": peer, "threads": threads, **stats(lambda: s.run(None, {"pixel_values": x}), runs, warmup)}


def main():
    cmd = sys.argv[1]
    if cmd == "export":
        import torch
        from onnxruntime.quantization import QuantType, quantize_dynamic
        ckpt, fp32, int8 = sys.argv[2:5]
        torch.onnx.export(model(ckpt), torch.zeros(1, 3, 224, 224), fp32, input_names=["pixel_values"],
                          output_names=["logits"], dynamic_axes={"pixel_values": {0: "N"}, "logits": {0: "N"}},
                          opset_version=17, dynamo=False)
        quantize_dynamic(fp32, int8, weight_type=QuantType.QInt8)
    elif cmd == "ort":
        path, threads, runs, warmup = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
        print(json.dumps(ort_latency(path, threads, runs, warmup, sys.argv[6] if len(sys.argv) > 6 else "ort_int8")))
    elif cmd == "torch":
        import torch
        ckpt, threads, runs, warmup = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
        torch.set_num_threads(threads)
        q = torch.ao.quantization.quantize_dynamic(model(ckpt), {torch.nn.Linear}, dtype=torch.qint8)
        x = torch.randn(1, 3, 224, 224, generator=torch.Generator().manual_seed(7))
        with torch.inference_mode():
            print(json.dumps({"peer": "torch_int8", "threads": threads, **stats(lambda: q(x), runs, warmup)}))
    elif cmd == "logits":
        import onnxruntime as ort
        fp32, int8, xs, prefix = sys.argv[2:6]
        x = np.load(xs).astype(np.float32)
        for name, path in (("fp32", fp32), ("int8", int8)):
            s = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
            np.save(f"{prefix}_{name}.npy", s.run(None, {"pixel_values": x})[0])
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
