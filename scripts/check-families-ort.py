"""ONNX Runtime on vitopt's exports of every model-family fixture (samples/families/index.json).

For each fixture vitopt reads: `vitopt convert` to ONNX in the fixture's own convention and `vitopt
quantize` to int8 ONNX; ONNX Runtime runs both on the fixture's input. The fp32 export is compared with
the family library's own outputs (max |diff| relative to the output's scale, must be <= 1e-5), the int8
export by mean cosine of its first output against the same golden (must be >= 0.999). Prints one row
per fixture and exits non-zero on a failure. Not part of CI (CI has no Python); run by
scripts/check-families-ort.sh.
"""
import json, os, subprocess, sys
import numpy as np
import onnxruntime as ort
ort.set_default_logger_severity(3)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FAM = os.path.join(ROOT, "samples", "families")
BIN = os.environ.get("VITOPT", os.path.join(ROOT, ".build", "release", "vitopt"))
OUT = os.path.join(ROOT, "out", "families-ort")
REFUSED = {"hybrid/timm-r-stem"}
RENAME = {"tokens": ("last_hidden_state", 1), "pre_logits": ("pooler_output", 0)}

os.makedirs(OUT, exist_ok=True)
index = json.load(open(os.path.join(FAM, "index.json")))
failed = 0
print(f"{'fixture':28} {'outputs (max rel diff vs library)':60} int8 cosine")
for f in index["fixtures"]:
    if f["path"] in REFUSED:
        continue
    name = f["path"].replace("/", "_")
    weights = os.path.join(FAM, f["weights"])
    fp32, int8 = os.path.join(OUT, name + ".onnx"), os.path.join(OUT, name + ".int8.onnx")
    naming = f["convention"]
    subprocess.run([BIN, "convert", weights, fp32, "--naming", naming], check=True, capture_output=True)
    subprocess.run([BIN, "quantize", weights, int8], check=True, capture_output=True)
    x = np.load(os.path.join(FAM, f["input"]))
    rows = []
    for path in (fp32, int8):
        s = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        rows.append(dict(zip([o.name for o in s.get_outputs()], s.run(None, {s.get_inputs()[0].name: x}))))
    got, got8 = rows
    cells = []
    first = None
    for golden, file in sorted(f["outputs"].items()):
        if golden in ("mask", "ids_restore"):
            continue
        out, drop = RENAME.get(golden, (golden, 0))
        if golden == "logits" and "logits" not in got:
            out = "pooler_output"
        if out not in got:
            continue
        want = np.load(os.path.join(FAM, file))
        g = got[out][:, drop:] if drop else got[out]
        rel = float(np.abs(g - want).max() / max(np.abs(want).max(), 1e-6))
        cells.append(f"{golden} {rel:.1e}")
        failed += rel > 1e-5
        if first is None and out in got8:
            a, b = got8[out][:, drop:] if drop else got8[out], want
            a, b = a.reshape(len(a), -1), b.reshape(len(b), -1)
            first = float(np.mean(np.sum(a * b, 1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))))
    cos = f"{first:.6f}" if first is not None else "n/a"
    failed += first is None or first < 0.999
    print(f"{f['path']:28} {', '.join(cells):60} {cos}")
sys.exit(1 if failed else 0)
