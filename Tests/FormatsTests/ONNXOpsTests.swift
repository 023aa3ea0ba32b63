import Foundation
import Testing
import Formats
import Graph
import TestSupport

/// Each ONNX operator against ONNX Runtime, with non-default attributes, negative indices and
/// steps, broadcasting, and the opset-11 forms (Softmax coerced to 2-D, attribute axes/splits).
@Suite("ONNX operators against ONNX Runtime")
struct ONNXOpsTests {
    @Test("every output of the operator graphs matches ONNX Runtime", arguments: ["ops17.onnx", "ops11.onnx"])
    func operators(_ file: String) throws {
        let imported = try ONNXImporter.load(Fixtures.sample("onnx-ops/" + file))
        let x = try Fixtures.npy("onnx-ops/x.npy")
        let out = try Executor(graph: imported.graph, registry: .onnx, threads: 2).run(["pixel_values": x])
        #expect(imported.graph.outputs.count >= 5)
        for name in imported.graph.outputs {
            let want = try Fixtures.npy("onnx-ops/\(name).npy")
            guard let got = out[name] else { Issue.record("no output \(name)"); continue }
            #expect(got.shape == want.shape, "\(name): shape \(got.shape) vs ONNX Runtime's \(want.shape)")
            #expect(Tolerance.close(got, want, relative: 1e-5), "\(name): max abs diff \(Tolerance.maxAbsDiff(got, want))")
        }
    }
}
