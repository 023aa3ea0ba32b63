import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Graph
@testable import Quantize

/// Dynamic int8 on the Swin fixtures: every Linear (qkv, proj, MLP, patch-merging reduction, head)
/// quantized, the first output's mean cosine against fp32 at least 0.999.
@Suite struct SwinInt8Tests {
    @Test(arguments: ["timm", "hf-model"])
    func int8StaysCloseToFP32(_ fixture: String) throws {
        let loaded = try ModelLoader.load(Fixtures.sample("swin/\(fixture)"))
        let x = try Fixtures.npy("swin/input.npy")
        let fp32 = try loaded.graph()
        let result = try DynamicQuantization.apply(fp32)
        let linears = fp32.nodes.filter { $0.op == OpKind.linear }.count
        #expect(result.layers.count == linears, "\(result.layers.count) of \(linears) Linear layers quantized")
        let want = try Executor(graph: fp32, threads: 2).run([fp32.inputs[0].name: x])[fp32.outputs[0]]!
        let got = try Executor(graph: result.graph, registry: .int8, threads: 2).run([fp32.inputs[0].name: x])[fp32.outputs[0]]!
        let c = QuantizationReport.compare(got, want)
        #expect(c.mean >= 0.999, "\(fixture): int8 cosine mean \(c.mean), min \(c.min)")
    }

    /// `vitopt quantize swin out.onnx`: the int8 graph as ONNX (MatMulInteger chains), re-imported
    /// as a graph (not as a Swin: its fp32 weights are not all there) and run by vitopt.
    @Test func int8ONNXFileRunsBack() throws {
        let loaded = try ModelLoader.load(Fixtures.sample("swin/timm"))
        let x = try Fixtures.npy("swin/input.npy")
        let fp32 = try loaded.graph()
        var options = DynamicQuantization.Options()
        options.fuse = false
        let result = try DynamicQuantization.apply(fp32, options: options)
        let path = Fixtures.scratch("swin-int8") + "/model.onnx"
        try Int8ONNXFile.save(result, from: loaded, to: path)
        let back = try ModelLoader.load(path)
        #expect(back.swin == nil && back.importedGraph != nil)
        let g = try back.graph()
        let got = try Executor(graph: g, registry: .int8, threads: 2).run([g.inputs[0].name: x])[g.outputs[0]]!
        let want = try Executor(graph: fp32, threads: 2).run([fp32.inputs[0].name: x])[fp32.outputs[0]]!
        #expect(QuantizationReport.compare(got, want).mean >= 0.999)
    }
}
