/// Where the scales of ONNX `QuantizeLinear` / `DequantizeLinear` apply: one for the whole tensor,
/// or one per index of `axis` (attribute, default 1, negative counts from the end), element `i`
/// then using scale `(i / inner) % channels`.
struct QuantizationAxis {
    let channels: Int
    let inner: Int

    /// - Throws: `GraphError` naming `node` when a scale count other than 1 does not match the axis,
    ///   or the node asks for blocked quantization (`block_size`, opset 21), which is not supported.
    init(_ node: Node, shape: [Int], scales: Int) throws {
        try KernelCheck.require((node.int("block_size") ?? 0) == 0, node, "blocked quantization (block_size) is not supported")
        guard scales != 1 else { channels = 1; inner = 1; return }
        let a = node.int("axis") ?? 1, axis = a < 0 ? a + shape.count : a
        try KernelCheck.require(axis >= 0 && axis < shape.count && shape[axis] == scales, node,
                                "\(scales) scales do not match axis \(a) of shape \(shape)")
        channels = scales
        inner = shape[(axis + 1)...].reduce(1, *)
    }

    func channel(_ i: Int) -> Int { channels == 1 ? 0 : (i / inner) % channels }
}
