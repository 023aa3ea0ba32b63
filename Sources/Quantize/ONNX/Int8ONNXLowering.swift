import Graph

/// Rewrites vitopt's `Int8Linear` nodes into standard ONNX operators (the IR then holds only ops
/// `ONNXExporter` writes and ONNX Runtime runs). Weights become `<weight>_quantized` I8 `[K, N]`
/// (MatMulInteger's layout: the transpose of vitopt's `[N, K]`), scales stay `<weight>_scale` F32 `[N]`.
///
/// - per-tensor: the chain ONNX Runtime's `quantize_dynamic(per_channel=True)` emits:
///   `DynamicQuantizeLinear(x) → MatMulInteger(x_q, W_q, x_zp, W_zp = 0 [N]) → Cast F32 →
///   Mul(·, x_scale · w_scale) → Add bias`.
/// - per-token (one scale and zero point per row, which `DynamicQuantizeLinear` cannot express):
///   `lo = min(0, ReduceMin_last(x))`, `hi = max(0, ReduceMax_last(x))`, `s = (hi − lo) / 255` (1 when 0),
///   `zp = Clip(Round(−lo / s), 0, 255)`, `q = Cast U8(Clip(Round(x / s) + zp, 0, 255))`,
///   `acc = MatMulInteger(q, W_q) − Cast I32(zp) · colsum(W_q)` (exact int32, `<weight>_colsum`),
///   `y = Cast F32(acc) · (s · w_scale) + bias`.
///
/// - static (calibrated): QDQ, as ONNX Runtime's `quantize_static(quant_format=QDQ)` writes it:
///   `QuantizeLinear(x, <weight>_input_scale, <weight>_input_zero_point U8) → DequantizeLinear`, the
///   weight as `DequantizeLinear(W_q [K, N], w_scale [N], 0 I8 [N], axis 1)`, then `MatMul` and `Add bias`;
///   ONNX Runtime fuses these into its integer kernels (or runs them in fp32: the same values to fp32 rounding).
///
/// The dynamic forms use ONNX `Round`'s half-to-even, as vitopt's quantizer, so the u8 activations and int32
/// accumulators equal vitopt's; the float epilogue rounds twice (Mul, Add) where vitopt's fuses
/// one multiply-add, a difference of at most an ulp or so of each output.
public enum Int8ONNXLowering {
    /// - Throws: `QuantizeError.export` for fused int8 nodes (lower an unfused graph) or an
    ///   `Int8Linear` whose weights are not initializers.
    public static func lower(_ input: ModelGraph) throws -> ModelGraph {
        var g = input
        var nodes: [Node] = []
        var constantsAdded = false
        for n in input.nodes {
            if n.op == Int8LinearQKernel.op || n.op == LayerNormQuantizeKernel.op || n.op == GeluQuantizeKernel.op {
                throw QuantizeError.export(node: n.name, detail: "fused int8 op \(n.op) has no ONNX form; quantize without fusion")
            }
            guard n.op == Int8LinearKernel.op else { nodes.append(n); continue }
            if let e = n.string("epilogue") {
                throw QuantizeError.export(node: n.name, detail: "Int8Linear with a fused '\(e)' epilogue has no ONNX form; export the graph before epilogue fusion")
            }
            let wName = n.inputs[2], sName = n.inputs[3]
            guard let w = input.initializers[wName], w.dtype == .i8, w.rank == 2, input.initializers[sName] != nil else {
                throw QuantizeError.export(node: n.name, detail: "weight '\(wName)' and scale '\(sName)' must be I8 [N, K] and F32 [N] initializers")
            }
            let nOut = w.shape[0]
            let scheme = try Int8Op.scheme(n)
            let wq = transposed(w), qName = wName + "_quantized"
            g.initializers[qName] = wq
            g.initializers[wName] = nil
            g.initializers[n.inputs[1]] = nil
            if scheme == .perToken && !constantsAdded {
                for (name, v) in [(zero, Float(0)), (one, 1), (qmax, 255)] { g.initializers[name] = Tensor(shape: [], floats: [v]) }
                constantsAdded = true
            }
            let x = n.inputs[0], p = n.name, out = n.outputs[0]
            func v(_ s: String) -> String { "\(p)/\(s)" }
            func node(_ op: String, _ ins: [String], _ outs: [String], _ attrs: [String: Attribute] = [:]) {
                nodes.append(Node(name: v(op), op: op, inputs: ins, outputs: outs, attributes: attrs))
            }
            if scheme == .calibrated {
                let c = try StaticActivation.of(n)
                let xs = wName + "_input_scale", xz = wName + "_input_zero_point", wz = wName + "_zero_point"
                g.initializers[xs] = Tensor(shape: [], floats: [c.scale])
                g.initializers[xz] = Tensor.integers([Int(c.zeroPoint)], shape: [], dtype: .u8)
                g.initializers[wz] = Tensor(zeros: .i8, shape: [nOut])
                func named(_ op: String, _ suffix: String, _ ins: [String], _ outs: [String], _ attrs: [String: Attribute] = [:]) {
                    nodes.append(Node(name: v(suffix), op: op, inputs: ins, outputs: outs, attributes: attrs))
                }
                named("QuantizeLinear", "QuantizeLinear", [x, xs, xz], [v("x_quantized")])
                named("DequantizeLinear", "DequantizeLinear_x", [v("x_quantized"), xs, xz], [v("x_dequantized")])
                named("DequantizeLinear", "DequantizeLinear_w", [qName, sName, wz], [v("weight")], ["axis": .int(1)])
                let bias = n.inputs.count > 4
                named("MatMul", "MatMul", [v("x_dequantized"), v("weight")], [bias ? v("matmul") : out])
                if bias { named("Add", "Add", [v("matmul"), n.inputs[4]], [out]) }
                continue
            }
            let acc: String, rowScale: String
            switch scheme {
            case .perTensor:
                let zpName = wName + "_zero_point"
                g.initializers[zpName] = Tensor(zeros: .i8, shape: [nOut])
                node("DynamicQuantizeLinear", [x], [v("x_quantized"), v("x_scale"), v("x_zero_point")])
                node("MatMulInteger", [v("x_quantized"), qName, v("x_zero_point"), zpName], [v("acc")])
                acc = v("acc")
                rowScale = v("x_scale")
            case .calibrated:
                continue
            case .perToken:
                let csName = wName + "_colsum"
                g.initializers[csName] = columnSums(w)
                node("ReduceMin", [x], [v("min")], ["axes": .ints([-1]), "keepdims": .int(1)])
                node("ReduceMax", [x], [v("max")], ["axes": .ints([-1]), "keepdims": .int(1)])
                node("Min", [v("min"), zero], [v("lo")])
                node("Max", [v("max"), zero], [v("hi")])
                node("Sub", [v("hi"), v("lo")], [v("range")])
                node("Div", [v("range"), qmax], [v("scale0")])
                node("Equal", [v("scale0"), zero], [v("empty")])
                node("Where", [v("empty"), one, v("scale0")], [v("x_scale")])
                node("Neg", [v("lo")], [v("neg_lo")])
                node("Div", [v("neg_lo"), v("x_scale")], [v("zp0")])
                node("Round", [v("zp0")], [v("zp1")])
                node("Clip", [v("zp1"), zero, qmax], [v("x_zero_point")])
                node("Div", [x, v("x_scale")], [v("xs")])
                node("Round", [v("xs")], [v("xr")])
                node("Add", [v("xr"), v("x_zero_point")], [v("xz")])
                node("Clip", [v("xz"), zero, qmax], [v("xc")])
                node("Cast", [v("xc")], [v("x_quantized")], ["to": .string(DType.u8.rawValue)])
                node("MatMulInteger", [v("x_quantized"), qName], [v("acc_raw")])
                node("Cast", [v("x_zero_point")], [v("zp_i32")], ["to": .string(DType.i32.rawValue)])
                node("Mul", [v("zp_i32"), csName], [v("correction")])
                node("Sub", [v("acc_raw"), v("correction")], [v("acc")])
                acc = v("acc")
                rowScale = v("x_scale")
            }
            node("Cast", [acc], [v("acc_f32")], ["to": .string(DType.f32.rawValue)])
            node("Mul", [rowScale, sName], [v("scales")])
            if n.inputs.count > 4 {
                node("Mul", [v("acc_f32"), v("scales")], [v("scaled")])
                node("Add", [v("scaled"), n.inputs[4]], [out])
            } else {
                node("Mul", [v("acc_f32"), v("scales")], [out])
            }
        }
        g.nodes = nodes
        return g
    }

    static let zero = "vitopt.int8.zero", one = "vitopt.int8.one", qmax = "vitopt.int8.qmax"

    /// `[N, K]` I8 → `[K, N]` I8.
    static func transposed(_ w: Tensor) -> Tensor {
        let n = w.shape[0], k = w.shape[1]
        let out = Tensor(zeros: .i8, shape: [k, n])
        w.withElements(as: Int8.self) { s in
            out.withMutableElements(as: Int8.self) { d in
                for r in 0..<n { for c in 0..<k { d[c * n + r] = s[r * k + c] } }
            }
        }
        return out
    }

    /// `Σ_k W[n][k]` as I32 `[N]`.
    static func columnSums(_ w: Tensor) -> Tensor {
        let n = w.shape[0], k = w.shape[1]
        let sums = w.withElements(as: Int8.self) { s in (0..<n).map { r in (0..<k).reduce(0) { $0 + Int(s[r * k + $1]) } } }
        return Tensor.integers(sums, shape: [n], dtype: .i32)
    }
}
