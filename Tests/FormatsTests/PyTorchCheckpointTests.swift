import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Graph

/// PyTorch checkpoints (`torch.save`'s zip format), model folders and sharded safetensors, all written
/// by torch / huggingface_hub (`samples/gen_pytorch.py`) from tensors of other fixtures: what vitopt
/// reads must equal the safetensors original bit for bit.
@Suite struct PyTorchCheckpointTests {
    static let variants = "timm-variants/model.safetensors"

    func expectSameTensors(_ got: [String: Tensor], _ expected: [String: Tensor], _ label: String) {
        #expect(Set(got.keys) == Set(expected.keys), "\(label): names differ")
        for (name, t) in expected {
            guard let g = got[name] else { continue }
            #expect(g.bitwiseEqual(t), "\(label): tensor '\(name)' differs")
        }
    }

    @Test func plainStateDictEqualsSafetensors() throws {
        let pth = try TorchCheckpoint(path: Fixtures.sample("pytorch/state_dict.pth"))
        let original = try SafetensorsFile(path: Fixtures.sample(Self.variants))
        expectSameTensors(pth.tensors, original.tensors, "state_dict.pth")
        #expect(pth.names.count == original.names.count)
        #expect(pth.notes.isEmpty)
    }

    @Test func trainingCheckpointFindsTheModelAndGathersStridedTensors() throws {
        let pth = try TorchCheckpoint(path: Fixtures.sample("pytorch/train_checkpoint.pth"))
        expectSameTensors(pth.tensors, try SafetensorsFile(path: Fixtures.sample(Self.variants)).tensors, "train_checkpoint.pth")
        #expect(pth.notes.contains { $0.contains("'model' entry") })
        #expect(pth.notes.contains { $0.contains("module.") })
        // The transposed view was gathered into a fresh row-major tensor.
        #expect(pth.tensors["blocks.0.attn.qkv.weight"]!.storage.isOwned)
    }

    @Test func halfPrecisionKeepsItsDType() throws {
        let pth = try TorchCheckpoint(path: Fixtures.sample("pytorch/state_dict_f16.pt"))
        let original = try SafetensorsFile(path: Fixtures.sample(Self.variants)).tensors
        for (name, t) in pth.tensors {
            #expect(t.dtype == .f16)
            let back = t.floatArray(), want = original[name]!.floatArray()
            // float16 rounding: relative error ≤ 2^-11 (plus the subnormal floor).
            for (a, b) in zip(back, want) { #expect(abs(a - b) <= abs(b) * 0.00049 + 6e-8, "\(name)") }
        }
    }

    @Test func checkpointRunsToTimmsLogits() throws {
        let loaded = try ModelLoader.load(Fixtures.sample("pytorch/train_checkpoint.pth"),
                                          hints: try ConfigSources.sidecarHints(for: Fixtures.sample(Self.variants)))
        let x = try Fixtures.npy("timm-variants/input.npy"), want = try Fixtures.npy("timm-variants/logits.npy")
        let got = try Executor(graph: try loaded.graph(), threads: 1).run([ViTGraphBuilder.inputName: x])["logits"]!
        #expect(Tolerance.close(got, want, relative: 1e-4), "max abs diff \(Tolerance.maxAbsDiff(got, want))")
    }

    @Test func huggingFaceFolderWithPytorchModelBin() throws {
        let folder = Fixtures.sample("pytorch/hf-bin")
        #expect(try ModelFolder.resolve(folder).hasSuffix("/pytorch_model.bin"))
        let loaded = try ModelLoader.load(folder)
        #expect(loaded.format == .pytorch && loaded.convention == .hf)
        let x = try InputLoader.load(Fixtures.sample("inputs/batch224.npy"), config: loaded.model.config)
        let got = try Executor(graph: try loaded.graph(), threads: 2).run([ViTGraphBuilder.inputName: x])["logits"]!
        let want = try Fixtures.npy("hf-vit/logits.npy")
        #expect(Tolerance.close(got, want, relative: 1e-4), "max abs diff \(Tolerance.maxAbsDiff(got, want))")
    }

    @Test func shardedSafetensorsEqualTheOriginal() throws {
        let index = Fixtures.sample("pytorch/sharded/model.safetensors.index.json")
        let sharded = try ShardedSafetensors(path: index)
        #expect(sharded.shards.count >= 2)
        expectSameTensors(sharded.tensors, try SafetensorsFile(path: Fixtures.sample(Self.variants)).tensors, "sharded")
        // The folder resolves to the index, and the folder's config.json is used.
        let loaded = try ModelLoader.load(Fixtures.sample("pytorch/sharded"))
        #expect(loaded.model.config.regTokens == 2)
    }

    @Test func shardIndexCannotReachOutsideItsFolder() throws {
        let dir = Fixtures.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for shard in ["../model.safetensors", "/etc/passwd", "sub/x.safetensors"] {
            let index = "\(dir)/model.safetensors.index.json"
            try #"{"weight_map": {"a": "\#(shard)"}}"#.write(toFile: index, atomically: true, encoding: .utf8)
            #expect(throws: FormatError.self) { try ShardedSafetensors(path: index) }
        }
    }

    @Test func legacyFormatIsRefusedByName() throws {
        let e = #expect(throws: FormatError.self) { try ModelLoader.load(Fixtures.sample("pytorch/legacy.pt")) }
        #expect(e?.description.contains("legacy") == true)
    }

    @Test func pickleThatCallsAFunctionIsRefusedNamingTheGlobal() throws {
        let e = #expect(throws: FormatError.self) { try TorchCheckpoint(path: Fixtures.sample("pytorch/malicious.pt")) }
        #expect(e?.description.contains("posix.system") == true, "\(String(describing: e))")
    }

    /// Every truncation and a sweep of single-byte corruptions of a real checkpoint: a typed error or a
    /// successful read, never a trap.
    @Test func damagedArchivesFailCleanly() throws {
        let original = try Data(contentsOf: URL(fileURLWithPath: Fixtures.sample("pytorch/train_checkpoint.pth")))
        let dir = Fixtures.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = "\(dir)/damaged.pth"
        var cases: [Data] = []
        for cut in stride(from: 0, to: original.count, by: max(1, original.count / 97)) { cases.append(original.prefix(cut)) }
        var rng = SeededGenerator(seed: 12)
        for _ in 0..<150 {
            var d = original
            // Corrupt the central directory and the pickle (the tail), where the structure lives.
            let at = original.count - 1 - Int(rng.next() % UInt64(min(original.count, 6000)))
            d[at] = UInt8(truncatingIfNeeded: rng.next())
            cases.append(d)
        }
        var failures = 0
        for d in cases {
            try d.write(to: URL(fileURLWithPath: path))
            do { _ = try TorchCheckpoint(path: path) } catch is FormatError { failures += 1 }
        }
        #expect(failures > 0)
    }
}

/// Class names: the config's own, else ImageNet-1k's for a 1000-class head.
@Suite struct ClassLabelTests {
    @Test func configLabelsWinAndImageNetFillsIn() throws {
        var config = try ModelLoader.load(Fixtures.sample("hf-vit/model.safetensors")).model.config
        #expect(ClassLabels.name(1, config: config) == "dog")
        config.labels = nil
        config.numClasses = 1000
        #expect(ClassLabels.name(0, config: config) == "tench" && ClassLabels.name(999, config: config) == "toilet tissue")
        config.numClasses = 5
        #expect(ClassLabels.name(3, config: config) == "class 3")
    }
}

/// A file given as a model that is something else says what it is.
@Suite struct MisplacedFileTests {
    @Test(arguments: [("digits/images/3/0.png", "PNG image"), ("digits/test_y.npy", ".npy array"),
                      ("pytorch/malicious.pt", "posix.system"), ("pytorch", "several weights files")])
    func saysWhatTheFileIs(_ file: String, _ phrase: String) throws {
        let e = #expect(throws: FormatError.self) { try ModelLoader.load(Fixtures.sample(file)) }
        #expect(e?.description.contains(phrase) == true, "\(String(describing: e))")
    }
}

/// Outputs may not replace a model folder's weights file or a sharded checkpoint's shards.
@Suite struct FolderInputProtectionTests {
    @Test func shardsAndFolderWeightsAreInputs() throws {
        let dir = Fixtures.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for name in ["model.safetensors.index.json", "model-00001-of-00004.safetensors", "model-00002-of-00004.safetensors",
                     "model-00003-of-00004.safetensors", "model-00004-of-00004.safetensors", "config.json"] {
            try FileManager.default.copyItem(atPath: Fixtures.sample("pytorch/sharded/\(name)"), toPath: "\(dir)/\(name)")
        }
        var files = OutputGuard()
        files.protectModel(dir)
        #expect(throws: OutputError.self) { try files.claim("\(dir)/model-00003-of-00004.safetensors") }
        #expect(throws: OutputError.self) { try files.claim("\(dir)/model.safetensors.index.json") }
        #expect(throws: OutputError.self) { try files.claim("\(dir)/config.json") }
        try files.claim("\(dir)/converted.safetensors")
    }
}

/// Sharded safetensors output: the split, the names transformers uses, and a bit-exact round trip.
@Suite struct ShardedWriteTests {
    @Test func sizes() {
        #expect(ShardedSafetensorsWriter.parseSize("5GB") == 5_000_000_000)
        #expect(ShardedSafetensorsWriter.parseSize("2GiB") == 2 << 30)
        #expect(ShardedSafetensorsWriter.parseSize("300KB") == 300_000)
        #expect(ShardedSafetensorsWriter.parseSize("4096") == 4096)
        for bad in ["", "0", "-1GB", "1e30GB", "five", "nanMB"] { #expect(ShardedSafetensorsWriter.parseSize(bad) == nil, "\(bad)") }
    }

    @Test func splitWritesIndexAndShardsThatReadBackBitExact() throws {
        let dir = Fixtures.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let loaded = try ModelLoader.load(Fixtures.sample("digits/hf"))
        let summary = try ModelSaver.save(loaded.model, to: "\(dir)/model.safetensors", naming: .hf, maxShardBytes: 300_000)
        #expect(summary.shards.map { ($0 as NSString).lastPathComponent } ==
                ["model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors"])
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/model.safetensors"))
        let back = try ModelLoader.load(dir)
        #expect(back.path.hasSuffix("model.safetensors.index.json"))
        let original = try SafetensorsFile(path: Fixtures.sample("digits/hf/model.safetensors")).tensors
        let sharded = try ShardedSafetensors(path: "\(dir)/model.safetensors.index.json")
        #expect(Set(sharded.tensors.keys) == Set(original.keys))
        for (name, t) in original { #expect(sharded.tensors[name]!.bitwiseEqual(t), "\(name)") }
        // No shard holds more than the limit unless one tensor alone is larger.
        for shard in summary.shards {
            let file = try SafetensorsFile(path: shard)
            let data = file.tensors.values.reduce(0) { $0 + $1.byteCount }
            #expect(data <= 300_000 || file.tensors.count == 1)
        }
    }
}
