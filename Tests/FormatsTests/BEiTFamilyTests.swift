import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Graph

/// BEiT and Data2Vec-vision beyond the shared family suites: the relative position index against
/// timm's, conversions between timm's and transformers' files of the same weights (bit-exact), the
/// config.json each writes read back, each library's resampled relative position table, and the
/// hybrid-ViT refusal.
@Suite struct BEiTFamilyTests {
    /// `timm.models.beit.gen_relative_position_index((2, 3)).flatten()` (timm 1.0.31).
    static let timmIndex2x3: [Int32] = [
        17, 15, 15, 15, 15, 15, 15, 16, 7, 6, 5, 2, 1, 0, 16, 8, 7, 6, 3, 2, 1, 16, 9, 8, 7, 4, 3, 2,
        16, 12, 11, 10, 7, 6, 5, 16, 13, 12, 11, 8, 7, 6, 16, 14, 13, 12, 9, 8, 7,
    ]

    @Test func relativePositionIndexIsTimms() {
        #expect(ViTRelativePositionBias.index(grid: [2, 3]) == Self.timmIndex2x3)
        #expect(ViTRelativePositionBias.tableRows(grid: [2, 3]) == 18)
    }

    @Test(arguments: [
        ("beit/timm/model.safetensors", NamingConvention.hf, "beit/hf-classifier/model.safetensors"),
        ("beit/hf-classifier/model.safetensors", .timm, "beit/timm/model.safetensors"),
    ])
    func convertsToTheOtherLibrarysNames(_ source: String, _ convention: NamingConvention, _ golden: String) throws {
        let loaded = try ModelLoader.load(FamilyFixture.root + "/" + source)
        let got = try NamingMapper.names(for: loaded.model, convention: convention)
        FamilyConversionTests().expectSame(got, try FamilyConversionTests.tensors(golden), "\(source) → \(convention)")
    }

    @Test func readsEachLayoutAsItsFeatures() throws {
        let cases: [(String, String, ViTRelativePositionBias, Bool, String)] = [
            ("beit/timm", "beit", .perBlock, false, "avg"), ("beit/hf-classifier", "beit", .perBlock, false, "avg"),
            ("beit/hf-shared", "beit", .shared, true, "token"), ("data2vec_vision/hf-classifier", "data2vec_vision", .perBlock, false, "avg"),
        ]
        for (path, family, bias, absolute, pool) in cases {
            let c = try ModelLoader.load(FamilyFixture.root + "/\(path)/model.safetensors").model.config
            #expect(c.family == family && c.relativeBias == bias && c.absolutePositions == absolute && c.globalPool == pool && c.layerScale,
                    "\(path): \(ConfigSources.metadataValue(c))")
        }
    }

    /// Written by vitopt in a convention with its `config.json` and read back through that file: the
    /// same architecture and outputs (the key bias BEiT does not store dropped on writing, zero on reading).
    @Test(arguments: [("beit/timm", NamingConvention.hf), ("beit/hf-classifier", .timm), ("beit/hf-shared", .timm),
                      ("data2vec_vision/hf-classifier", .timm), ("data2vec_vision/hf-classifier", .hf)])
    func savedModelReadsBackTheSame(_ path: String, _ convention: NamingConvention) throws {
        let loaded = try ModelLoader.load(FamilyFixture.root + "/\(path)/model.safetensors")
        let dir = Fixtures.scratch("beit-save") + "/\(path.replacingOccurrences(of: "/", with: "_"))_\(convention.rawValue)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        _ = try ModelSaver.save(loaded.model, to: dir + "/model.safetensors", naming: convention, writeConfigJSON: true)
        // Read through the written config.json alone (vitopt's own metadata left out).
        let file = try SafetensorsFile(path: dir + "/model.safetensors")
        let back = try ModelLoader.fromTensors(file.tensors, metadata: [:], path: dir + "/model.safetensors", format: .safetensors,
                                               fileSize: file.fileSize, hints: ConfigHints(), naming: nil)
        var want = loaded.model.config
        let got = back.model.config
        want.family = got.family
        want.preprocessing = got.preprocessing
        want.labels = got.labels
        #expect(got == want, "\(path) → \(convention): \(ConfigSources.metadataValue(got)) vs \(ConfigSources.metadataValue(want))")
        let x = try NpyArray.read(path: FamilyFixture.root + "/beit/input.npy")
        let a = try Executor(graph: try loaded.graph(), threads: 2).run([ViTGraphBuilder.inputName: x])
        let b = try Executor(graph: try back.graph(), threads: 2).run([ViTGraphBuilder.inputName: x])
        for (name, t) in a { #expect(b[name].map { $0.bitwiseEqual(t) } == true, "\(path) → \(convention): \(name) differs") }
    }

    /// The table each library resamples for 48 px (timm's `resize_rel_pos_bias_table` in
    /// `checkpoint_filter_fn`, transformers' bilinear `BeitRelativePositionBias`), within 1e-6 of its scale.
    @Test(arguments: [("beit/timm", "blocks.0.attn.relative_position_bias_table", ResamplePreset.timm),
                      ("beit/hf-classifier", "", .hf), ("beit/hf-shared", "", .hf), ("data2vec_vision/hf-classifier", "", .hf)])
    func resampledTableIsTheLibrarys(_ path: String, _ unused: String, _ preset: ResamplePreset) throws {
        let loaded = try ModelLoader.load(FamilyFixture.root + "/\(path)/model.safetensors")
        #expect(ResamplePreset.preferred(for: loaded.model.config, huggingFace: loaded.convention == .hf) == preset)
        let (model, summary) = try loaded.model.resized(imageSize: [48, 48], interpolation: preset.interpolation)
        let key = model.config.relativeBias == .shared ? ViTTensorKey(.sharedRelativeBiasTable) : ViTTensorKey(.relativeBiasTable, block: 0)
        let got = try #require(model.tensors[key])
        let want = try NpyArray.read(path: FamilyFixture.root + "/\(path)/resize/relative_position_bias_table.npy")
        #expect(got.shape == want.shape && Tolerance.close(got, want, relative: 1e-6),
                "\(path): max diff \(Tolerance.maxAbsDiff(got, want)) of scale \(Tolerance.maxAbs(want))")
        #expect(summary.notes.contains { $0.contains("relative position") })
    }

    /// A table that does not fit the grid, from a file or in a graph, is a typed error naming it.
    @Test func misfitTablesAreNamed() throws {
        let path = FamilyFixture.root + "/beit/timm/model.safetensors"
        var tensors = try SafetensorsFile(path: path).tensors
        let name = "blocks.1.attn.relative_position_bias_table"
        tensors[name] = try #require(tensors[name]).slice(rows: 0..<40)
        do {
            _ = try ModelLoader.fromTensors(tensors, metadata: [:], path: path, format: .safetensors, fileSize: 0,
                                            hints: ConfigHints(), naming: nil)
            Issue.record("a 40-row table for a 4×4 grid loaded")
        } catch {
            #expect("\(error)".contains(name), "\(error)")
        }
        let node = Node(name: "rpb", op: OpKind.relativePositionBias, inputs: ["t"], outputs: ["y"],
                        attributes: ["grid": .ints([1 << 40, 1 << 40])])
        #expect(throws: GraphError.self) {
            _ = try RelativePositionBiasKernel().inferShapes(node: node, inputs: [ValueInfo(name: "t", shape: [.fixed(52), .fixed(2)])])
        }
        let model = try ModelLoader.load(path).model
        #expect(throws: ResampleError.self) { _ = try model.resized(imageSize: [16384, 16384], interpolation: ResamplePreset.timm.interpolation) }
    }

    @Test func hybridViTsAreRefusedByWhatTheyAre() {
        let path = FamilyFixture.root + "/hybrid/timm-r-stem/model.safetensors"
        do {
            _ = try ModelLoader.load(path)
            Issue.record("a hybrid ViT loaded")
        } catch let e as FormatError {
            let text = "\(e)"
            #expect(text.contains("hybrid") && text.contains("patch_embed.backbone"), "\(text)")
            #expect(text.contains(path), "the error names the file: \(text)")
        } catch {
            Issue.record("untyped error \(error)")
        }
    }
}
