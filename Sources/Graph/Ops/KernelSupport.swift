/// Checks shared by the kernels' shape inference.
enum KernelCheck {
    /// Throws unless `count` inputs fall in `range`.
    static func arity(_ node: Node, _ count: Int, _ range: ClosedRange<Int>) throws {
        guard range.contains(count) else {
            let expected = range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound)–\(range.upperBound)"
            throw GraphError.arity(node: node.name, op: node.op, expected: expected, got: count)
        }
    }

    /// Throws unless `info` has rank `rank`.
    static func rank(_ node: Node, _ info: ValueInfo, _ rank: Int) throws {
        guard info.shape.count == rank else {
            throw GraphError.shapeMismatch(node: node.name, detail: "'\(info.name)' must have rank \(rank), has shape \(info.shape.shapeDescription)")
        }
    }

    /// The fixed size of dimension `axis` (negative counts from the end).
    static func fixed(_ node: Node, _ info: ValueInfo, axis: Int) throws -> Int {
        let a = axis < 0 ? info.shape.count + axis : axis
        guard a >= 0, a < info.shape.count, let v = info.shape[a].value else {
            throw GraphError.shapeMismatch(node: node.name, detail: "'\(info.name)' needs a fixed dimension \(axis), has \(info.shape.shapeDescription)")
        }
        return v
    }

    /// `a · b · …` of dimensions from shape inference, or a shape mismatch naming `node` when a
    /// factor is negative or the product overflows.
    static func product(_ node: Node, _ factors: [Int], _ what: @autoclosure () -> String) throws -> Int {
        guard let n = Tensor.elementCount(factors) else {
            throw GraphError.shapeMismatch(node: node.name, detail: "\(what()) \(factors.map(String.init).joined(separator: "·")) is not a representable size")
        }
        return n
    }

    /// Throws unless every input is floating point (the executor hands such values to kernels as
    /// aligned F32; an integer value would reach a kernel that reads floats).
    static func floats(_ node: Node, _ inputs: [ValueInfo]) throws {
        if let bad = inputs.first(where: { !$0.dtype.isFloatingPoint }) {
            throw GraphError.shapeMismatch(node: node.name, detail: "'\(bad.name)' must be a float tensor, is \(bad.dtype.rawValue)")
        }
    }

    /// Throws a shape mismatch unless `condition` holds.
    static func require(_ condition: Bool, _ node: Node, _ detail: @autoclosure () -> String) throws {
        if !condition { throw GraphError.shapeMismatch(node: node.name, detail: detail()) }
    }
}
