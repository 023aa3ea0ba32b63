internal import CFloatGEMM
#if canImport(Glibc)
import Glibc
#endif

/// `LayerNorm(x[..., D], gamma[D], beta[D]) {epsilon}`: normalises over the last axis.
///
/// `y = (x − mean) / sqrt(var + eps) · gamma + beta` with the biased variance, computed in fp32 with
/// a two-pass mean/variance summed in eight interleaved lanes (PyTorch uses Welford; the two agree to a few ulps for ViT activations).
struct LayerNormKernel: OpKernel {
    let kind = OpKind.layerNorm

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 3...3)
        try KernelCheck.floats(node, inputs)
        let d = try KernelCheck.fixed(node, inputs[0], axis: -1)
        for p in inputs[1...] {
            try KernelCheck.require(p.shape == [.fixed(d)], node, "'\(p.name)' must be [\(d)], is \(p.shape.shapeDescription)")
        }
        guard node.float("epsilon") != nil else { throw GraphError.missingAttribute(node: node.name, name: "epsilon") }
        return [ValueInfo(name: "", shape: inputs[0].shape)]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let x = inputs[0]
        guard let d = x.shape.last, d > 0, let eps = node.float("epsilon") else {
            throw GraphError.shapeMismatch(node: node.name, detail: "needs an epsilon and a non-empty last axis, has shape \(x.shape)")
        }
        let rows = x.count / d
        let out = try KernelAllocation.tensor(node, .f32, x.shape, zeroed: false)
        LayerNormKernel.normalize(x.floats, rows: rows, width: d, gamma: inputs[1].floats, beta: inputs[2].floats,
                                  epsilon: eps, into: out.mutableFloats, context: context)
        return [out]
    }

    /// Normalises `rows` rows of `width` floats from `x` into `y` (which may equal `x`).
    static func normalize(_ x: UnsafePointer<Float>, rows: Int, width d: Int, gamma: UnsafePointer<Float>,
                          beta: UnsafePointer<Float>, epsilon: Float, into y: UnsafeMutablePointer<Float>,
                          context: ExecutionContext) {
        context.parallelFor(rows, minChunk: 16) { range in
            for r in range { normalizeRow(x + r * d, width: d, gamma: gamma, beta: beta, epsilon: epsilon, into: y + r * d) }
        }
    }

    /// One row: mean and population variance with `VectorMath.sum`/`sumOfSquares` (eight-lane fixed
    /// order), run by the C kernels (bit-identical to `normalizeRowReference`).
    @inline(__always)
    static func normalizeRow(_ src: UnsafePointer<Float>, width d: Int, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                             epsilon: Float, into dst: UnsafeMutablePointer<Float>, path: FloatGEMM.Path = VectorMath.path) {
        vitopt_vlayernorm_row(Int32(path.rawValue), src, d, gamma, beta, epsilon, dst)
    }

    /// The Swift definition the C row kernel reproduces.
    static func normalizeRowReference(_ src: UnsafePointer<Float>, width d: Int, gamma: UnsafePointer<Float>,
                                      beta: UnsafePointer<Float>, epsilon: Float, into dst: UnsafeMutablePointer<Float>) {
        let mean = VectorMath.sum(src, d) / Float(d)
        let inv = 1 / sqrtf(VectorMath.sumOfSquares(src, d, minus: mean) / Float(d) + epsilon)
        for i in 0..<d { dst[i] = (src[i] - mean) * inv * gamma[i] + beta[i] }
    }
}
