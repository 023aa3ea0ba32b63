import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Graph

/// Swin Transformer v1 (issue #14) against the libraries' own outputs on `samples/swin/`
/// (`samples/gen_swin.py`): timm `SwinTransformer`, the same weights as transformers
/// `SwinForImageClassification`, and a transformers `SwinModel` whose two stages both shift.
@Suite struct SwinTests {
    static let root = Fixtures.sample("swin")
    static func file(_ relative: String) -> String { root + "/" + relative }

    /// Runs `model` on `input` and returns every graph output.
    static func run(_ loaded: LoadedModel, _ input: String, graph: ModelGraph? = nil) throws -> [String: Tensor] {
        let g = try graph ?? loaded.graph()
        let x = try NpyArray.read(path: file(input))
        return try Executor(graph: g, threads: 2).run([g.inputs[0].name: x])
    }

    @Test(arguments: [
        ("timm", "logits"), ("hf", "logits"), ("hf-model", "last_hidden_state"), ("hf-model", "pooler_output"),
    ])
    func matchesTheLibrary(_ fixture: String, _ output: String) throws {
        let loaded = try ModelLoader.load(Self.file(fixture))
        #expect(loaded.swin != nil)
        let got = try Self.run(loaded, "input.npy")[output]
        let want = try NpyArray.read(path: Self.file("\(fixture)/\(output).npy"))
        let g = try #require(got, "\(fixture) has no output \(output)")
        #expect(g.shape == want.shape)
        let diff = Tolerance.maxAbsDiff(g, want), scale = Tolerance.maxAbs(want)
        #expect(diff <= 1e-5 * scale, "\(fixture) \(output): max diff \(diff), scale \(scale)")
    }

    @Test func timmAndTransformersReadAsTheSameModel() throws {
        let timm = try #require(try ModelLoader.load(Self.file("timm")).swin)
        let hf = try #require(try ModelLoader.load(Self.file("hf")).swin)
        #expect(timm.config.depths == hf.config.depths && timm.config.numHeads == hf.config.numHeads)
        #expect(timm.config.windowSize == 4 && timm.config.imageSize == [32, 32])
        #expect(Set(timm.tensors.keys) == Set(hf.tensors.keys))
        for (name, t) in timm.tensors { #expect(hf.tensors[name]?.bitwiseEqual(t) == true, "\(name) differs") }
    }

    @Test(arguments: [("timm", NamingConvention.hf, "hf"), ("hf", .timm, "timm")])
    func convertsToTheOtherLibrarysNamesBitExact(_ source: String, _ convention: NamingConvention, _ golden: String) throws {
        let loaded = try ModelLoader.load(Self.file(source))
        let dir = Fixtures.scratch("swin-convert")
        let out = dir + "/model.safetensors"
        let summary = try SwinSaver.save(try #require(loaded.swin), to: out, naming: convention, format: .safetensors,
                                         writeConfigJSON: true, inputs: OutputGuard())
        #expect(summary.configPath == dir + "/config.json")
        let got = try SafetensorsFile(path: out).tensors
        let want = try SafetensorsFile(path: Self.file("\(golden)/model.safetensors")).tensors
        #expect(Set(got.keys) == Set(want.keys), "only in vitopt's: \(Set(got.keys).subtracting(want.keys).sorted().prefix(4)); only in \(golden)'s: \(Set(want.keys).subtracting(got.keys).sorted().prefix(4))")
        for (name, t) in want { #expect(got[name]?.bitwiseEqual(t) == true, "'\(name)' differs") }
        // the written folder reads back (config.json describes it) and computes the same logits
        let back = try ModelLoader.load(dir)
        #expect(back.convention == convention)
        let logits = try #require(try Self.run(back, "input.npy")["logits"])
        let want2 = try NpyArray.read(path: Self.file("\(golden)/logits.npy"))
        #expect(Tolerance.maxAbsDiff(logits, want2) <= 1e-5 * Tolerance.maxAbs(want2))
    }

    @Test func runsAtAnotherImageSizeAsTimm() throws {
        let loaded = try ModelLoader.load(Self.file("timm"))
        let resized = try #require(loaded.swin).resized(imageSize: [64, 64])
        let g = try SwinGraphBuilder.build(resized)
        let got = try #require(try Self.run(loaded, "resize_input.npy", graph: g)["logits"])
        let want = try NpyArray.read(path: Self.file("timm/resize/img64/logits.npy"))
        #expect(Tolerance.maxAbsDiff(got, want) <= 1e-5 * Tolerance.maxAbs(want), "max diff \(Tolerance.maxAbsDiff(got, want))")
        // a grid that does not tile into windows is refused
        #expect(throws: ViTError.self) { try loaded.swin!.resized(imageSize: [36, 36]) }
    }

    /// `timm.create_model(..., img_size=64, window_size=8)`: every bias table resampled by timm's
    /// `resize_rel_pos_bias_table` (7×7 → 15×15 offsets), then the model at 64 px.
    @Test func resamplesBiasTablesForAnotherWindowAsTimm() throws {
        let loaded = try ModelLoader.load(Self.file("timm"))
        let resized = try #require(loaded.swin).resized(imageSize: [64, 64], windowSize: 8)
        let index = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.file("index.json")))) as? [String: Any]
        let timm = (index?["fixtures"] as? [[String: Any]])?.first { $0["path"] as? String == "timm" }
        let record = (timm?["resize"] as? [String: Any])?["img64_window8"] as? [String: Any]
        let tables = try #require(record?["relative_position_bias_tables"] as? [String: String])
        #expect(tables.count == 4)
        for (name, file) in tables {
            let want = try NpyArray.read(path: Self.file(file))
            let got = try #require(resized.tensors[name])
            #expect(got.shape == want.shape && Tolerance.maxAbsDiff(got, want) <= 1e-6, "\(name): \(Tolerance.maxAbsDiff(got, want))")
        }
        let g = try SwinGraphBuilder.build(resized)
        let logits = try #require(try Self.run(loaded, "resize_input.npy", graph: g)["logits"])
        let want = try NpyArray.read(path: Self.file("timm/resize/img64_window8/logits.npy"))
        #expect(Tolerance.maxAbsDiff(logits, want) <= 1e-5 * Tolerance.maxAbs(want), "max diff \(Tolerance.maxAbsDiff(logits, want))")
    }

    @Test func oldTimmAndInMemoryTransformersNamesRead() throws {
        let file = try SafetensorsFile(path: Self.file("timm/model.safetensors"))
        // the original checkpoints: merging at the end of a stage, `head.`
        var old: [String: Tensor] = [:]
        for (n, t) in file.tensors {
            old[n.replacingOccurrences(of: "layers.1.downsample", with: "layers.0.downsample").replacingOccurrences(of: "head.fc.", with: "head.")] = t
        }
        old["layers.0.blocks.0.attn.relative_position_index"] = Tensor(zeros: .i64, shape: [16, 16])
        var hints = ConfigHints()
        hints.imageSize = [32, 32]
        let a = try ModelLoader.fromTensors(old, metadata: [:], path: "old.pth", format: .pytorch, fileSize: 0, hints: hints, naming: nil)
        let b = try ModelLoader.load(Self.file("timm"))
        for (name, t) in try #require(b.swin).tensors { #expect(a.swin?.tensors[name]?.bitwiseEqual(t) == true, "\(name)") }
        #expect(a.warnings.contains { $0.contains("computed buffer") })
    }

    @Test func hostileCheckpointsGetTypedErrors() throws {
        let base = try SafetensorsFile(path: Self.file("timm/model.safetensors")).tensors
        var hints = ConfigHints()
        hints.imageSize = [32, 32]
        func load(_ t: [String: Tensor], _ h: ConfigHints = hints) throws -> LoadedModel {
            try ModelLoader.fromTensors(t, metadata: [:], path: "x.safetensors", format: .safetensors, fileSize: 0, hints: h, naming: nil)
        }
        var t = base
        t["layers.0.blocks.1.attn.relative_position_bias_table"] = Tensor(zeros: .f32, shape: [48, 2])
        #expect(throws: FormatError.self) { try load(t) }
        t = base
        t["layers.0.blocks.0.mlp.fc2.weight"] = nil
        #expect(throws: FormatError.self) { try load(t) }
        t = base
        t["layers.0.blocks.0.attn.bogus"] = Tensor(zeros: .f32, shape: [1])
        #expect(throws: FormatError.self) { try load(t) }
        t = base
        t["layers.99999999999999999999.blocks.0.norm1.weight"] = Tensor(zeros: .f32, shape: [1])
        #expect(throws: FormatError.self) { try load(t) }
        t = base
        t["layers.0.blocks.0.attn.relative_position_bias_table"] = Tensor(zeros: .f32, shape: [49])
        #expect(throws: FormatError.self) { try load(t) }
        var odd = hints
        odd.imageSize = [36, 36]  // a 9×9 grid does not tile into 4×4 windows
        #expect(throws: FormatError.self) { try load(base, odd) }
        #expect(throws: FormatError.self) { try load(base, ConfigHints()) }  // no image size anywhere
        // v1 tables and v2 position-bias MLPs in one file are not one model
        t = base
        t["layers.0.blocks.0.attn.cpb_mlp.0.weight"] = Tensor(zeros: .f32, shape: [512, 2])
        #expect(throws: FormatError.unsupported(path: "x.safetensors", detail: "both Swin v1 bias tables and Swin v2 position-bias MLPs: not one model")) { try load(t) }
    }

    @Test func transformersQueryKeyValueMustAgree() throws {
        let base = try SafetensorsFile(path: Self.file("hf/model.safetensors")).tensors
        var t = base
        t["swin.encoder.layers.0.blocks.0.attention.self.key.weight"] = Tensor(zeros: .f32, shape: [16, 8])
        var hints = ConfigHints()
        hints.imageSize = [32, 32]
        #expect(throws: FormatError.self) {
            try ModelLoader.fromTensors(t, metadata: [:], path: "y.safetensors", format: .safetensors, fileSize: 0, hints: hints, naming: nil)
        }
        t = base
        t["swin.encoder.layers.0.blocks.0.attention.self.value.bias"] = nil
        #expect(throws: FormatError.self) {
            try ModelLoader.fromTensors(t, metadata: [:], path: "y.safetensors", format: .safetensors, fileSize: 0, hints: hints, naming: nil)
        }
    }
}
