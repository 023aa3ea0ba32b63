/// ONNX `BatchNormalization(X[N, C, …], scale[C], B[C], input_mean[C], input_var[C]) {epsilon = 1e-5, momentum = 0.9,
/// training_mode = 0}` per channel (axis 1): `y = (x − mean) / sqrt(var + epsilon) · scale + B` in fp32, with those
/// roundings in that order.
/// - inference (`training_mode = 0`): `mean`, `var` are the inputs; only `Y` may be named.
/// - `training_mode = 1` (exporters write it for weight standardisation, e.g. timm's `StdConv2dSame`, on constant
///   weights): `mean`, `var` are the channel's own statistics over N and the spatial axes (sums in fp32, in order;
///   the population variance), and the optional outputs are the running statistics
///   `input · momentum + current · (1 − momentum)`.
struct BatchNormalizationKernel: OpKernel {
    let kind = "BatchNormalization"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 5...5)
        try KernelCheck.floats(node, inputs)
        let training = (node.int("training_mode") ?? 0) == 1
        try KernelCheck.require(training || node.outputs.count == 1, node, "running statistics are outputs only with training_mode 1")
        let x = inputs[0]
        try KernelCheck.require(x.shape.count >= 2, node, "input must have rank 2 or more, has \(x.shape.shapeDescription)")
        let c = try KernelCheck.fixed(node, x, axis: 1)
        for p in inputs.dropFirst() {
            try KernelCheck.require(p.shape == [.fixed(c)], node, "'\(p.name)' must be [\(c)], is \(p.shape.shapeDescription)")
        }
        return [ValueInfo(name: "", shape: x.shape)] + Array(repeating: ValueInfo(name: "", shape: [.fixed(c)]), count: node.outputs.count - 1)
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0].asF32(), c = x.shape[1], inner = x.shape.dropFirst(2).reduce(1, *)
        let p = inputs.dropFirst().map { $0.asF32().floatArray() }
        try KernelCheck.require(p.allSatisfy { $0.count == c }, node, "per-channel inputs must have \(c) values")
        let (scale, bias) = (p[0], p[1])
        let eps = node.float("epsilon") ?? 1e-5
        let s = x.floats, rows = x.count / max(1, inner)
        let training = (node.int("training_mode") ?? 0) == 1
        if training {
            let count = Float(rows / max(1, c) * inner)
            try KernelCheck.require(count > 0, node, "no elements to take batch statistics over")
            var sum = [Float](repeating: 0, count: c), sq = [Float](repeating: 0, count: c)
            for r in 0..<rows { for i in (r * inner)..<((r + 1) * inner) { sum[r % c] += s[i] } }
            let current = sum.map { $0 / count }
            for r in 0..<rows { for i in (r * inner)..<((r + 1) * inner) { let d = s[i] - current[r % c]; sq[r % c] += d * d } }
            let currentVar = sq.map { $0 / count }
            let momentum = node.float("momentum") ?? 0.9
            let out = try normalized(node, x, mean: current, variance: currentVar, scale: scale, bias: bias, eps: eps)
            let extra = [Tensor(shape: [c], floats: zip(p[2], current).map { $0 * momentum + $1 * (1 - momentum) }),
                         Tensor(shape: [c], floats: zip(p[3], currentVar).map { $0 * momentum + $1 * (1 - momentum) })]
            return [out] + extra.prefix(node.outputs.count - 1)
        }
        return [try normalized(node, x, mean: p[2], variance: p[3], scale: scale, bias: bias, eps: eps)]
    }

    func normalized(_ node: Node, _ x: Tensor, mean: [Float], variance: [Float], scale: [Float], bias: [Float], eps: Float) throws -> Tensor {
        let c = x.shape[1], inner = x.shape.dropFirst(2).reduce(1, *)
        let out = try KernelAllocation.tensor(node, .f32, x.shape, zeroed: false)
        let s = x.floats, y = out.mutableFloats
        for r in 0..<(x.count / max(1, inner)) {
            let ch = r % c, d = (variance[ch] + eps).squareRoot()
            for i in (r * inner)..<((r + 1) * inner) { y[i] = (s[i] - mean[ch]) / d * scale[ch] + bias[ch] }
        }
        withExtendedLifetime(x) {}
        return out
    }
}
