/// `ConcatFeatures(a[N, Da], b[N, Db], …)` → `[N, Da + Db + …]`: rank-2 features side by side
/// (HF `Dinov2ForImageClassification` concatenates the class token and the patch mean). Copies only.
struct ConcatFeaturesKernel: OpKernel {
    let kind = OpKind.concatFeatures

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...64)
        try KernelCheck.floats(node, inputs)
        var width = 0
        for i in inputs {
            try KernelCheck.rank(node, i, 2)
            try KernelCheck.require(i.shape[0] == inputs[0].shape[0], node, "batch sizes differ")
            width += try KernelCheck.fixed(node, i, axis: 1)
        }
        return [ValueInfo(name: "", shape: [inputs[0].shape[0], .fixed(width)])]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let n = inputs[0].shape[0]
        guard inputs.allSatisfy({ $0.shape.count == 2 && $0.shape[0] == n }) else {
            throw GraphError.shapeMismatch(node: node.name, detail: "inputs must be [N, D] with one N, are \(inputs.map(\.shape))")
        }
        let width = inputs.reduce(0) { $0 + $1.shape[1] }
        let out = try KernelAllocation.tensor(node, .f32, [n, width], zeroed: false)
        let y = out.mutableFloats
        for b in 0..<n {
            var offset = b * width
            for t in inputs {
                let d = t.shape[1]
                (y + offset).update(from: t.floats + b * d, count: d)
                offset += d
            }
        }
        return [out]
    }
}
