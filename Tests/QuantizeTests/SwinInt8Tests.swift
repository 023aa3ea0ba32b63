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
}
