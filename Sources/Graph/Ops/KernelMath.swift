/// The fp32 kernels' inner loops, exposed for modules that compute the same forward math outside an
/// `Executor` (the training engine in Distill). Each forwards to the kernel's own implementation, so
/// both paths produce bit-identical results.
public enum KernelMath {
    /// LayerNorm over the last axis: `y = (x − mean)/sqrt(var + eps)·gamma + beta` per row of `width`,
    /// population variance, fp32 (see `LayerNormKernel`). `y` may equal `x`.
    public static func layerNorm(_ x: UnsafePointer<Float>, rows: Int, width: Int, gamma: UnsafePointer<Float>,
                                 beta: UnsafePointer<Float>, epsilon: Float, into y: UnsafeMutablePointer<Float>,
                                 context: ExecutionContext) {
        LayerNormKernel.normalize(x, rows: rows, width: width, gamma: gamma, beta: beta, epsilon: epsilon, into: y,
                                  context: context)
    }

    /// One LayerNorm row of `width` (the same arithmetic as `layerNorm`, for fused producers).
    public static func layerNormRow(_ x: UnsafePointer<Float>, width: Int, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                                    epsilon: Float, into y: UnsafeMutablePointer<Float>) {
        LayerNormKernel.normalizeRow(x, width: width, gamma: gamma, beta: beta, epsilon: epsilon, into: y)
    }

    /// The patch matrix of `PatchEmbedKernel`: `x[N,C,H,W]` → `dst[N·(H/ph)·(W/pw), C·ph·pw]`, exact copies.
    public static func im2col(_ x: UnsafePointer<Float>, n: Int, channels: Int, height: Int, width: Int, patch: (Int, Int),
                              into dst: UnsafeMutablePointer<Float>, context: ExecutionContext) {
        PatchEmbedKernel.im2col(x, n: n, channels: channels, height: height, width: width, patch: patch, into: dst,
                                context: context)
    }
}
