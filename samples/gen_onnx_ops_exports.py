"""samples/onnx-ops/ops_exports*.onnx: the operators the families' own torch.onnx exports use beyond
gen_onnx.py's onnx-ops graphs (issue #13), each with ONNX Runtime's outputs as goldens.

Registered in generate.py's FIXTURES as `onnx-ops-exports`; run alone with
`.venv/bin/python samples/generate.py --only onnx-ops-exports` from the repository root.

  onnx-ops/ops_exports.onnx        opset 20, input x [batch,3,4,5] (onnx-ops/x.npy): Mod (fmod 0 and 1,
                                   integer and float), Greater, Less, Cos, Sin, Abs (float and integer),
                                   IsNaN, Tile (constant repeats and repeats [batch,1,1]), GatherElements
                                   (negative indices), TopK (largest/smallest, ties), Range (float,
                                   negative step, and arange(batch)), Size, Resize (cubic half_pixel,
                                   cubic exclude_outside pytorch_half_pixel, linear align_corners,
                                   nearest asymmetric floor with scales, linear half_pixel_symmetric),
                                   Gelu (opset 20, none and tanh), ScatterND (duplicate indices), Conv
                                   auto_pad VALID, If (condition folding to true and to false, nested),
                                   ReduceSum (axes input with a negative axis, integer, all axes, noop_with_empty_axes),
                                   Ceil, Floor, BatchNormalization (inference, and training_mode 1 with the
                                   running statistics, as weight standardisation exports it), InstanceNormalization, MaxPool (pads
                                   and strides, ceil_mode, SAME_UPPER, dilations, 1-D with SAME_LOWER), ReduceL2,
                                   GatherND (negative indices, batch_dims 1), Clip with only a maximum
  onnx-ops/ops_exports_<output>.npy ONNX Runtime's outputs on x.npy, as float32
  onnx-ops/ops_exports_if_dynamic.onnx  an If whose condition depends on the image (vitopt must refuse it)
"""

from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent


def gen_onnx_ops_exports():
    import onnx
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper

    out_dir = ROOT / "onnx-ops"
    x = np.load(out_dir / "x.npy")
    rng = np.random.default_rng(13)
    N = helper.make_node

    def const(name, a):
        return numpy_helper.from_array(np.asarray(a), name)

    def branch(name, nodes, output):
        return helper.make_graph(nodes, name, [], [helper.make_tensor_value_info(output, TensorProto.FLOAT, None)])

    inits = [
        const("c07", np.float32(0.7)), const("c3", np.float32(3)), const("c01", np.float32(0.1)),
        const("modi", np.array([3, -3, 4, -2, 5], np.int64)), const("lessi", np.array([0, 1, -1, 2, -2], np.int64)),
        const("reps", np.array([1, 2, 1, 3], np.int64)), const("probe", rng.standard_normal((1, 2, 3)).astype(np.float32)),
        const("ones2", np.array([1, 1], np.int64)),
        const("gei", rng.integers(-5, 5, size=(2, 3, 4, 2)).astype(np.int64)),
        const("k3", np.array([3], np.int64)), const("k2", np.array([2], np.int64)), const("k4", np.array([4], np.int64)),
        const("rf0", np.float32(0.5)), const("rf1", np.float32(3.0)), const("rfd", np.float32(0.7)),
        const("ri0", np.int64(10)), const("ri1", np.int64(-3)), const("rid", np.int64(-4)), const("i0", np.int64(0)), const("i1", np.int64(1)),
        const("ax0", np.array([0], np.int64)),
        const("sizes_hw", np.array([7, 3], np.int64)), const("sizes_all", np.array([2, 3, 6, 8], np.int64)),
        const("scales_hw", np.array([2.0, 1.5], np.float32)), const("sizes_sym", np.array([3, 7], np.int64)),
        const("sc_i", np.array([[2, 1], [0, 3], [2, 1]], np.int64)), const("sc_u", rng.standard_normal((3, 5)).astype(np.float32)),
        const("w_valid", rng.standard_normal((2, 3, 2, 2)).astype(np.float32)),
        const("two", np.float32(2)), const("rank3", np.int64(3)), const("half", np.float32(0.5)),
        const("ax1m1", np.array([1, -1], np.int64)),
        const("bn_scale", rng.standard_normal(3).astype(np.float32)), const("bn_b", rng.standard_normal(3).astype(np.float32)),
        const("bn_mean", rng.standard_normal(3).astype(np.float32)), const("bn_var", rng.uniform(0.2, 2, 3).astype(np.float32)),
        const("shape_1d", np.array([0, 3, 20], np.int64)),
        const("axm1", np.array([-1], np.int64)), const("gnd_i", np.array([[0, 1], [2, 3], [1, -1]], np.int64)),
        const("gnd_b", np.array([[[1], [0]], [[3], [3]], [[-2], [2]]], np.int64)),
    ]
    inner_then = branch("inner_then", [N("Add", ["x", "half"], ["inner_t"])], "inner_t")
    inner_else = branch("inner_else", [N("Sub", ["x", "half"], ["inner_e"])], "inner_e")
    then1 = branch("then1", [N("Mul", ["x", "two"], ["t1"]), N("Greater", ["rank", "rank3"], ["inner_cond"]),
                             N("If", ["inner_cond"], ["t_inner"], then_branch=inner_then, else_branch=inner_else),
                             N("Add", ["t1", "t_inner"], ["t_out"])], "t_out")
    else1 = branch("else1", [N("Abs", ["x"], ["e_out"])], "e_out")
    then2 = branch("then2", [N("Neg", ["x"], ["t2"])], "t2")
    else2 = branch("else2", [N("Constant", [], ["e2c"], value=numpy_helper.from_array(np.float32(4))),
                             N("Mul", ["x", "e2c"], ["e2"])], "e2")
    nodes = [
        N("Mod", ["x", "c07"], ["mod_float"], fmod=1),
        N("Mul", ["x", "c3"], ["x3"]), N("Cast", ["x3"], ["xi"], to=TensorProto.INT64),
        N("Mod", ["xi", "modi"], ["mod_int_py"]), N("Mod", ["xi", "modi"], ["mod_int_c"], fmod=1),
        N("Greater", ["x", "c01"], ["greater_float"]), N("Less", ["xi", "lessi"], ["less_int"]),
        N("Cos", ["x3"], ["cos"]), N("Sin", ["x3"], ["sin"]), N("Abs", ["x"], ["abs_float"]), N("Abs", ["xi"], ["abs_int"]),
        N("Sqrt", ["x"], ["sqrtx"]), N("IsNaN", ["sqrtx"], ["isnan"]),
        N("Tile", ["x", "reps"], ["tile"]),
        N("Shape", ["x"], ["batch1"], start=0, end=1), N("Concat", ["batch1", "ones2"], ["reps_b"], axis=0),
        N("Tile", ["probe", "reps_b"], ["tile_batch"]),
        N("GatherElements", ["x", "gei"], ["gather_elements"], axis=-1),
        N("TopK", ["x", "k3"], ["topk_values", "topk_indices"], axis=-1, largest=1),
        N("TopK", ["x", "k2"], ["topk_small_values", "topk_small_indices"], axis=1, largest=0),
        N("Round", ["x"], ["xr"]), N("TopK", ["xr", "k4"], ["topk_ties_values", "topk_ties_indices"], axis=3, largest=0),
        N("Range", ["rf0", "rf1", "rfd"], ["range_float"]), N("Range", ["ri0", "ri1", "rid"], ["range_int"]),
        N("Squeeze", ["batch1", "ax0"], ["batch0"]), N("Range", ["i0", "batch0", "i1"], ["range_batch"]),
        N("ReduceMax", ["x", "ax0"], ["x0s"], keepdims=0), N("Size", ["x0s"], ["size60"]), N("Cast", ["size60"], ["size60f"], to=TensorProto.FLOAT),
        N("Add", ["x", "size60f"], ["size_add"]),
        N("Resize", ["x", "", "", "sizes_hw"], ["resize_cubic"], mode="cubic", coordinate_transformation_mode="half_pixel",
          cubic_coeff_a=-0.75, axes=[2, 3]),
        N("Resize", ["x", "", "", "sizes_all"], ["resize_cubic_exclude"], mode="cubic", coordinate_transformation_mode="pytorch_half_pixel",
          exclude_outside=1, cubic_coeff_a=-0.5),
        N("Resize", ["x", "", "", "sizes_hw"], ["resize_linear_corners"], mode="linear", coordinate_transformation_mode="align_corners", axes=[2, 3]),
        N("Resize", ["x", "", "scales_hw"], ["resize_nearest"], mode="nearest", coordinate_transformation_mode="asymmetric",
          nearest_mode="floor", axes=[2, 3]),
        N("Resize", ["x", "", "", "sizes_sym"], ["resize_linear_sym"], mode="linear", coordinate_transformation_mode="half_pixel_symmetric",
          axes=[2, 3]),
        N("Gelu", ["x"], ["gelu"]), N("Gelu", ["x"], ["gelu_tanh"], approximate="tanh"),
        N("ScatterND", ["x0s", "sc_i", "sc_u"], ["scatter_nd"]),
        N("Conv", ["x", "w_valid"], ["conv_valid"], auto_pad="VALID", strides=[2, 2]),
        N("Shape", ["x"], ["shape_x"]), N("Size", ["shape_x"], ["rank"]),
        N("Greater", ["rank", "rank3"], ["cond_true"]), N("If", ["cond_true"], ["if_then"], then_branch=then1, else_branch=else1),
        N("Less", ["rank", "rank3"], ["cond_false"]), N("If", ["cond_false"], ["if_else"], then_branch=then2, else_branch=else2),
        N("ReduceSum", ["x", "ax1m1"], ["reduce_sum"]), N("ReduceSum", ["xi", "ax0"], ["reduce_sum_int"], keepdims=0),
        N("ReduceSum", ["x"], ["reduce_sum_all"], keepdims=0), N("ReduceSum", ["x"], ["reduce_sum_noop"], noop_with_empty_axes=1),
        N("Ceil", ["x3"], ["ceil"]), N("Floor", ["x3"], ["floor"]),
        N("BatchNormalization", ["x", "bn_scale", "bn_b", "bn_mean", "bn_var"], ["batch_norm"], epsilon=1e-3),
        N("InstanceNormalization", ["x", "bn_scale", "bn_b"], ["instance_norm"], epsilon=1e-4),
        N("BatchNormalization", ["x", "bn_scale", "bn_b", "bn_mean", "bn_var"],
          ["batch_norm_train", "bn_running_mean", "bn_running_var"], epsilon=1e-5, momentum=0.8, training_mode=1),
        N("MaxPool", ["x"], ["max_pool"], kernel_shape=[2, 2], strides=[2, 1], pads=[1, 0, 1, 1]),
        N("MaxPool", ["x"], ["max_pool_ceil"], kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1),
        N("MaxPool", ["x"], ["max_pool_same"], kernel_shape=[2, 3], strides=[1, 2], auto_pad="SAME_UPPER"),
        N("MaxPool", ["x"], ["max_pool_dilated"], kernel_shape=[2, 2], dilations=[2, 1], pads=[0, 1, 0, 1]),
        N("Reshape", ["x", "shape_1d"], ["x1d"]),
        N("MaxPool", ["x1d"], ["max_pool_1d"], kernel_shape=[3], strides=[2], auto_pad="SAME_LOWER"),
        N("ReduceL2", ["x", "axm1"], ["reduce_l2"]),
        N("GatherND", ["x0s", "gnd_i"], ["gather_nd"]), N("GatherND", ["x0s", "gnd_b"], ["gather_nd_batch"], batch_dims=1),
        N("Clip", ["x", "", "c01"], ["clip_max_only"]),
    ]
    outputs = ["mod_float", "mod_int_py", "mod_int_c", "greater_float", "less_int", "cos", "sin", "abs_float", "abs_int", "isnan",
               "tile", "tile_batch", "gather_elements", "topk_values", "topk_indices", "topk_small_values", "topk_small_indices",
               "topk_ties_values", "topk_ties_indices", "range_float", "range_int", "range_batch", "size_add", "resize_cubic",
               "resize_cubic_exclude", "resize_linear_corners", "resize_nearest", "resize_linear_sym", "gelu", "gelu_tanh",
               "scatter_nd", "conv_valid", "if_then", "if_else", "reduce_sum", "reduce_sum_int", "reduce_sum_all", "reduce_sum_noop",
               "ceil", "floor", "batch_norm", "batch_norm_train", "bn_running_mean", "bn_running_var", "instance_norm", "max_pool", "max_pool_ceil", "max_pool_same", "max_pool_dilated",
               "max_pool_1d", "reduce_l2", "gather_nd", "gather_nd_batch", "clip_max_only"]
    g = helper.make_graph(nodes, "ops_exports", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3, 4, 5])],
                          [helper.make_tensor_value_info(o, TensorProto.UNDEFINED, None) for o in outputs], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 20)], producer_name="gen_onnx_ops_exports.py")
    m.ir_version = 9
    inferred = onnx.shape_inference.infer_shapes(m)
    types = {v.name: v.type for v in list(inferred.graph.value_info) + list(inferred.graph.output)}
    for o in m.graph.output:
        o.type.CopyFrom(types[o.name])
    onnx.checker.check_model(m, full_check=True)
    path = out_dir / "ops_exports.onnx"
    onnx.save_model(m, str(path))
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    for name, value in zip(outputs, sess.run(None, {"x": x})):
        np.save(out_dir / f"ops_exports_{name}.npy", np.array(value, dtype=np.float32))  # keeps 0-d outputs 0-d
    print(f"  ops_exports.onnx: {len(nodes)} nodes, {len(outputs)} outputs")

    # An If on the image itself: ONNX Runtime runs it; vitopt refuses it by name.
    dyn_then = branch("dyn_then", [N("Neg", ["x"], ["dt"])], "dt")
    dyn_else = branch("dyn_else", [N("Abs", ["x"], ["de"])], "de")
    g = helper.make_graph([N("ReduceMax", ["x"], ["m"], keepdims=0), N("Greater", ["m", "zero"], ["c"]),
                           N("If", ["c"], ["y"], then_branch=dyn_then, else_branch=dyn_else)], "if_dynamic",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3, 4, 5])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 3, 4, 5])], [const("zero", np.float32(0))])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 20)], producer_name="gen_onnx_ops_exports.py")
    m.ir_version = 9
    onnx.checker.check_model(m, full_check=True)
    onnx.save_model(m, str(out_dir / "ops_exports_if_dynamic.onnx"))
    ort.InferenceSession(str(out_dir / "ops_exports_if_dynamic.onnx"), providers=["CPUExecutionProvider"]).run(None, {"x": x})
    print("  ops_exports_if_dynamic.onnx")


if __name__ == "__main__":
    gen_onnx_ops_exports()
