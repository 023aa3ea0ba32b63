import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Graph
@testable import Quantize

/// Dynamic int8 on every supported family fixture (CLIP, SigLIP, DINOv2, plain ViTs): every
/// Linear quantized, and the first output's cosine against fp32 on the fixture's input at least
/// 0.999 on average over the batch (the widths are 16, int8's hardest case).
@Suite struct FamilyInt8Tests {
    static let minMeanCosine = 0.999
    static let refused: Set<String> = ["rope/hf-dinov3", "rope/timm-dinov3", "rope/timm-eva02"]

    @Test(arguments: FamilyFixture.all.filter { !refused.contains($0.path) })
    func int8StaysCloseToFP32(_ f: FamilyFixture) throws {
        let loaded = try ModelLoader.load(f.file(f.weights))
        let x = try NpyArray.read(path: f.file(f.input))
        let fp32 = try loaded.graph()
        let result = try DynamicQuantization.apply(fp32)
        let linears = fp32.nodes.filter { $0.op == OpKind.linear }.count
        #expect(result.layers.count == linears, "\(f): \(result.layers.count) of \(linears) Linear layers quantized")
        let want = try Executor(graph: fp32, threads: 2).run([fp32.inputs[0].name: x])[fp32.outputs[0]]!
        let got = try Executor(graph: result.graph, registry: .int8, threads: 2).run([fp32.inputs[0].name: x])[fp32.outputs[0]]!
        let c = QuantizationReport.compare(got, want)
        #expect(c.mean >= Self.minMeanCosine, "\(f): int8 cosine mean \(c.mean), min \(c.min)")
    }
}
