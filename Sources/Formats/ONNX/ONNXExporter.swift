import Foundation
import Graph

/// Writes a graph in vitopt's standard vocabulary (as `ViTGraphBuilder` builds it) as an ONNX model
/// that ONNX Runtime runs to vitopt's outputs within 1e-4.
///
/// The input is `pixel_values [batch, C, H, W]` with a dynamic batch axis; outputs keep their names
/// (`logits`). Parameters keep their names and layouts as initializers (a Linear weight stays
/// `[out, in]`, read through a `Transpose` node that runtimes fold), so a model converted to ONNX
/// and back is bit-identical. Tensors go into `<file>.data` beside the model (`data_location =
/// EXTERNAL`) when asked or when they exceed protobuf's 2 GB limit; tensors under 1 kB (shapes,
/// scalars) stay inline, since runtimes read Reshape shapes during shape inference.
public enum ONNXExporter {
    public static let defaultOpset = 17
    public static let opsets = 13...23

    public struct Summary: Sendable {
        public var tensors = 0
        public var bytes = 0
        public var externalDataPath: String?
    }

    /// - Throws: `FormatError.unsupported` for an opset outside 13–23 or an op without an ONNX
    ///   translation, `FormatError.io` when writing fails (no partial output is left).
    @discardableResult
    public static func write(_ graph: ModelGraph, to path: String, opset: Int = defaultOpset, externalData: Bool? = nil,
                             registry: OpRegistry = .onnx) throws -> Summary {
        guard opsets.contains(opset) else {
            throw FormatError.unsupported(path: path, detail: "opset \(opset); vitopt exports opsets \(opsets.lowerBound)–\(opsets.upperBound)")
        }
        let infos = try graph.inferShapes(registry: registry)
        var b = ONNXGraphBuilder()
        let emitter = ONNXNodeEmitter(opset: opset, infos: infos, path: path)
        for node in try graph.topologicalOrder() { try emitter.emit(node, into: &b) }
        var g = Onnx_GraphProto()
        g.name = graph.name
        g.node = b.nodes
        g.input = try graph.inputs.map { try valueInfo($0.name, $0.dtype, $0.shape, path: path) }
        g.output = try graph.outputs.map { name in try valueInfo(name, .f32, infos[name]?.shape ?? [], path: path) }
        let tensors: [(String, Tensor)] = graph.initializers.keys.sorted().map { ($0, graph.initializers[$0]!) } + b.constants
        let total = tensors.reduce(0) { $0 + $1.1.byteCount }
        let external = externalData ?? (total > 2_000_000_000 - 64 * 1024 * 1024)
        let dataName = (path as NSString).lastPathComponent + ".data"
        let dataPath = (path as NSString).deletingLastPathComponent.isEmpty ? dataName : (path as NSString).deletingLastPathComponent + "/" + dataName
        let dataWriter = external ? try AtomicFileWriter(path: dataPath) : nil
        for (name, t) in tensors {
            var p = Onnx_TensorProto()
            p.name = name
            p.dims = t.shape.map { Int64($0) }
            p.dataType = ONNXTensorDecoder.code(t.dtype)
            if let w = dataWriter, t.byteCount >= 1024 {
                let pad = (64 - w.bytesWritten % 64) % 64
                if pad > 0 { try w.write([UInt8](repeating: 0, count: pad)) }
                let offset = w.bytesWritten
                try t.withUnsafeBytes { try w.write($0) }
                p.dataLocation = .external
                p.externalData = [("location", dataName), ("offset", String(offset)), ("length", String(t.byteCount))].map {
                    var e = Onnx_StringStringEntryProto(); e.key = $0.0; e.value = $0.1; return e
                }
            } else {
                p.rawData = t.withUnsafeBytes { Data($0) }
            }
            g.initializer.append(p)
            WriteProgress.tensorWritten(bytes: t.byteCount)
        }
        var m = Onnx_ModelProto()
        m.irVersion = Int64(irVersion(for: opset))
        m.producerName = "vitopt"
        m.graph = g
        var op = Onnx_OperatorSetIdProto()
        op.domain = ""
        op.version = Int64(opset)
        m.opsetImport = [op]
        m.metadataProps = graph.metadata.keys.sorted().map { var e = Onnx_StringStringEntryProto(); e.key = $0; e.value = graph.metadata[$0]!; return e }
        let bytes: [UInt8] = try m.serializedBytes()
        let writer = try AtomicFileWriter(path: path)
        try writer.write(bytes)
        // One commit (AtomicFileSet): the data lands before the model that points into it.
        try AtomicFileSet.committing {
            try dataWriter?.commit()
            try writer.commit()
        }
        return Summary(tensors: tensors.count, bytes: bytes.count + (dataWriter?.bytesWritten ?? 0), externalDataPath: external ? dataPath : nil)
    }

    /// The IR version ONNX pairs with each opset (the checker requires at least this).
    static func irVersion(for opset: Int) -> Int {
        switch opset {
        case ..<15: return 7
        case 15...18: return 8
        case 19...20: return 9
        case 21...22: return 10
        default: return 11
        }
    }

    static func valueInfo(_ name: String, _ dtype: DType, _ shape: [Dim], path: String) throws -> Onnx_ValueInfoProto {
        var v = Onnx_ValueInfoProto()
        v.name = name
        var tt = Onnx_TypeProto.Tensor()
        tt.elemType = ONNXTensorDecoder.code(dtype)
        var s = Onnx_TensorShapeProto()
        s.dim = shape.map { d in
            var dim = Onnx_TensorShapeProto.Dimension()
            switch d {
            case .fixed(let n): dim.dimValue = Int64(n)
            case .symbol: dim.dimParam = "batch"
            }
            return dim
        }
        tt.shape = s
        var t = Onnx_TypeProto()
        t.tensorType = tt
        v.type = t
        return v
    }
}
