/// ONNX `InstanceNormalization(input[N, C, D1, …], scale[C], B[C]) {epsilon = 1e-5}`: each (n, c) plane
/// normalised over its spatial elements with its own mean and biased variance (sums in fp32, in order),
/// `y = scale · (x − mean) / sqrt(var + epsilon) + B`.
struct InstanceNormalizationKernel: OpKernel {
    let kind = "InstanceNormalization"

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 3...3)
        try KernelCheck.floats(node, inputs)
        let x = inputs[0]
        try KernelCheck.require(x.shape.count >= 3, node, "input must have rank 3 or more, has \(x.shape.shapeDescription)")
        let c = try KernelCheck.fixed(node, x, axis: 1)
        for a in 2..<x.shape.count { _ = try KernelCheck.fixed(node, x, axis: a) }
        for p in inputs.dropFirst() {
            try KernelCheck.require(p.shape == [.fixed(c)], node, "'\(p.name)' must be [\(c)], is \(p.shape.shapeDescription)")
        }
        return [ValueInfo(name: "", shape: x.shape)]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0].asF32(), c = x.shape[1], size = x.shape.dropFirst(2).reduce(1, *)
        let scale = inputs[1].asF32().floatArray(), bias = inputs[2].asF32().floatArray()
        try KernelCheck.require(scale.count == c && bias.count == c && size > 0, node, "scale and B must have \(c) values; planes must not be empty")
        let eps = node.float("epsilon") ?? 1e-5
        let out = try KernelAllocation.tensor(node, .f32, x.shape, zeroed: false)
        let s = x.floats, y = out.mutableFloats
        context.parallelFor(x.count / size, minChunk: 1) { planes in
            for r in planes {
                let row = s + r * size, ch = r % c
                var sum: Float = 0
                for i in 0..<size { sum += row[i] }
                let mean = sum / Float(size)
                var sq: Float = 0
                for i in 0..<size { let d = row[i] - mean; sq += d * d }
                let d = (sq / Float(size) + eps).squareRoot()
                for i in 0..<size { y[r * size + i] = scale[ch] * (row[i] - mean) / d + bias[ch] }
            }
        }
        withExtendedLifetime(x) {}
        return [out]
    }
}
