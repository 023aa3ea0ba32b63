/// Recognises exported multi-head attention — `softmax(s·Q·Kᵀ)·V` with Q, K, V cut out of one packed
/// projection (timm's `qkv`) or three (Hugging Face's query/key/value) by any sequence of Reshape,
/// Transpose, Split/Slice/Gather + Squeeze and scalar Mul/Div — and replaces it by `Attention`.
///
/// Layouts are tracked as "atoms": every axis of a value is a list of the logical axes it holds
/// (batch n, token t, part p of q/k/v, head h, head dim d), so merges and splits by Reshape are
/// followed exactly; a candidate is accepted only when Q is [n,h,t,d], K [n,h,d,t], V [n,h,t,d] and
/// the result is reshaped back to [n,t,(h,d)].
struct AttentionFusion {
    struct Atom: Equatable { let label: Character; let size: Dim }
    struct Trace { var source: String; var part: Int?; var axes: [[Atom]]; var scale: Float; var heads: Int }

    let rewriter: PatternRewriter
    let infos: [String: ValueInfo]

    var graph: ModelGraph { rewriter.graph }

    func shape(_ v: String) -> [Dim]? { infos[v]?.shape }

    /// The layout of `v` traced back to a head-splitting Reshape of a rank-3 projection.
    func trace(_ v: String, depth: Int = 0) -> Trace? {
        guard depth < 16, let n = rewriter.node(producing: v), let out = shape(v) else { return nil }
        let input = n.inputs.first ?? ""
        switch n.op {
        case "Reshape":
            guard let inShape = shape(input) else { return nil }
            if inShape.count == 3, (out.count == 4 || out.count == 5), out[0] == inShape[0], out[1] == inShape[1] {
                let labels: [Character] = out.count == 5 ? ["n", "t", "p", "h", "d"] : ["n", "t", "h", "d"]
                guard out.count == 4 || out[2] == .fixed(3), let heads = out[out.count - 2].value else { return nil }
                return Trace(source: input, part: nil, axes: zip(labels, out).map { [Atom(label: $0, size: $1)] }, scale: 1, heads: heads)
            }
            guard var t = trace(input, depth: depth + 1), let axes = regroup(t.axes, to: out) else { return nil }
            t.axes = axes
            return t
        case "Transpose":
            guard var t = trace(input, depth: depth + 1), let perm = SymbolicShape.optionalInts(n, "perm"), perm.count == t.axes.count,
                  perm.allSatisfy({ t.axes.indices.contains($0) }) else { return nil }
            t.axes = perm.map { t.axes[$0] }
            return t
        case "Mul", "Div":
            guard n.inputs.count == 2, let c = rewriter.scalar(n.inputs[1]), var t = trace(input, depth: depth + 1) else { return nil }
            t.scale *= n.op == "Mul" ? c : 1 / c
            return t
        case "Squeeze":
            guard var t = trace(input, depth: depth + 1) else { return nil }
            let axes = SymbolicShape.optionalInts(n, "axes") ?? t.axes.indices.filter { t.axes[$0].isEmpty }
            let drop = Set(axes.compactMap { TensorIndexing.axis($0, rank: t.axes.count) })
            guard drop.allSatisfy({ t.axes[$0].isEmpty }) else { return nil }
            t.axes = t.axes.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
            return t
        case "Split", "Slice", "Gather":
            guard var t = trace(input, depth: depth + 1), t.part == nil else { return nil }
            let rank = t.axes.count
            var axis = 0, part = 0
            if n.op == "Split" {
                guard let a = TensorIndexing.axis(n.int("axis") ?? 0, rank: rank), let i = n.outputs.firstIndex(of: v),
                      (SymbolicShape.optionalInts(n, "split") ?? [1, 1, 1]) == [1, 1, 1] else { return nil }
                (axis, part) = (a, i)
            } else if n.op == "Slice" {
                guard let s = SymbolicShape.optionalInts(n, "starts"), let e = SymbolicShape.optionalInts(n, "ends"), s.count == 1,
                      s[0] < Int.max, e == [s[0] + 1], (SymbolicShape.optionalInts(n, "steps") ?? [1]) == [1],
                      let first = (SymbolicShape.optionalInts(n, "axes") ?? [0]).first,
                      let a = TensorIndexing.axis(first, rank: rank) else { return nil }
                (axis, part) = (a, s[0])
            } else {
                guard n.inputs.count == 2, let idx = graph.initializers[n.inputs[1]], idx.count == 1, idx.rank == 0,
                      let index = idx.exactIntegers()?.first, let a = TensorIndexing.axis(n.int("axis") ?? 0, rank: rank) else { return nil }
                (axis, part) = (a, index)
            }
            guard t.axes[axis].map(\.label) == ["p"], (0..<3).contains(part) else { return nil }
            t.part = part
            if n.op == "Gather" { t.axes.remove(at: axis) } else { t.axes[axis] = [] }
            return t
        default:
            return nil
        }
    }

    /// Assigns the atoms, in order, to the axes of `shape` (size-1 atoms may vanish or appear).
    func regroup(_ axes: [[Atom]], to shape: [Dim]) -> [[Atom]]? {
        var atoms = axes.flatMap { $0 }.filter { $0.size != .fixed(1) }
        var out: [[Atom]] = []
        for d in shape {
            var group: [Atom] = []
            while let p = DimAlgebra.product(group.map(\.size)), p != d, !atoms.isEmpty {
                group.append(atoms.removeFirst())
            }
            guard DimAlgebra.product(group.map(\.size)) == d || (group.isEmpty && d == .fixed(1)) else { return nil }
            out.append(group)
        }
        return atoms.isEmpty ? out : nil
    }

    static func labels(_ axes: [[Atom]]) -> [[Character]] { axes.map { $0.map(\.label) } }
}
