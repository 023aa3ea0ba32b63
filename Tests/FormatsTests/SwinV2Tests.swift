import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Graph

/// Swin Transformer v2 against the libraries' own outputs on `samples/swinv2/` (`samples/gen_swin.py`,
/// `gen_swinv2`): timm `SwinTransformerV2`, the same weights as transformers `Swinv2ForImageClassification`,
/// and a transformers `Swinv2Model` (both stages shifted, pretrained windows 3).
@Suite struct SwinV2Tests {
    static let root = Fixtures.sample("swinv2")
    static func file(_ relative: String) -> String { root + "/" + relative }

    static func run(_ model: SwinDescription, _ input: String) throws -> [String: Tensor] {
        let g = try SwinGraphBuilder.build(model)
        let x = try NpyArray.read(path: file(input))
        return try Executor(graph: g, threads: 2).run([g.inputs[0].name: x])
    }

    static func resizeRecord(_ key: String) throws -> [String: Any] {
        let index = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file("index.json")))) as? [String: Any]
        let timm = (index?["fixtures"] as? [[String: Any]])?.first { $0["path"] as? String == "timm" }
        return try #require((timm?["resize"] as? [String: Any])?[key] as? [String: Any])
    }

    @Test(arguments: [
        ("timm", "logits"), ("hf", "logits"), ("hf-model", "last_hidden_state"), ("hf-model", "pooler_output"),
    ])
    func matchesTheLibrary(_ fixture: String, _ output: String) throws {
        let loaded = try ModelLoader.load(Self.file(fixture))
        let swin = try #require(loaded.swin)
        #expect(swin.config.isV2)
        let got = try #require(try Self.run(swin, "input.npy")[output], "\(fixture) has no output \(output)")
        let want = try NpyArray.read(path: Self.file("\(fixture)/\(output).npy"))
        #expect(got.shape == want.shape)
        let diff = Tolerance.maxAbsDiff(got, want), scale = Tolerance.maxAbs(want)
        #expect(diff <= 1e-5 * scale, "\(fixture) \(output): max diff \(diff), scale \(scale), ratio \(diff / scale)")
    }

    @Test func configComesFromEachLibrarysFiles() throws {
        let timm = try #require(try ModelLoader.load(Self.file("timm")).swin)
        #expect(timm.config.windowSize == 4 && timm.config.numHeads == [2, 4] && timm.config.pretrainedWindowSizes == nil)
        let hf = try #require(try ModelLoader.load(Self.file("hf")).swin)
        #expect(Set(timm.tensors.keys) == Set(hf.tensors.keys))
        for (name, t) in timm.tensors { #expect(hf.tensors[name]?.bitwiseEqual(t) == true, "\(name) differs") }
        let backbone = try #require(try ModelLoader.load(Self.file("hf-model")).swin)
        #expect(backbone.config.pretrainedWindowSizes == [3, 3] && backbone.config.windowSize == 2)
        // the key third of the packed qkv bias is the zero neither library stores
        let bias = try #require(timm.tensors["layers.0.blocks.0.attn.qkv.bias"]).floatArray()
        #expect(bias[16..<32].allSatisfy { $0 == 0 } && bias[0..<16].contains { $0 != 0 })
    }

    @Test(arguments: [("timm", NamingConvention.hf, "hf"), ("hf", .timm, "timm")])
    func convertsToTheOtherLibrarysNamesBitExact(_ source: String, _ convention: NamingConvention, _ golden: String) throws {
        let loaded = try ModelLoader.load(Self.file(source))
        let dir = Fixtures.scratch("swinv2-convert-\(source)")
        let out = dir + "/model.safetensors"
        _ = try SwinSaver.save(try #require(loaded.swin), to: out, naming: convention, format: .safetensors,
                               writeConfigJSON: true, inputs: OutputGuard())
        let got = try SafetensorsFile(path: out).tensors
        let want = try SafetensorsFile(path: Self.file("\(golden)/model.safetensors")).tensors
        #expect(Set(got.keys) == Set(want.keys), "only in vitopt's: \(Set(got.keys).subtracting(want.keys).sorted().prefix(4)); only in \(golden)'s: \(Set(want.keys).subtracting(got.keys).sorted().prefix(4))")
        for (name, t) in want { #expect(got[name]?.bitwiseEqual(t) == true, "'\(name)' differs") }
        let back = try ModelLoader.load(dir)
        #expect(back.convention == convention && back.swin?.config.isV2 == true)
        let backSwin = try #require(back.swin)
        let logits = try #require(try Self.run(backSwin, "input.npy")["logits"])
        let want2 = try NpyArray.read(path: Self.file("\(golden)/logits.npy"))
        #expect(Tolerance.maxAbsDiff(logits, want2) <= 1e-5 * Tolerance.maxAbs(want2))
    }

    /// `run --image-size 64`: timm `create_model(img_size=64)`; stage 1's window is no longer the whole
    /// grid, so it shifts, and its position bias is recomputed for the same window.
    @Test func runsAtAnotherImageSizeAsTimm() throws {
        let swin = try #require(try ModelLoader.load(Self.file("timm")).swin)
        let resized = try swin.resized(imageSize: [64, 64])
        #expect(resized.config.pretrainedWindowSizes == nil)
        try Self.checkResize(resized, "img64")
    }

    /// `resize-pos --image-size 64 --window-size 8`: timm `create_model(img_size=64, window_size=8,
    /// pretrained_window_sizes=(4, 4))` — the position-bias MLP's coordinates normalised by the old window.
    @Test func recomputesThePositionBiasForAnotherWindowAsTimm() throws {
        let swin = try #require(try ModelLoader.load(Self.file("timm")).swin)
        let resized = try swin.resized(imageSize: [64, 64], windowSize: 8)
        #expect(resized.config.pretrainedWindowSizes == [4, 4])
        for (name, t) in swin.tensors { #expect(resized.tensors[name]?.bitwiseEqual(t) == true, "\(name) changed") }
        try Self.checkResize(resized, "img64_window8")
    }

    static func checkResize(_ model: SwinDescription, _ key: String) throws {
        let record = try resizeRecord(key)
        let g = try SwinGraphBuilder.build(model)
        let tables = try #require(record["bias_tables"] as? [String: String])
        #expect(tables.count == 4)
        // the bias each block's attention adds: the ContinuousPositionBias node's output
        let x = try NpyArray.read(path: file("resize_input.npy"))
        var probe = g
        probe.outputs = tables.keys.sorted().map { "\($0).cpb_out" }
        let got = try Executor(graph: probe, threads: 2).run([g.inputs[0].name: x])
        for (name, path) in tables {
            let want = try NpyArray.read(path: file(path))
            let t = try #require(got["\(name).cpb_out"])
            let diff = Tolerance.maxAbsDiff(t, want), scale = Tolerance.maxAbs(want)
            #expect(t.shape == want.shape && diff <= 1e-6 * scale, "\(name): \(diff) of \(scale)")
        }
        let logits = try #require(try Executor(graph: g, threads: 2).run([g.inputs[0].name: x])["logits"])
        let want = try NpyArray.read(path: file("timm/resize/\(key)/logits.npy"))
        let diff = Tolerance.maxAbsDiff(logits, want), scale = Tolerance.maxAbs(want)
        #expect(diff <= 1e-5 * scale, "\(key) logits: max diff \(diff), scale \(scale), ratio \(diff / scale)")
    }

    /// An HF v2 checkpoint stored in f16 or bf16: the absent key bias is made in the file's type, so the three
    /// thirds pack, and the model runs as the f32 one with its parameters rounded to that type.
    @Test(arguments: [ParameterDType.f16, .bf16])
    func halfPrecisionHFCheckpointLoads(_ storage: ParameterDType) throws {
        let file = try SafetensorsFile(path: Self.file("hf/model.safetensors"))
        let half = file.tensors.mapValues { $0.castingFloats(to: storage) }
        var hints = ConfigHints()
        hints.imageSize = [32, 32]
        let f32 = try #require(try ModelLoader.load(Self.file("hf")).swin)
        let meta = [SwinConfigFile.metadataKey: SwinConfigFile.metadataValue(f32.config)]
        let loaded = try ModelLoader.fromTensors(half, metadata: meta, path: "half.safetensors", format: .safetensors, fileSize: 0,
                                                 hints: hints, naming: nil)
        let swin = try #require(loaded.swin)
        let got = try #require(try Self.run(swin, "input.npy")["logits"])
        let want = try NpyArray.read(path: Self.file("hf/logits.npy"))
        #expect(Tolerance.minRowCosine(got, want) >= 0.99, "\(storage): cosine \(Tolerance.minRowCosine(got, want))")
    }

    @Test func hostileV2CheckpointsGetTypedErrors() throws {
        let base = try SafetensorsFile(path: Self.file("timm/model.safetensors")).tensors
        var hints = ConfigHints()
        hints.imageSize = [32, 32]
        let timm = try #require(try ModelLoader.load(Self.file("timm")).swin)
        let meta = [SwinConfigFile.metadataKey: SwinConfigFile.metadataValue(timm.config)]
        func load(_ t: [String: Tensor], _ m: [String: String] = meta) throws -> LoadedModel {
            try ModelLoader.fromTensors(t, metadata: m, path: "x.safetensors", format: .safetensors, fileSize: 0, hints: hints, naming: nil)
        }
        _ = try load(base)
        #expect(throws: FormatError.self) { try load(base, [:]) }  // no window size anywhere
        var t = base
        t["layers.0.blocks.0.attn.logit_scale"] = Tensor(zeros: .f32, shape: [2])
        #expect(throws: FormatError.self) { try load(t) }
        t = base
        t["layers.0.blocks.1.attn.cpb_mlp.2.weight"] = Tensor(zeros: .f32, shape: [3, 512])
        #expect(throws: FormatError.self) { try load(t) }
        t = base
        t["layers.0.blocks.0.attn.v_bias"] = nil
        #expect(throws: FormatError.self) { try load(t) }
        t = base
        t["layers.1.downsample.norm.weight"] = Tensor(zeros: .f32, shape: [64])  // a v1 merging norm's width
        #expect(throws: FormatError.self) { try load(t) }
        // a v1 config for v2 tensors
        var v1 = timm.config
        v1.version = nil
        #expect(throws: FormatError.self) { try load(base, [SwinConfigFile.metadataKey: SwinConfigFile.metadataValue(v1)]) }
        var bad = v1
        bad.version = 2
        bad.pretrainedWindowSizes = [1, 0]
        #expect(throws: ViTError.self) { try bad.validate() }
        bad.version = 3
        bad.pretrainedWindowSizes = nil
        #expect(throws: ViTError.self) { try bad.validate() }
    }
}
