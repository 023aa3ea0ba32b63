/// Symbolic shape helpers for the ONNX kernels' shape inference.
enum SymbolicShape {
    /// NumPy broadcasting of two symbolic shapes.
    static func broadcast(_ a: [Dim], _ b: [Dim], node: Node) throws -> [Dim] {
        let rank = max(a.count, b.count)
        let pa = [Dim](repeating: .fixed(1), count: rank - a.count) + a
        let pb = [Dim](repeating: .fixed(1), count: rank - b.count) + b
        return try zip(pa, pb).map { x, y in
            if x == y { return x }
            if x == .fixed(1) { return y }
            if y == .fixed(1) { return x }
            throw GraphError.shapeMismatch(node: node.name, detail: "cannot broadcast \(a.shapeDescription) with \(b.shapeDescription)")
        }
    }

    /// An attribute list of ints, or a missing-attribute error.
    static func ints(_ node: Node, _ key: String) throws -> [Int] {
        if case .ints(let v)? = node.attributes[key] { return v }
        if case .int(let v)? = node.attributes[key] { return [v] }
        throw GraphError.missingAttribute(node: node.name, name: key)
    }

    /// An optional attribute list of ints.
    static func optionalInts(_ node: Node, _ key: String) -> [Int]? {
        if case .ints(let v)? = node.attributes[key] { return v }
        if case .int(let v)? = node.attributes[key] { return [v] }
        return nil
    }

    /// Normalised axis or a shape error naming the node.
    static func axis(_ node: Node, _ a: Int, rank: Int) throws -> Int {
        guard let v = TensorIndexing.axis(a, rank: rank) else {
            throw GraphError.shapeMismatch(node: node.name, detail: "axis \(a) is out of range for rank \(rank)")
        }
        return v
    }

    /// Concrete dims (symbols bound from `tensor`) — at run time every dim is known.
    static func fixedAll(_ node: Node, _ info: ValueInfo) throws -> [Int] {
        try info.shape.enumerated().map { i, d in
            guard let v = d.value else {
                throw GraphError.shapeMismatch(node: node.name, detail: "'\(info.name)' dimension \(i) must be fixed, is \(d)")
            }
            return v
        }
    }
}
