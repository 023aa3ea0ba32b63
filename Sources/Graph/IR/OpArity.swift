/// How many inputs and outputs a node of one op kind may have: the one table the ONNX importer
/// checks every node against (naming the node) before any pass or kernel indexes `inputs[i]`.
///
/// For ONNX operators the ranges are those of the ONNX operator schemas across the opsets vitopt
/// reads (11–23), narrowed where vitopt's kernel accepts less (`Min`/`Max` take two operands); a
/// parameter that later opsets pass as an input (Reshape's shape, Slice's starts, Squeeze's axes)
/// counts as an input. For vitopt's own ops (`Linear`, `Attention`, the int8 kernels) the ranges
/// are the kernels', with the residual input `LinearEpilogueFusion` may add.
///
/// The first `inputs.lowerBound` inputs are required and must name a value; later ones may be the
/// empty string, ONNX's spelling of an omitted optional input.
public struct OpArity: Sendable, Equatable {
    public let inputs: ClosedRange<Int>
    public let outputs: ClosedRange<Int>

    public init(_ inputs: ClosedRange<Int>, outputs: ClosedRange<Int> = 1...1) {
        self.inputs = inputs
        self.outputs = outputs
    }

    /// The most values a variadic op may take or produce (Concat, Split, PrefixTokens): far above any
    /// real model, low enough that a hostile node cannot make a pass do unbounded work.
    public static let variadicLimit = 4096

    /// Arity by op kind, for every op the ONNX, standard and int8 registries know plus the ONNX
    /// operators the importer folds away (`Shape`, `Constant`, `ConstantOfShape`, `Dropout`).
    public static let table: [String: OpArity] = {
        var t: [String: OpArity] = [:]
        for op in ["Add", "Sub", "Mul", "Div", "Pow", "Min", "Max", "Equal", "MatMul", "Gather",
                   "Greater", "Less", "Mod", "Tile", "GatherElements"] { t[op] = OpArity(2...2) }
        for op in ["Sqrt", "Erf", "Neg", "Reciprocal", "Exp", "Relu", "Sigmoid", "Round", "Identity", "Tanh", "Gelu",
                   "Cast", "Transpose", "Softmax", "Flatten", "Shape", "ConstantOfShape", "TakeToken", "MeanTokens",
                   "Cos", "Sin", "Abs", "IsNaN", "Size", "Ceil", "Floor", "MaxPool"] {
            t[op] = OpArity(1...1)
        }
        for op in ["Squeeze", "Unsqueeze", "ReduceMean", "ReduceMin", "ReduceMax", "ReduceSum", "ReduceL2"] { t[op] = OpArity(1...2) }
        t["Reshape"] = OpArity(2...2)
        t["Expand"] = OpArity(2...2)
        t["Where"] = OpArity(3...3)
        t["Clip"] = OpArity(1...3)
        t["Slice"] = OpArity(3...5)
        t["Concat"] = OpArity(1...variadicLimit)
        t["Split"] = OpArity(1...2, outputs: 1...variadicLimit)
        t["Gemm"] = OpArity(2...3)
        t["Conv"] = OpArity(2...3)
        t["LayerNormalization"] = OpArity(2...3, outputs: 1...3)
        t["Dropout"] = OpArity(1...3, outputs: 1...2)
        t["Constant"] = OpArity(0...0)
        t["Range"] = OpArity(3...3)
        t["TopK"] = OpArity(2...2, outputs: 2...2)
        t["ScatterND"] = OpArity(3...3)
        t["Resize"] = OpArity(1...4)
        // Condition, then the then-branch outputs, then the else-branch outputs (`ONNXFile` inlines the branches).
        t["If"] = OpArity(1...variadicLimit, outputs: 1...variadicLimit)
        t["DynamicQuantizeLinear"] = OpArity(1...1, outputs: 3...3)
        t["MatMulInteger"] = OpArity(2...4)
        // x, scale[, zero point] (static int8's QDQ graphs).
        for op in ["QuantizeLinear", "DequantizeLinear"] { t[op] = OpArity(2...3) }
        t["ConvInteger"] = OpArity(2...4)
        t["QuantizeLinear"] = OpArity(2...3)
        t["DequantizeLinear"] = OpArity(2...3)
        // vitopt's own ops.
        t["PatchEmbed"] = OpArity(2...3)
        t["PrefixTokens"] = OpArity(2...16)
        t["LayerNorm"] = OpArity(3...3)
        t["Linear"] = OpArity(2...3)
        t["LinearPacked"] = OpArity(2...4)
        t["LinearPackedBF16"] = OpArity(2...4)
        t["Attention"] = OpArity(1...3)
        t["Average"] = OpArity(1...64)
        t[OpKind.quickGelu] = OpArity(1...1)
        t[OpKind.swiglu] = OpArity(1...1)
        t[OpKind.concatFeatures] = OpArity(1...64)
        t[OpKind.attentionPool] = OpArity(2...2)
        t[OpKind.relativePositionBias] = OpArity(1...1)
        t[OpKind.biasedAttention] = OpArity(2...4)
        t[OpKind.windowAttention] = OpArity(2...3)
        t[OpKind.continuousPositionBias] = OpArity(3...3)
        t[OpKind.patchMerging] = OpArity(1...1)
        t["Pad"] = OpArity(2...4)
        for op in ["GreaterOrEqual", "LessOrEqual"] { t[op] = OpArity(2...2) }
        for op in ["GlobalAveragePool", "Not"] { t[op] = OpArity(1...1) }
        t["BatchNormalization"] = OpArity(5...5, outputs: 1...3)
        t["InstanceNormalization"] = OpArity(3...3)
        t["GatherND"] = OpArity(2...2)
        t[OpKind.rope] = OpArity(3...3)
        t["Int8Linear"] = OpArity(4...6)
        t["Int8LinearQ"] = OpArity(6...8)
        t["Int8PatchConv"] = OpArity(4...5)
        t["LayerNormQuantize"] = OpArity(3...3, outputs: 3...3)
        t["GeluQuantize"] = OpArity(1...1, outputs: 3...3)
        return t
    }()

    /// Checks `node` against `table`: a known op, an input and output count in range, no empty name
    /// among the required inputs or the outputs that are used.
    /// - Throws: `GraphError.unknownOp` or `.arity` naming the node.
    public static func check(_ node: Node) throws {
        guard let a = table[node.op] else { throw GraphError.unknownOp(node: node.name, op: node.op) }
        // Trailing empty names are omitted optional inputs.
        let given = node.inputs.count - node.inputs.reversed().prefix { $0.isEmpty }.count
        guard a.inputs.contains(given) else {
            throw GraphError.arity(node: node.name, op: node.op, expected: describe(a.inputs), got: given)
        }
        if let i = node.inputs.prefix(a.inputs.lowerBound).firstIndex(where: \.isEmpty) {
            throw GraphError.arity(node: node.name, op: node.op, expected: "\(describe(a.inputs)) (input \(i) is required but empty)", got: given)
        }
        guard a.outputs.contains(node.outputs.count) else {
            throw GraphError.shapeMismatch(node: node.name, detail: "\(node.op) produces \(describe(a.outputs)) outputs, the node names \(node.outputs.count)")
        }
        if node.outputs.first?.isEmpty ?? false {
            throw GraphError.shapeMismatch(node: node.name, detail: "its first output has an empty name")
        }
    }

    private static func describe(_ r: ClosedRange<Int>) -> String {
        r.lowerBound == r.upperBound ? "\(r.lowerBound)" : "\(r.lowerBound)–\(r.upperBound)"
    }
}
