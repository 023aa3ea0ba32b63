extension ModelGraph {
    /// A readable listing: inputs, every node in execution order with its input and output shapes
    /// and attributes, outputs, and a summary of the initializers.
    public func dump(registry: OpRegistry = .standard) throws -> String {
        let infos = try inferShapes(registry: registry)
        func describe(_ name: String) -> String {
            guard let info = infos[name] else { return name }
            let kind = initializers[name] != nil ? "w:" : ""
            return "\(kind)\(name)\(info.shape.shapeDescription)"
        }
        var lines: [String] = ["graph \(name)"]
        for input in inputs { lines.append("  input  \(input.name): \(input.dtype.rawValue)\(input.shape.shapeDescription)") }
        for node in try topologicalOrder() {
            let attrs = node.attributes.keys.sorted().map { "\($0)=\(node.attributes[$0]!)" }.joined(separator: " ")
            let outs = node.outputs.map(describe).joined(separator: ", ")
            let ins = node.inputs.map(describe).joined(separator: ", ")
            lines.append("  \(node.name) = \(node.op)(\(ins))\(attrs.isEmpty ? "" : " {\(attrs)}") -> \(outs)")
        }
        for out in outputs { lines.append("  output \(describe(out))") }
        lines.append("  \(initializers.count) initializers, \(parameterCount) parameters")
        return lines.joined(separator: "\n")
    }
}
