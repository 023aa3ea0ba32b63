import Foundation
import Formats
import Graph
import Testing
import TestSupport
@testable import Quantize

/// The int8 route end to end on real exports and checkpoints: quantize, write `.int8.onnx` or int8
/// `.safetensors`, read the file back as `vitopt run` does, and compare the logits with fp32.
///
/// Regressions: torch.onnx initializers are unaligned views, and the quantizer took a pointer into
/// the converted copy `asF32()` freed (garbage scales, cosine 0.86 … −0.52); DeiT's head average
/// `Add(head, head_dist)` was folded into both GEMMs' epilogues ("value produced more than once");
/// an int8 safetensors file made from ONNX carried the ONNX initializer names and did not load.
@Suite struct Int8RouteTests {
    struct Case: CustomStringConvertible, Sendable {
        let model: String
        let input: String
        var description: String { model }
    }

    static let cases = [
        Case(model: "digits/onnx/torchscript.onnx", input: "digits/onnx_input.npy"),
        Case(model: "digits/onnx/dynamo.onnx", input: "digits/onnx_input.npy"),
        Case(model: "hf-vit/onnx/model.onnx", input: "inputs/batch224.npy"),
        Case(model: "deit-distilled/model.safetensors", input: "inputs/batch224.npy"),
        Case(model: "timm-variants/model.safetensors", input: "timm-variants/input.npy"),
    ]

    /// Per-token int8 against fp32 on these models: the smallest row cosine allowed.
    static let minCosine = 0.999

    static func run(_ g: ModelGraph, _ x: Tensor) throws -> Tensor {
        try #require(try Executor(graph: g, registry: .int8, threads: 2).run([g.inputs[0].name: x])[g.outputs[0]])
    }

    static func fp32(_ c: Case) throws -> (LoadedModel, Tensor, Tensor) {
        let loaded = try ModelLoader.load(Fixtures.sample(c.model))
        let x = try Fixtures.npy(c.input)
        return (loaded, x, try run(try loaded.graph(), x))
    }

    @Test("int8 .onnx: written, re-imported, runs at fp32's logits", arguments: cases)
    func int8ONNX(_ c: Case) throws {
        let (loaded, x, reference) = try Self.fp32(c)
        var options = DynamicQuantization.Options()
        options.fuse = false
        let result = try DynamicQuantization.apply(try loaded.graph(), options: options)
        #expect(!result.layers.isEmpty)
        let inMemory = Tolerance.minRowCosine(try Self.run(result.graph, x), reference)
        #expect(inMemory >= Self.minCosine, "int8 graph before export: cosine \(inMemory)")
        let path = Fixtures.scratch("int8-route") + "/model.int8.onnx"
        try Int8ONNXFile.save(result, from: loaded, to: path)
        var g = try ModelLoader.load(path).graph()
        #expect(Int8ONNXPatterns.applies(to: g))
        let patterns = Int8ONNXPatterns.apply(g)
        #expect(patterns.kept.isEmpty, "\(patterns.kept)")
        g = patterns.graph
        let cosine = Tolerance.minRowCosine(try Self.run(g, x), reference)
        #expect(cosine >= Self.minCosine, "re-imported int8 ONNX: cosine \(cosine)")
    }

    @Test("int8 .safetensors: written under checkpoint names, reloaded, runs at fp32's logits", arguments: cases)
    func int8Safetensors(_ c: Case) throws {
        let (file, x, reference) = try Self.fp32(c)
        let loaded = try Int8ModelFile.source(for: file)
        let result = try DynamicQuantization.apply(try loaded.graph())
        let path = Fixtures.scratch("int8-route") + "/model.int8.safetensors"
        try Int8ModelFile.save(result, from: loaded, to: path)
        let back = try Int8ModelFile.load(path)
        #expect(back.result.layers.count == result.layers.count)
        let cosine = Tolerance.minRowCosine(try Self.run(back.result.graph, x), reference)
        #expect(cosine >= Self.minCosine, "reloaded int8 safetensors: cosine \(cosine)")
    }

    @Test("an ONNX graph that is not a ViT is refused for int8 safetensors, by name")
    func unrecognisedGraphHasNoCheckpointNames() throws {
        let loaded = try ModelLoader.load(Fixtures.sample("onnx-ops/" + (try Self.firstONNX(in: "onnx-ops"))))
        try #require(!loaded.recognized)
        #expect(throws: QuantizeError.self) { try Int8ModelFile.source(for: loaded) }
    }

    static func firstONNX(in folder: String) throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: Fixtures.sample(folder)).filter { $0.hasSuffix(".onnx") }.sorted()
        return try #require(names.first)
    }
}
