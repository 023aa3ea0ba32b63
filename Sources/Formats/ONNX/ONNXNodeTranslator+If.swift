import Foundation
import Graph

extension ONNXNodeTranslator {
    /// Deepest nesting of `If` subgraphs read (exports nest one or two).
    static let maxSubgraphDepth = 8

    /// Every node of `nodes` and of the subgraphs in their graph attributes (`If` branches), for the
    /// check that each operator is supported.
    /// - Throws: `FormatError.unsupported` when subgraphs nest deeper than `maxSubgraphDepth`.
    static func allNodes(_ nodes: [Onnx_NodeProto], path: String, depth: Int = 0) throws -> [Onnx_NodeProto] {
        guard depth <= maxSubgraphDepth else {
            throw FormatError.unsupported(path: path, detail: "subgraphs nest deeper than \(maxSubgraphDepth) levels")
        }
        var all: [Onnx_NodeProto] = []
        for n in nodes {
            all.append(n)
            for a in n.attribute where a.type == .graph || a.hasG {
                all += try allNodes(a.g.node, path: path, depth: depth + 1)
            }
        }
        return all
    }

    /// `If(cond) {then_branch, else_branch}` inlined: each branch's nodes with their own values renamed
    /// into `<node>/then/` or `<node>/else/` (references to outer values kept), tagged with
    /// `IfBranch`, followed by the `If` node taking `[cond, then outputs…, else outputs…]`. Branch
    /// initializers and `Constant` nodes become initializers under their renamed names.
    /// - Throws: `FormatError` naming the node when a branch is missing, has inputs, or has another
    ///   output count than the node.
    func inlineIf(_ n: Onnx_NodeProto, index: Int, constants: inout [String: Tensor], depth: Int = 0) throws -> [Node] {
        let name = n.name.isEmpty ? "If_\(index)" : n.name
        func invalid(_ detail: String) -> FormatError { .corrupt(path: path, detail: "node '\(name)' (If): \(detail)") }
        guard depth < Self.maxSubgraphDepth else {
            throw FormatError.unsupported(path: path, detail: "node '\(name)' (If): subgraphs nest deeper than \(Self.maxSubgraphDepth) levels")
        }
        guard n.input.count == 1, !n.input[0].isEmpty, !n.output.isEmpty, !n.output.contains(where: \.isEmpty) else {
            throw invalid("needs one condition input and named outputs, has \(n.input.count) inputs and outputs \(n.output)")
        }
        var nodes: [Node] = []
        var branchOutputs: [[String]] = []
        for (key, then) in [("then_branch", true), ("else_branch", false)] {
            guard let g = n.attribute.first(where: { $0.name == key && ($0.type == .graph || $0.hasG) })?.g else {
                throw invalid("missing attribute '\(key)'")
            }
            guard g.input.isEmpty else { throw invalid("\(key) declares inputs") }
            guard g.output.count == n.output.count else {
                throw invalid("\(key) has \(g.output.count) outputs, the node \(n.output.count)")
            }
            let prefix = "\(name)/\(then ? "then" : "else")/"
            let own = Set(g.node.flatMap(\.output) + g.initializer.map(\.name)).subtracting([""])
            func rename(_ v: String) -> String { own.contains(v) ? prefix + v : v }
            for (i, t) in g.initializer.enumerated() {
                constants[prefix + t.name] = try decoder.tensor(t, raw: nil, name: "\(name).\(key).initializer_\(i)")
            }
            for (j, bn) in g.node.enumerated() {
                var local: [String: Tensor] = [:]
                let translated: [Node]
                if bn.opType == "If" {
                    translated = try inlineIf(bn, index: j, constants: &local, depth: depth + 1)
                } else {
                    translated = try translate(bn, index: j, constants: &local).map { [$0] } ?? []
                }
                for (k, v) in local { constants[rename(k)] = v }
                for var t in translated {
                    t.name = prefix + t.name
                    t.inputs = t.inputs.map { $0.isEmpty ? $0 : rename($0) }
                    t.outputs = t.outputs.map { $0.isEmpty ? $0 : rename($0) }
                    if case .string(let inner)? = t.attributes[IfBranch.ifAttribute] { t.attributes[IfBranch.ifAttribute] = .string(prefix + inner) }
                    nodes.append(IfBranch.tagged(t, ifNode: name, then: then))
                }
            }
            branchOutputs.append(g.output.map { rename($0.name) })
        }
        nodes.append(Node(name: name, op: "If", inputs: [n.input[0]] + branchOutputs[0] + branchOutputs[1], outputs: n.output))
        return nodes
    }
}
