import Graph

extension Int8ONNXMatcher {
    /// The QDQ chain of static int8 ONNX files — vitopt's own `.static8.onnx`, ONNX Runtime's
    /// `quantize_static(quant_format=QDQ)` — at a `MatMul` or `Gemm`:
    /// `MatMul(DequantizeLinear(QuantizeLinear(x, s, zp U8|I8), s, zp), DequantizeLinear(W I8 [K, N], w_scale [] or [N], 0)) (→ Add bias [N])`,
    /// or `Gemm(…, DequantizeLinear(W I8 [N, K] with transB = 1, or [K, N]), bias?)` with `alpha = beta = 1`, `transA = 0`,
    /// where the bias is a constant or `DequantizeLinear` of one (ONNX Runtime quantizes Gemm biases to I32),
    /// becomes `Int8Linear {activations: static, input_scale: s, input_zero_point: zp}`.
    ///
    /// The activation's u8 values are `QuantizeLinear`'s exactly (vitopt's static quantizer is the same
    /// formula, half to even); the product is exact in int32 where the QDQ graph multiplies dequantized
    /// floats, and one fused scale-and-bias replaces the graph's float rounding, so outputs agree with
    /// the generic kernels to fp32 rounding. Anything else is left to the generic kernels, with the reason.
    mutating func matchQDQ(_ index: Int) -> Result<String, PatternMismatch> {
        let mm = graph.nodes[index]
        let gemm = mm.op == "Gemm"
        if gemm {
            guard (mm.int("transA") ?? 0) == 0, (mm.float("alpha") ?? 1) == 1, (mm.float("beta") ?? 1) == 1 else {
                return fail("Gemm with transA, alpha or beta other than the Linear layer's")
            }
        }
        let transB = gemm && (mm.int("transB") ?? 0) == 1
        guard mm.inputs.count >= 2, let dqw = node(mm.inputs[1]), dqw.op == "DequantizeLinear", let stored = graph.initializers[dqw.inputs[0]],
              stored.dtype == .i8, stored.rank == 2 else { return fail("weight is not DequantizeLinear of a constant I8 matrix") }
        let w = transB ? transposed(stored) : stored
        let n = w.shape[1]
        guard let ws = graph.initializers[dqw.inputs[1]], ws.dtype.isFloatingPoint, ws.count == 1 || ws.shape == [n],
              ws.count == 1 || [transB ? 0 : 1, transB ? -2 : -1].contains(dqw.int("axis") ?? 1) else {
            return fail("weight scale is not a constant scalar or one per output column")
        }
        if dqw.inputs.count > 2, !dqw.inputs[2].isEmpty {
            guard let z = graph.initializers[dqw.inputs[2]], z.dtype == .i8, z.intArray().allSatisfy({ $0 == 0 }) else {
                return fail("weight zero point is not a constant 0")
            }
        }
        guard let dqx = node(mm.inputs[0]), dqx.op == "DequantizeLinear", let q = node(dqx.inputs[0]), q.op == "QuantizeLinear",
              let a = activation(q), let b = activation(dqx), a == b else {
            return fail("activation is not DequantizeLinear(QuantizeLinear(x)) with one constant scale and 8-bit zero point")
        }
        let c: StaticActivation
        do { c = try StaticActivation(scale: a.scale, zeroPoint: a.zeroPoint) } catch let e as StaticActivation.Invalid {
            return fail(e.detail)
        } catch { return fail("\(error)") }
        var last = (index, mm), bias: String? = nil
        if gemm, mm.inputs.count > 2, !mm.inputs[2].isEmpty {
            guard let b = constantBias(mm.inputs[2], n: n) else { return fail("Gemm bias is not a constant [\(n)]") }
            bias = b
        } else if !gemm, let (addIdx, add) = sole(mm.outputs[0]), add.op == "Add", let b = other(add, mm.outputs[0]),
                  let bt = graph.initializers[b], bt.dtype.isFloatingPoint, bt.shape == [n] {
            last = (addIdx, add)
            bias = b
        }
        let base = dqw.inputs[0].hasSuffix("_quantized") ? String(dqw.inputs[0].dropLast("_quantized".count)) : dqw.inputs[0]
        var attributes = c.attributes
        attributes["activations"] = .string(ActivationScheme.calibrated.rawValue)
        replacements[last.0] = int8Linear(name: last.1.name, x: q.inputs[0], base: base, weight: w, scale: ws, bias: bias,
                                          output: last.1.outputs[0], attributes: attributes)
        return .success(mm.name)
    }

    /// The constant per-tensor scale and zero point (0 when absent) of a `QuantizeLinear` or
    /// `DequantizeLinear`, as u8 quantization, or nil. An I8 zero point `z` is the u8 zero point `z + 128`:
    /// `clamp(rint(x / s) + z, −128, 127) + 128 = clamp(rint(x / s) + z + 128, 0, 255)`, so the s8 values
    /// shifted by 128 are the u8 ones vitopt's kernel takes, and the dequantized values are the same.
    func activation(_ n: Node) -> (scale: Float, zeroPoint: Int)? {
        guard n.inputs.count >= 2, let s = graph.initializers[n.inputs[1]], s.dtype.isFloatingPoint, s.count == 1 else { return nil }
        var zp = 0
        if n.inputs.count > 2, !n.inputs[2].isEmpty {
            guard let z = graph.initializers[n.inputs[2]], z.dtype == .u8 || z.dtype == .i8, z.count == 1 else { return nil }
            zp = z.intArray()[0] + (z.dtype == .i8 ? 128 : 0)
        }
        return (s.asF32().floatArray()[0], zp)
    }

    /// A float `[n]` bias: an initializer, or `DequantizeLinear` of a constant I32 `[n]` with a scalar or `[n]`
    /// scale and no zero point but 0 (ONNX Runtime's quantized Gemm bias), folded here to the generic
    /// kernel's values (`Float(q) · scale`, one rounding) and added as an initializer. nil for anything else.
    mutating func constantBias(_ v: String, n: Int) -> String? {
        if let t = graph.initializers[v] { return t.dtype.isFloatingPoint && t.shape == [n] ? v : nil }
        guard let dq = node(v), dq.op == "DequantizeLinear", let q = graph.initializers[dq.inputs[0]], q.dtype == .i32, q.shape == [n],
              let s = graph.initializers[dq.inputs[1]], s.dtype.isFloatingPoint, s.count == 1 || s.shape == [n] else { return nil }
        if dq.inputs.count > 2, !dq.inputs[2].isEmpty {
            guard let z = graph.initializers[dq.inputs[2]], z.intArray().allSatisfy({ $0 == 0 }) else { return nil }
        }
        let scales = s.asF32().floatArray(), values = q.intArray()
        let name = unique(v + ".folded")
        graph.initializers[name] = Tensor(shape: [n], floats: (0..<n).map { Float(values[$0]) * scales[scales.count == 1 ? 0 : $0] })
        return name
    }
}
