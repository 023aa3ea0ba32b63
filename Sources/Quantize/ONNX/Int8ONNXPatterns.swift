import Graph

/// Maps the integer ONNX chains of dynamically quantized models back onto vitopt's packed int8
/// GEMM (`Int8Linear`), leaving everything it does not recognise to the generic ONNX kernels:
///
/// - ONNX Runtime's `quantize_dynamic` (QInt8 weights, per_channel False or True) and vitopt's own
///   per-tensor export: `DynamicQuantizeLinear(x) → MatMulInteger(q, W, zp, 0) → Cast F32 →
///   Mul(·, Mul(x_scale, w_scale)) (→ Add bias)` becomes `Int8Linear {activations: per-tensor}`, and
///   the same chain through a patch `ConvInteger` becomes `Int8PatchConv`.
/// - vitopt's per-token export (see `Int8ONNXLowering`) becomes `Int8Linear {activations: per-token}`.
/// - static int8 in QDQ form (vitopt's `--calibrate` export, ONNX Runtime's `quantize_static`):
///   `MatMul` or `Gemm` of `DequantizeLinear(QuantizeLinear(x))` and `DequantizeLinear(W)` becomes `Int8Linear {activations: static}`
///   (`Int8ONNXMatcher.matchQDQ`).
///
/// The weight must be a constant I8 `[K, N]` with zero point 0, the weight scale a constant scalar
/// or `[N]`, the bias a constant `[N]`. The u8 activations and int32 accumulators are the generic
/// kernels' exactly; the fp32 epilogue is one fused multiply-add where the ONNX chain rounds after
/// the Mul and again after the Add (≤ 1 ulp per output).
public enum Int8ONNXPatterns {
    public struct Result: Sendable {
        public var graph: ModelGraph
        /// `MatMulInteger` / `ConvInteger` / QDQ `MatMul` and `Gemm` nodes now running on vitopt's kernel.
        public var rewritten: [String]
        /// `MatMulInteger` / `ConvInteger` / QDQ `MatMul` and `Gemm` nodes left to the generic kernels, with the reason.
        public var kept: [(node: String, reason: String)]
    }

    /// Whether `graph` has ONNX integer matmuls or QDQ pairs (an imported quantized model).
    public static func applies(to graph: ModelGraph) -> Bool {
        graph.nodes.contains { $0.op == "MatMulInteger" || $0.op == "DequantizeLinear" }
    }

    public static func apply(_ input: ModelGraph) -> Result {
        var m = Int8ONNXMatcher(input)
        var rewritten: [String] = [], kept: [(String, String)] = []
        // QDQ candidates: a MatMul/Gemm whose second operand is a dequantized constant (a weight); a product of
        // two dequantized activations (attention) stays on the generic kernels without a note.
        let dequantized = Set(input.nodes.filter { $0.op == "DequantizeLinear" && input.initializers[$0.inputs[0]] != nil }.flatMap(\.outputs))
        for i in input.nodes.indices {
            let n = input.nodes[i]
            let qdq = (n.op == "MatMul" || n.op == "Gemm") && n.inputs.count >= 2 && dequantized.contains(n.inputs[1])
            guard n.op == "MatMulInteger" || n.op == "ConvInteger" || qdq else { continue }
            switch n.op == "ConvInteger" ? m.matchConv(i) : (qdq ? m.matchQDQ(i) : m.match(i)) {
            case .success(let name): rewritten.append(name)
            case .failure(let why): kept.append((input.nodes[i].name, why.text))
            }
        }
        return Result(graph: m.finish(), rewritten: rewritten, kept: kept)
    }
}

extension Int8ONNXPatterns {
    /// The fp32 twin of a graph with `Int8Linear` nodes: each becomes a `Linear` on its dequantized
    /// weight (`q · scale`, `[N, K]`) and bias, as `vitopt bench` compares an int8 file with.
    public static func dequantizedTwin(_ input: ModelGraph) -> ModelGraph {
        var g = input
        for (i, n) in input.nodes.enumerated() where n.op == Int8LinearKernel.op {
            guard let w = input.initializers[n.inputs[2]], let s = input.initializers[n.inputs[3]] else { continue }
            let name = n.inputs[2] + ".dequantized"
            g.initializers[name] = WeightQuantizer.dequantize(w, scale: s)
            g.nodes[i] = Node(name: n.name, op: OpKind.linear, inputs: [n.inputs[0], name] + n.inputs.dropFirst(4), outputs: n.outputs)
        }
        return Int8ONNXMatcher(g).finish()
    }
}
