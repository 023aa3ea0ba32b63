"""The Python peers of bench/convert_vs_python.sh: one conversion per invocation, so that
/usr/bin/time measures each one's wall time and peak RSS on its own.

  convert_py.py st2h5 IN.safetensors OUT.h5     safetensors.numpy.load_file + h5py, one dataset per tensor
  convert_py.py h52st IN.h5 OUT.safetensors     h5py read of every dataset + safetensors.numpy.save_file
  convert_py.py pt2tf HF_DIR OUT_DIR            transformers: TFViTForImageClassification.from_pretrained(
                                                from_pt=True).save_pretrained (writes tf_model.h5)
  convert_py.py tf2pt TF_DIR OUT_DIR            transformers: ViTForImageClassification.from_pretrained(
                                                from_tf=True).save_pretrained (writes model.safetensors)
"""
import sys


def main(mode, src, dst):
    if mode == "st2h5":
        import h5py
        from safetensors.numpy import load_file

        tensors = load_file(src)
        with h5py.File(dst, "w") as f:
            for name, array in tensors.items():
                f.create_dataset(name, data=array)
    elif mode == "h52st":
        import h5py
        from safetensors.numpy import save_file

        tensors = {}
        with h5py.File(src, "r") as f:
            f.visititems(lambda n, o: tensors.__setitem__(n, o[()]) if isinstance(o, h5py.Dataset) else None)
        save_file(tensors, dst, metadata={"format": "pt"})
    elif mode == "pt2tf":
        from transformers import TFViTForImageClassification

        TFViTForImageClassification.from_pretrained(src, from_pt=True).save_pretrained(dst, safe_serialization=False)
    elif mode == "tf2pt":
        from transformers import ViTForImageClassification

        ViTForImageClassification.from_pretrained(src, from_tf=True).save_pretrained(dst)
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
