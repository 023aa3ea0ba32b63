#!/usr/bin/env python3
"""fp32 batch-1 latency of ONNX Runtime (and PyTorch eager) on a vitopt-created checkpoint.

Given a timm-named .safetensors with the timm-hub config.json beside it (as written by
`vitopt create`), this script

  1. rebuilds the timm model and loads the weights with strict=True;
  2. exports it to ONNX with the TorchScript exporter (dynamo=False, opset 17, input
     `pixel_values`, output `logits`, dynamic batch axis) unless the .onnx already exists
     and is newer than the checkpoint;
  3. writes a fixed, seeded input (float32 [1,3,H,W]) and ONNX Runtime's logits for it as
     .npy, so another tool (the driver) can compare its own output on the same input;
  4. for each thread count and each requested peer, times batch-1 runs and prints one JSON
     line per row.

Peers:
  ort    onnxruntime InferenceSession, CPUExecutionProvider, intra_op_num_threads=t,
         inter_op_num_threads=1, ORT_SEQUENTIAL, ORT_ENABLE_ALL.
  torch  PyTorch eager, torch.set_num_threads(t), torch.inference_mode().

Every line printed on stdout is one JSON object; progress and warnings go to stderr.
Row lines look like
  {"kind": "row", "peer": "ort", "batch": 1, "threads": 1, "median_ms": ..., "p90_ms": ...,
   "min_ms": ..., "mean_ms": ..., "runs": ..., "warmup": ..., "version": "..."}
The median and p90 use the same definitions as `vitopt bench` (median of the sorted times;
p90 = the ceil(0.9*n)-th smallest time).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def emit(obj: dict) -> None:
    print(json.dumps(obj, sort_keys=True), flush=True)


def stats(times_ms: list[float]) -> dict:
    t = sorted(times_ms)
    n = len(t)
    median = t[n // 2] if n % 2 == 1 else (t[n // 2 - 1] + t[n // 2]) / 2
    p90 = t[min(n - 1, math.ceil(n * 0.9) - 1)]
    return {"median_ms": median, "p90_ms": p90, "min_ms": t[0], "mean_ms": statistics.fmean(t)}


def time_calls(fn, runs: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter_ns()
        fn()
        times.append((time.perf_counter_ns() - t0) / 1e6)
    return times


def parse_threads(s: str) -> list[int]:
    try:
        v = [int(x) for x in s.split(",") if x.strip()]
    except ValueError:
        v = []
    if not v or any(x < 1 for x in v):
        raise argparse.ArgumentTypeError(f"--threads must be positive integers separated by commas, got {s!r}")
    return v


def parse_peers(s: str) -> list[str]:
    v = [x.strip() for x in s.split(",") if x.strip()]
    bad = [x for x in v if x not in ("ort", "torch")]
    if bad:
        raise argparse.ArgumentTypeError(f"unknown peer(s) {bad}; choose from ort, torch")
    return v


def build_model(model_path: Path):
    import safetensors.torch
    import timm
    import torch

    cfg_path = model_path.parent / "config.json"
    if not cfg_path.is_file():
        sys.exit(f"error: {cfg_path} not found (expected a timm-hub config.json beside the checkpoint)")
    cfg = json.loads(cfg_path.read_text())
    model = timm.create_model(cfg["architecture"], pretrained=False, **cfg.get("model_args", {}))
    state = safetensors.torch.load_file(str(model_path))
    model.load_state_dict(state, strict=True)
    model.eval()
    input_size = cfg.get("pretrained_cfg", {}).get("input_size")
    if not input_size:
        img = cfg.get("model_args", {}).get("img_size", 224)
        h, w = (img, img) if isinstance(img, int) else img
        input_size = [cfg.get("model_args", {}).get("in_chans", 3), h, w]
    return model, cfg, [int(x) for x in input_size]


def onnx_is_fresh(onnx_path: Path, model_path: Path) -> bool:
    return onnx_path.is_file() and onnx_path.stat().st_mtime >= model_path.stat().st_mtime


def export_onnx(model, example: np.ndarray, onnx_path: Path) -> None:
    import onnx
    import torch

    onnx_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = onnx_path.with_name(onnx_path.name + ".tmp")
    log(f"exporting {onnx_path} (TorchScript exporter, opset 17) ...")
    t0 = time.perf_counter()
    with torch.no_grad():
        torch.onnx.export(
            model,
            (torch.from_numpy(example),),
            str(tmp),
            dynamo=False,
            opset_version=17,
            input_names=["pixel_values"],
            output_names=["logits"],
            dynamic_axes={"pixel_values": {0: "batch"}, "logits": {0: "batch"}},
            do_constant_folding=True,
        )
    onnx.checker.check_model(str(tmp))
    os.replace(tmp, onnx_path)  # atomic: an interrupted export never leaves a half-written .onnx
    log(f"exported in {time.perf_counter() - t0:.1f} s")


def ort_session(onnx_path: Path, threads: int):
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(onnx_path), sess_options=so, providers=["CPUExecutionProvider"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, type=Path, help="timm-named .safetensors, config.json beside it")
    ap.add_argument("--onnx", type=Path, help="ONNX file to use/create (default: MODEL with .onnx suffix)")
    ap.add_argument("--threads", type=parse_threads, default=[1, 2], help="comma-separated thread counts (default 1,2)")
    ap.add_argument("--runs", type=int, default=20, help="timed runs per row (default 20)")
    ap.add_argument("--warmup", type=int, default=3, help="untimed warm-up runs per row (default 3)")
    ap.add_argument("--peers", type=parse_peers, default=["ort", "torch"], help="comma-separated: ort,torch (default both)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the fixed input (default 0)")
    ap.add_argument("--input-npy", type=Path, help="where to write the fixed input (default: input.npy beside the .onnx)")
    ap.add_argument("--logits-npy", type=Path, help="where to write ORT's logits (default: ort_logits.npy beside the .onnx)")
    ap.add_argument("--force-export", action="store_true", help="re-export even if the .onnx is up to date")
    ap.add_argument("--prepare-only", action="store_true",
                    help="export, write the input and ORT logits, print the reference line, then stop (no timing)")
    ap.add_argument("--no-reference", action="store_true",
                    help="skip writing input/logits and the ORT-vs-PyTorch reference check")
    args = ap.parse_args()
    if args.runs < 1 or args.warmup < 0:
        ap.error("--runs must be at least 1 and --warmup at least 0")
    if not args.model.is_file():
        ap.error(f"{args.model} not found")
    onnx_path = args.onnx or args.model.with_suffix(".onnx")
    input_npy = args.input_npy or onnx_path.parent / "input.npy"
    logits_npy = args.logits_npy or onnx_path.parent / "ort_logits.npy"

    import onnxruntime as ort
    import torch

    # Inter-op parallelism is irrelevant for one sequential model; pin it so it cannot compete.
    torch.set_num_interop_threads(1)

    model, cfg, input_size = build_model(args.model)
    x = np.random.default_rng(args.seed).standard_normal((1, *input_size), dtype=np.float32)

    if args.force_export or not onnx_is_fresh(onnx_path, args.model):
        export_onnx(model, x, onnx_path)
    else:
        log(f"reusing {onnx_path}")

    if not args.no_reference:
        # Reference logits: ORT at 1 thread, and PyTorch eager as a cross-check of the export.
        sess = ort_session(onnx_path, 1)
        ort_logits = sess.run(["logits"], {"pixel_values": x})[0]
        del sess
        with torch.inference_mode():
            torch_logits = model(torch.from_numpy(x)).numpy()
        np.save(input_npy, x)
        np.save(logits_npy, ort_logits.astype(np.float32))
        emit({
            "kind": "reference",
            "model": str(args.model),
            "architecture": cfg.get("architecture"),
            "onnx": str(onnx_path),
            "input_npy": str(input_npy),
            "logits_npy": str(logits_npy),
            "input_shape": list(x.shape),
            "max_abs_logit": float(np.abs(ort_logits).max()),
            "ort_vs_torch_max_abs_diff": float(np.abs(ort_logits - torch_logits).max()),
            "onnxruntime": ort.__version__,
            "torch": torch.__version__,
        })
    if args.prepare_only:
        return

    xt = torch.from_numpy(x)
    for t in args.threads:
        for peer in args.peers:
            if peer == "ort":
                sess = ort_session(onnx_path, t)
                feed = {"pixel_values": x}
                times = time_calls(lambda: sess.run(["logits"], feed), args.runs, args.warmup)
                del sess  # tear the thread pool down before the next row
                version = ort.__version__
            else:
                torch.set_num_threads(t)
                with torch.inference_mode():
                    times = time_calls(lambda: model(xt), args.runs, args.warmup)
                version = torch.__version__
            row = {"kind": "row", "peer": peer, "batch": 1, "threads": t,
                   "runs": args.runs, "warmup": args.warmup, "version": version}
            row.update(stats(times))
            emit(row)
            log(f"{peer:5s} threads {t}: median {row['median_ms']:.1f} ms, p90 {row['p90_ms']:.1f} ms")


if __name__ == "__main__":
    main()
