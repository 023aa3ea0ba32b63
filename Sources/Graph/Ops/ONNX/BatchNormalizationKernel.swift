/// ONNX `BatchNormalization(X[N, C, …], scale[C], B[C], input_mean[C], input_var[C]) {epsilon = 1e-5}` in
/// inference mode: `y = (x − mean) / sqrt(var + epsilon) · scale + B` per channel (axis 1), in fp32 with
/// those roundings in that order. `training_mode = 1` and the running-statistics outputs are refused.
struct BatchNormalizationKernel: OpKernel {
    let kind = "BatchNormalization"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 5...5)
        try KernelCheck.floats(node, inputs)
        try KernelCheck.require((node.int("training_mode") ?? 0) == 0, node, "training_mode 1 is not supported (inference only)")
        let x = inputs[0]
        try KernelCheck.require(x.shape.count >= 2, node, "input must have rank 2 or more, has \(x.shape.shapeDescription)")
        let c = try KernelCheck.fixed(node, x, axis: 1)
        for p in inputs.dropFirst() {
            try KernelCheck.require(p.shape == [.fixed(c)], node, "'\(p.name)' must be [\(c)], is \(p.shape.shapeDescription)")
        }
        return [ValueInfo(name: "", shape: x.shape)]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0].asF32(), c = x.shape[1], inner = x.shape.dropFirst(2).reduce(1, *)
        let p = inputs.dropFirst().map { $0.asF32().floatArray() }
        try KernelCheck.require(p.allSatisfy { $0.count == c }, node, "per-channel inputs must have \(c) values")
        let (scale, bias, mean, variance) = (p[0], p[1], p[2], p[3])
        let eps = node.float("epsilon") ?? 1e-5
        let out = try KernelAllocation.tensor(node, .f32, x.shape, zeroed: false)
        let s = x.floats, y = out.mutableFloats
        for r in 0..<(x.count / max(1, inner)) {
            let ch = r % c, d = (variance[ch] + eps).squareRoot()
            for i in (r * inner)..<((r + 1) * inner) { y[i] = (s[i] - mean[ch]) / d * scale[ch] + bias[ch] }
        }
        withExtendedLifetime(x) {}
        return [out]
    }
}
