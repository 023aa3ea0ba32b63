/// Tensors kernels allocate: sizes overflow-checked and compared with the memory budget, failures
/// thrown as `TensorError` naming the node (see `Tensor.init(zeros:shape:for:)`).
enum KernelAllocation {
    /// The output (or, with `role`, another buffer) of `node`: zero-filled unless `zeroed` is false
    /// (only for kernels that write every element).
    static func tensor(_ node: Node, _ dtype: DType, _ shape: [Int], zeroed: Bool = true, role: String = "output") throws -> Tensor {
        let what = { "\(role) of node '\(node.name)' (\(node.op), \(dtype.rawValue) \(shape))" }
        return zeroed ? try Tensor(zeros: dtype, shape: shape, for: what()) : try Tensor(uninitialized: dtype, shape: shape, for: what())
    }

    /// `a · b · …` or a `TensorError.invalidSize` naming `node` and `role` when it overflows.
    static func product(_ node: Node, _ factors: [Int], role: String) throws -> Int {
        guard let n = Tensor.elementCount(factors) else {
            throw TensorError.invalidSize(what: "\(role) of node '\(node.name)' (\(node.op))", shape: factors, elementBytes: 1)
        }
        return n
    }
}

extension KernelAllocation {
    /// Checks that `count` elements of `elementBytes` each (a Swift array a kernel is about to make)
    /// have a size and fit the memory budget: a Swift array that cannot be allocated stops the process.
    static func reserve(_ node: Node, _ count: Int, elementBytes: Int, role: String) throws {
        let bytes = try product(node, [count, elementBytes], role: role)
        try MemoryBudget.check(bytes: bytes, for: "\(role) of node '\(node.name)' (\(node.op))")
    }
}
