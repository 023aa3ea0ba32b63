import Foundation
import Testing
@testable import Formats
import Graph
import TestSupport

/// Bad ONNX files: each a `FormatError` naming the file (and tensor or node), never a crash.
@Suite("ONNX malformed files")
struct ONNXMalformedTests {
    /// An export with its weights inline (raw_data), so edited copies stand alone.
    let model = Fixtures.sample("hf-vit/onnx/model.onnx")

    func message(_ body: () throws -> Void) -> String {
        do { try body(); return "" } catch { return "\(error)" }
    }

    /// Cuts from the first bytes to just short of the end (the file has 174,682 bytes).
    @Test("truncated files are refused at every cut", arguments: [1, 7, 100, 5000, 90_000, 174_000])
    func truncated(_ keep: Int) throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: model))
        #expect(keep < bytes.count, "cut \(keep) is not inside the \(bytes.count)-byte file")
        let path = Fixtures.scratch("onnx-trunc") + "/model.onnx"
        try bytes.prefix(keep).write(to: URL(fileURLWithPath: path))
        let m = message { _ = try ONNXImporter.load(path) }
        #expect(m.contains(path), "\(m)")
        #expect(m.contains("truncated") || m.contains("corrupt") || m.contains("not a valid"), "\(m)")
    }

    @Test("garbage bytes are refused")
    func garbage() throws {
        let path = Fixtures.scratch("onnx-garbage") + "/model.onnx"
        try Data([0x08, 0x07, 0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x01]).write(to: URL(fileURLWithPath: path))
        #expect(message { _ = try ONNXImporter.load(path) }.contains("truncated or malformed protobuf"))
    }

    func dynamoCopy(data: Data?) throws -> String {
        let dir = Fixtures.scratch("onnx-ext")
        try FileManager.default.copyItem(atPath: Fixtures.sample("digits/onnx/dynamo.onnx"), toPath: dir + "/dynamo.onnx")
        if let d = data { try d.write(to: URL(fileURLWithPath: dir + "/weights.data")) }
        return dir + "/dynamo.onnx"
    }

    @Test("external data missing, short, or escaping the model's directory")
    func externalData() throws {
        let missing = try dynamoCopy(data: nil)
        let m1 = message { _ = try ONNXImporter.load(missing) }
        #expect(m1.contains("weights.data") && m1.contains("not found"), "\(m1)")
        let full = try Data(contentsOf: URL(fileURLWithPath: Fixtures.sample("digits/onnx/weights.data")))
        let short = try dynamoCopy(data: full.prefix(full.count - 100))
        let m2 = message { _ = try ONNXImporter.load(short) }
        #expect(m2.contains("short or truncated") && m2.contains("tensor '"), "\(m2)")
        // Same-length rewrite of the location string: "weights.data" → "../../etc/pa".
        var bytes = try Data(contentsOf: URL(fileURLWithPath: missing))
        let from = Data("weights.data".utf8), to = Data("../../etc/pa".utf8)
        while let r = bytes.range(of: from) { bytes.replaceSubrange(r, with: to) }
        try bytes.write(to: URL(fileURLWithPath: missing))
        let m3 = message { _ = try ONNXImporter.load(missing) }
        #expect(m3.contains("escapes the model's directory"), "\(m3)")
    }

    func rewritten(_ edit: (inout Onnx_ModelProto) -> Void) throws -> String {
        var m = try Onnx_ModelProto(serializedBytes: try Data(contentsOf: URL(fileURLWithPath: model)))
        edit(&m)
        let path = Fixtures.scratch("onnx-edit") + "/model.onnx"
        try Data(try m.serializedBytes() as [UInt8]).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("unknown IR version and opset are refused by name")
    func versions() throws {
        let ir = try rewritten { $0.irVersion = 99 }
        #expect(message { _ = try ONNXImporter.load(ir) }.contains("IR version 99"))
        let opset = try rewritten { $0.opsetImport[0].version = 99 }
        #expect(message { _ = try ONNXImporter.load(opset) }.contains("opset 99"))
    }

    @Test("every unsupported operator is listed in one message, with node names, before anything runs")
    func unsupportedOps() throws {
        let path = try rewritten { m in
            m.graph.node[3].opType = "FancyNorm"
            m.graph.node[40].opType = "FancyNorm"
            m.graph.node[60].opType = "Einsum"
            m.graph.node[61].domain = "com.microsoft"
        }
        let m = message { _ = try ONNXImporter.load(path) }
        #expect(m.contains("unsupported ONNX operators") && m.contains("FancyNorm (2 nodes") && m.contains("Einsum (1 node")
                && m.contains("com.microsoft."), "\(m)")
    }

    @Test("a shape that depends on the image and does not fold is a clear error naming the node")
    func unfoldable() throws {
        // Feed a Reshape's target shape from the image itself.
        let path = try rewritten { m in
            let i = m.graph.node.firstIndex { $0.opType == "Reshape" }!
            m.graph.node[i].input[1] = "pixel_values"
        }
        let m = message { _ = try ONNXImporter.load(path) }
        #expect(m.contains("does not fold") && m.contains("Reshape"), "\(m)")
    }

    @Test("tensor payloads of the wrong size name the tensor")
    func wrongSize() throws {
        let path = try rewritten { m in m.graph.initializer[0].dims = [1, 1, 23] }
        let m = message { _ = try ONNXImporter.load(path) }
        #expect(m.contains("tensor 'm.vit.embeddings.cls_token'") && m.contains("raw_data has 96 bytes"), "\(m)")
    }
}
