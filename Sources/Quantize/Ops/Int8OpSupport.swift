import Graph

/// Shape checks and argument decoding shared by the int8 kernels.
enum Int8Op {
    /// The kernel path for this process: `VITOPT_INT8_KERNEL` or the fastest supported, resolved once.
    static let path: Result<Int8KernelPath, QuantizeError> = Result { try Int8KernelPath.selected() }.mapError { $0 as! QuantizeError }

    static func require(_ ok: Bool, _ node: Node, _ detail: @autoclosure () -> String) throws {
        if !ok { throw GraphError.shapeMismatch(node: node.name, detail: detail()) }
    }

    static func arity(_ node: Node, _ count: Int, _ range: ClosedRange<Int>) throws {
        guard range.contains(count) else {
            throw GraphError.arity(node: node.name, op: node.op, expected: "\(range.lowerBound)–\(range.upperBound)", got: count)
        }
    }

    static func scheme(_ node: Node) throws -> ActivationScheme {
        guard let raw = node.string("activations") else { throw GraphError.missingAttribute(node: node.name, name: "activations") }
        guard let s = ActivationScheme(rawValue: raw) else {
            throw GraphError.shapeMismatch(node: node.name, detail: "activations must be per-token, per-tensor or static, is \"\(raw)\"")
        }
        return s
    }

    /// Checks `packed` (U8), `weight` (I8 [N, K]), `scale` (F32 [N]) and `bias` (F32 [N]) infos; returns (K, N).
    static func checkWeights(_ node: Node, _ infos: ArraySlice<ValueInfo>) throws -> (k: Int, n: Int) {
        let a = Array(infos)
        try require(a.count == 3 || a.count == 4, node, "expects packed weights, int8 weight, weight scale and optional bias")
        let packed = a[0], w = a[1], s = a[2]
        try require(w.dtype == .i8 && w.shape.count == 2, node, "weight '\(w.name)' must be I8 [N, K], is \(w.dtype.rawValue) \(w.shape.shapeDescription)")
        guard let n = w.shape[0].value, let k = w.shape[1].value else {
            throw GraphError.shapeMismatch(node: node.name, detail: "weight '\(w.name)' needs fixed dimensions")
        }
        try require(packed.dtype == .u8 && packed.shape == [.fixed(PackedWeights.byteCount(k: k, n: n))], node,
                    "packed weight '\(packed.name)' must be U8 [\(PackedWeights.byteCount(k: k, n: n))], is \(packed.dtype.rawValue) \(packed.shape.shapeDescription)")
        try require(s.dtype.isFloatingPoint && s.shape == [.fixed(n)], node, "weight scale '\(s.name)' must be [\(n)], is \(s.shape.shapeDescription)")
        if a.count == 4 { try require(a[3].shape == [.fixed(n)], node, "bias '\(a[3].name)' must be [\(n)], is \(a[3].shape.shapeDescription)") }
        return (k, n)
    }

    /// The layer's own inputs and, for a node with a residual epilogue, the residual (its last input).
    static func splitResidual<T>(_ node: Node, _ inputs: [T]) -> (layer: [T], residual: T?) {
        guard node.hasResidualEpilogue, let last = inputs.last else { return (inputs, nil) }
        return (Array(inputs.dropLast()), last)
    }

    static func checkResidual(_ node: Node, _ residual: ValueInfo?, _ out: [Dim]) throws {
        if let e = node.string("epilogue"), e != "residual" {
            throw GraphError.shapeMismatch(node: node.name, detail: "epilogue must be \"residual\", is \"\(e)\"")
        }
        guard let r = residual else { return }
        try require(r.shape == out, node, "residual '\(r.name)' \(r.shape.shapeDescription) is not the output's shape \(out.shapeDescription)")
    }

    /// The residual tensor's floats when the node has one, checked against the output shape.
    static func residual(_ node: Node, _ inputs: [Tensor], shape: [Int]) throws -> UnsafePointer<Float>? {
        guard node.hasResidualEpilogue, let r = inputs.last else { return nil }
        try require(r.shape == shape, node, "residual \(r.shape) is not the output's shape \(shape)")
        return r.floats
    }

    static func kernelPath(_ node: Node) throws -> Int8KernelPath {
        switch path {
        case .success(let p): return p
        case .failure(let e): throw GraphError.unsupported("node '\(node.name)': \(e.description)")
        }
    }
}
