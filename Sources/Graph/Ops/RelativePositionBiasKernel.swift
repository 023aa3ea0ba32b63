/// `RelativePositionBias(table[R, H]) {grid = [Gh, Gw]}` → `[H, T, T]` with `T = Gh·Gw + 1`:
/// `out[h, i, j] = table[index[i, j], h]`, the index computed from the grid by
/// `ViTRelativePositionBias.index` (BEiT; the class token first). An exact gather, no arithmetic.
/// The table must have `R = (2·Gh−1)(2·Gw−1) + 3` rows.
struct RelativePositionBiasKernel: OpKernel {
    let kind = OpKind.relativePositionBias

    /// The grid attribute, checked: two positive sides whose token count fits the attention kernel.
    static func grid(_ node: Node) throws -> [Int] {
        guard case .ints(let g)? = node.attributes["grid"], g.count == 2 else {
            throw GraphError.missingAttribute(node: node.name, name: "grid")
        }
        try KernelCheck.require(g.allSatisfy { $0 > 0 && $0 <= AttentionKernel.maxTokens }, node, "grid \(g) must be two positive sides")
        let (patches, overflow) = g[0].multipliedReportingOverflow(by: g[1])
        try KernelCheck.require(!overflow && patches < AttentionKernel.maxTokens, node,
                                "grid \(g) gives more tokens than the attention kernel's limit of \(AttentionKernel.maxTokens)")
        return g
    }

    func inferShapes(node: Node, inputs: [ValueInfo]) throws -> [ValueInfo] {
        try KernelCheck.arity(node, inputs.count, 1...1)
        try KernelCheck.floats(node, inputs)
        try KernelCheck.rank(node, inputs[0], 2)
        let g = try Self.grid(node)
        let rows = try KernelCheck.fixed(node, inputs[0], axis: 0), heads = try KernelCheck.fixed(node, inputs[0], axis: 1)
        let want = ViTRelativePositionBias.tableRows(grid: g) ?? -1
        try KernelCheck.require(rows == want, node, "the relative position table has \(rows) rows, a \(g[0])×\(g[1]) grid needs \(want)")
        let t = g[0] * g[1] + 1
        _ = try KernelCheck.product(node, [heads, t, t], "the relative position bias")
        return [ValueInfo(name: "", shape: [.fixed(heads), .fixed(t), .fixed(t)])]
    }

    func run(node: Node, inputs: [Tensor], context: ExecutionContext) throws -> [Tensor] {
        let g = try Self.grid(node)
        let table = inputs[0]
        let rows = table.shape[0], heads = table.shape[1]
        guard rows == ViTRelativePositionBias.tableRows(grid: g) else {
            throw GraphError.shapeMismatch(node: node.name, detail: "the relative position table has \(rows) rows for grid \(g)")
        }
        let t = g[0] * g[1] + 1
        let out = try KernelAllocation.tensor(node, .f32, [heads, t, t], zeroed: false)
        let src = table.floats, y = out.mutableFloats
        // The index is computed per entry rather than materialised: the output is the only T² buffer.
        for i in 0..<t {
            for j in 0..<t {
                let r = ViTRelativePositionBias.row(i, j, grid: g) * heads
                for h in 0..<heads { y[(h * t + i) * t + j] = src[r + h] }
            }
        }
        return [out]
    }
}
