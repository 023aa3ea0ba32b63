import Foundation
import Formats
import Graph
import Testing
import TestSupport
@testable import Quantize

/// The pass, the int8 runtime and int8 files on the committed digits teacher.
@Suite struct QuantizationPassTests {
    static let teacher = Fixtures.sample("digits/timm/model.safetensors")

    static func fp32() throws -> (LoadedModel, ModelGraph) {
        let l = try ModelLoader.load(teacher)
        return (l, try l.graph())
    }

    static func run(_ g: ModelGraph, _ x: Tensor) throws -> Tensor {
        try Executor(graph: g, registry: .int8, threads: 2).run([ViTGraphBuilder.inputName: x])[g.outputs[0]]!
    }

    static func batch(_ n: Int) throws -> Tensor {
        let config = try ModelLoader.load(teacher).model.config
        return try Dataset.open(Fixtures.sample("digits/test_pixels.npy"), labels: nil, config: config).batch(0..<n, config: config)
    }

    @Test func quantizesEveryLinearAndKeepsTheRestFP32() throws {
        let (_, g) = try Self.fp32()
        let r = try DynamicQuantization.apply(g)
        let linears = g.nodes.filter { $0.op == "Linear" }.count
        #expect(r.layers.count == linears && linears == 25)
        #expect(!r.graph.nodes.contains { $0.op == "Linear" })
        for op in ["PatchEmbed", "Attention"] {
            #expect(r.graph.nodes.filter { $0.op == op }.count == g.nodes.filter { $0.op == op }.count)
        }
        // norm1, norm2 and the GELU of each of 6 blocks feed only int8 Linears; the final norm feeds pooling.
        #expect(r.fused.count == 18)
        #expect(r.graph.initializers["blocks.0.attn.qkv.weight"]?.dtype == .i8)
    }

    @Test func accuracyOnTheDigitsTestSet() throws {
        let (loaded, g) = try Self.fp32()
        let r = try DynamicQuantization.apply(g)
        let data = try Dataset.open(Fixtures.sample("digits/test_pixels.npy"), labels: Fixtures.sample("digits/test_y.npy"),
                                    config: loaded.model.config)
        let e = try Evaluator.evaluate(r.graph, config: loaded.model.config, data: data, against: g, threads: 2, registry: .int8)
        #expect(e.agreement! >= 0.995)
        #expect(abs(e.top1! - e.otherTop1!) <= 0.003 + 1e-9)
        #expect(e.meanCosine! >= 0.9995)
    }

    @Test func perLayerSQNRFloor() throws {
        let (_, g) = try Self.fp32()
        let r = try DynamicQuantization.apply(g)
        let rep = try QuantizationReport.measure(fp32: g, int8: r, input: try Self.batch(16), threads: 2)
        #expect(rep.layers.count == 25)
        for l in rep.layers {
            #expect(l.weightSQNR >= 38, "\(l.node) weight SQNR \(l.weightSQNR)")
            #expect(l.outputSQNR >= 35, "\(l.node) output SQNR \(l.outputSQNR)")
        }
        #expect(rep.logitCosine >= 0.9995)
    }

    @Test func fusedAndUnfusedGiveIdenticalOutputs() throws {
        let (_, g) = try Self.fp32()
        var o = DynamicQuantization.Options()
        o.fuse = false
        let unfused = try DynamicQuantization.apply(g, options: o), fused = try DynamicQuantization.apply(g)
        #expect(unfused.fused.isEmpty)
        let x = try Self.batch(4)
        #expect(try Self.run(fused.graph, x).bitwiseEqual(try Self.run(unfused.graph, x)))
    }

    /// The executor folds each block's two residual Adds into the int8 GEMMs; logits stay bit-identical.
    @Test func residualEpilogueFusionIsExact() throws {
        let (_, g) = try Self.fp32()
        let r = try DynamicQuantization.apply(g)
        let folded = LinearEpilogueFusion.apply(r.graph, registry: .int8)
        #expect(folded.nodes.filter { $0.hasResidualEpilogue }.count == 12)
        #expect(folded.nodes.filter { $0.op == "Add" }.count == r.graph.nodes.filter { $0.op == "Add" }.count - 12)
        let x = try Self.batch(4), input = ViTGraphBuilder.inputName
        let a = try Executor(graph: r.graph, registry: .int8, threads: 2).run([input: x])[g.outputs[0]]!
        let b = try Executor(graph: r.graph, registry: .int8, threads: 2, fuseEpilogues: false).run([input: x])[g.outputs[0]]!
        #expect(a.bitwiseEqual(b))
    }

    @Test func perTensorActivationsRunUnfused() throws {
        let (_, g) = try Self.fp32()
        var o = DynamicQuantization.Options()
        o.activations = .perTensor
        let r = try DynamicQuantization.apply(g, options: o)
        #expect(r.fused.isEmpty)
        let x = try Self.batch(4)
        let (cos, _, _) = QuantizationReport.compare(try Self.run(g, x), try Self.run(r.graph, x))
        #expect(cos >= 0.999)
    }

    @Test func savedModelsReloadWithIdenticalOutputs() throws {
        let (loaded, g) = try Self.fp32()
        var o = DynamicQuantization.Options()
        o.exclude = [try ExcludePattern("head")]
        let r = try DynamicQuantization.apply(g, options: o)
        #expect(r.kept.map(\.node) == ["head"])
        let path = Fixtures.scratch() + "/m.int8.safetensors"
        let bytes = try Int8ModelFile.save(r, from: loaded, to: path)
        #expect(Int8ModelFile.isQuantized(path) && !Int8ModelFile.isQuantized(Self.teacher))
        #expect(Double(bytes) < 0.4 * Double(loaded.fileSize))
        let back = try Int8ModelFile.load(path)
        #expect(back.result.layers.count == 24)
        let x = try Self.batch(3)
        #expect(try Self.run(back.result.graph, x).bitwiseEqual(try Self.run(r.graph, x)))
        #expect(throws: QuantizeError.self) { _ = try DynamicQuantization.apply(back.result.graph) }
    }

    @Test func badInputsAreNamedErrors() throws {
        let (_, g) = try Self.fp32()
        var o = DynamicQuantization.Options()
        o.exclude = [try ExcludePattern("nothing.like.this*")]
        #expect(throws: QuantizeError.self) { _ = try DynamicQuantization.apply(g, options: o) }
        o.exclude = [try ExcludePattern("re:.*")]
        #expect(throws: QuantizeError.self) { _ = try DynamicQuantization.apply(g, options: o) }
        #expect(throws: QuantizeError.self) { _ = try ExcludePattern("re:([") }
        #expect(throws: QuantizeError.self) {
            _ = try WeightQuantizer.quantize(Tensor(zeros: .i32, shape: [2, 2]), node: "n", name: "w")
        }
        #expect(throws: QuantizeError.self) {
            _ = try WeightQuantizer.quantize(Tensor(shape: [1, 2], floats: [1, .nan]), node: "n", name: "w")
        }
    }

    @Test func quantizeDequantizeRoundTripBounds() throws {
        var rng = SeededGenerator(seed: 1)
        let w = Tensor(shape: [7, 33], floats: (0..<231).map { _ in rng.normal() })
        let q = try WeightQuantizer.quantize(w, node: "n", name: "w")
        let d = WeightQuantizer.dequantize(q.weight, scale: q.scale)
        for r in 0..<7 {
            for i in 0..<33 { #expect(abs(w.floats[r * 33 + i] - d.floats[r * 33 + i]) <= q.scale.floats[r] * 0.5001) }
        }
        let x = Tensor(shape: [5, 37], floats: (0..<185).map { _ in rng.normal() * 3 })
        let a = QuantizedRows.quantize(x.floats, rows: 5, features: 37, perTensor: false, context: ExecutionContext(threads: 1))
        let v = a.values.rawPointer.assumingMemoryBound(to: UInt8.self), zp = a.zeroPoints.rawPointer.assumingMemoryBound(to: Int32.self)
        for r in 0..<5 {
            let s = a.scales.floats[r]
            for i in 0..<37 {
                let back = Float(Int32(v[r * a.paddedK + i]) - zp[r]) * s
                #expect(abs(back - x.floats[r * 37 + i]) <= s * 0.5001 + 1e-6)
            }
            for i in 37..<a.paddedK { #expect(v[r * a.paddedK + i] == 0) }
        }
    }
}
