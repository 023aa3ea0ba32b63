import Foundation
import Graph
import SwiftProtobuf

/// An ONNX model file read into the IR, before shape folding: the graph with ONNX operators (opset
/// differences resolved), initializers as views of the memory-mapped file (or of external data
/// beside it), and the model's versions and producer.
public struct ONNXFile: Sendable {
    public let path: String
    public let irVersion: Int
    /// The default-domain opset the model imports.
    public let opset: Int
    public let producer: String
    /// The graph as exported (ONNX operators, parameters still inputs where the opset says so).
    public let graph: ModelGraph
    /// Initializer names in file order.
    public let initializerNames: [String]
    /// Size of the model file plus its external data files.
    public let fileSize: Int

    /// IR versions and default-domain opsets vitopt reads.
    public static let irVersions = 3...12
    public static let opsets = 11...23

    /// Whether `bytes` (a file's start) look like an ONNX ModelProto: field 1 (`ir_version`, varint)
    /// with a plausible value, or field 2–8 with a valid wire type.
    public static func sniff(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 2 else { return false }
        if bytes[0] == 0x08 { return bytes[1] >= 1 && bytes[1] <= 20 }
        return [0x12, 0x1A, 0x22, 0x28, 0x32, 0x3A].contains(bytes[0])
    }

    /// Opens and translates `path`.
    /// - Throws: `FormatError` naming the file and the tensor or node at fault: malformed or truncated
    ///   protobuf, an IR version or opset outside the supported ranges, an unsupported data type,
    ///   missing, short or escaping external data, and — in one message — every unsupported operator.
    public init(path: String, registry: OpRegistry = .onnx) throws {
        try self.init(file: MappedFile(path: path), registry: registry)
    }

    /// Translates `bytes`, the contents of an ONNX file called `name`, as `init(path:)` does; external
    /// data is looked up beside `name` (confined to its folder), so a name in a folder that does not
    /// exist finds none.
    public init(bytes: [UInt8], name: String, registry: OpRegistry = .onnx) throws {
        try self.init(file: MappedFile(copying: bytes, name: name), registry: registry)
    }

    /// Translates the contents of `file` (its `path` names it and locates external data).
    public init(file: MappedFile, registry: OpRegistry = .onnx) throws {
        let path = file.path
        self.path = path
        guard file.size > 0 else { throw FormatError.corrupt(path: path, detail: "empty file") }
        let stripped = try ONNXWire.stripRawData(file.bytes, path: path)
        let model: Onnx_ModelProto
        do {
            model = try Onnx_ModelProto(serializedBytes: stripped.message)
        } catch {
            throw FormatError.corrupt(path: path, detail: "not a valid ONNX ModelProto (\(error))")
        }
        irVersion = Int(model.irVersion)
        guard Self.irVersions.contains(irVersion) else {
            throw FormatError.unsupported(path: path, detail: "ONNX IR version \(irVersion); vitopt reads IR versions \(Self.irVersions.lowerBound)–\(Self.irVersions.upperBound)")
        }
        guard let defaultOpset = model.opsetImport.first(where: { $0.domain.isEmpty || $0.domain == "ai.onnx" }) else {
            throw FormatError.unsupported(path: path, detail: "the model imports no default-domain (ai.onnx) opset")
        }
        opset = Int(defaultOpset.version)
        guard Self.opsets.contains(opset) else {
            throw FormatError.unsupported(path: path, detail: "opset \(opset); vitopt reads opsets \(Self.opsets.lowerBound)–\(Self.opsets.upperBound)")
        }
        producer = [model.producerName, model.producerVersion].filter { !$0.isEmpty }.joined(separator: " ")
        let g = model.graph
        guard stripped.rawData.count == g.initializer.count else {
            throw FormatError.corrupt(path: path, detail: "initializer scan found \(stripped.rawData.count) tensors, the decoder \(g.initializer.count)")
        }
        let decoder = ONNXTensorDecoder(path: path, file: file)
        var inits: [String: Tensor] = [:]
        var names: [String] = []
        for (i, t) in g.initializer.enumerated() {
            let name = t.name.isEmpty ? "initializer_\(i)" : t.name
            inits[name] = try decoder.tensor(t, raw: stripped.rawData[i], name: name)
            names.append(name)
        }
        fileSize = file.size + decoder.externalBytes
        guard g.sparseInitializer.isEmpty else {
            throw FormatError.unsupported(path: path, detail: "sparse initializers (\(g.sparseInitializer.count)) are not supported")
        }
        // Unsupported operators: one message listing every one, before anything runs.
        var unsupported: [String: [String]] = [:]
        for (i, n) in try ONNXNodeTranslator.allNodes(g.node, path: path).enumerated() {
            let known = (n.domain.isEmpty || n.domain == "ai.onnx")
                && (registry.kernel(for: n.opType) != nil || ONNXNodeTranslator.foldedOps.contains(n.opType) || n.opType == "Dropout")
            if !known {
                let label = n.domain.isEmpty ? n.opType : "\(n.domain).\(n.opType)"
                unsupported[label, default: []].append(n.name.isEmpty ? "#\(i)" : n.name)
            }
        }
        if !unsupported.isEmpty {
            let list = unsupported.keys.sorted().map { op in
                let nodes = unsupported[op]!
                return "\(op) (\(nodes.count) node\(nodes.count == 1 ? "" : "s"): \(nodes.prefix(4).joined(separator: ", "))\(nodes.count > 4 ? ", …" : ""))"
            }
            throw FormatError.unsupported(path: path, detail: "unsupported ONNX operators: \(list.joined(separator: "; "))")
        }
        let translator = ONNXNodeTranslator(path: path, opset: opset, decoder: decoder)
        var nodes: [Node] = []
        for (i, n) in g.node.enumerated() {
            if n.opType == "If" { nodes += try translator.inlineIf(n, index: i, constants: &inits); continue }
            if let node = try translator.translate(n, index: i, constants: &inits) { nodes.append(node) }
        }
        var inputs: [ValueInfo] = []
        for v in g.input where inits[v.name] == nil {
            inputs.append(try Self.valueInfo(v, path: path))
        }
        graph = ModelGraph(name: (path as NSString).lastPathComponent, inputs: inputs, outputs: g.output.map(\.name), nodes: nodes,
                           initializers: inits, metadata: Dictionary(model.metadataProps.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a }))
        initializerNames = names
    }

    /// Marks a dynamic non-batch input dimension, until the importer fixes it.
    static let dynamicPrefix = "dynamic-axis-"

    /// A graph input's dtype and shape; a dynamic leading axis is the batch `N`.
    static func valueInfo(_ v: Onnx_ValueInfoProto, path: String) throws -> ValueInfo {
        guard case .tensorType(let tt)? = v.type.value else {
            throw FormatError.unsupported(path: path, detail: "graph input '\(v.name)' is not a tensor")
        }
        guard let dtype = ONNXTensorDecoder.dtype(tt.elemType) else {
            throw FormatError.unsupported(path: path, detail: "graph input '\(v.name)' has unsupported element type \(tt.elemType)")
        }
        let dims: [Dim] = tt.shape.dim.enumerated().map { i, d in
            if case .dimValue(let n)? = d.value, n > 0 { return .fixed(Int(n)) }
            // Axis 0 is the batch; other dynamic axes (Optimum's height/width) are fixed by the importer.
            return i == 0 ? .batch : .symbol("\(ONNXFile.dynamicPrefix)\(i):\(d.dimParam)")
        }
        return ValueInfo(name: v.name, dtype: dtype, shape: dims)
    }
}
