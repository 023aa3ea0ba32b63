import Foundation
import Graph
import Testing
@testable import Formats
import TestSupport

/// `vitopt convert MODEL folder/`: transformers' and Optimum's folder layouts, with the
/// `preprocessor_config.json` of the model's recipe, read back by vitopt.
@Suite struct ModelFolderOutputCLITests {
    static let teacher = Fixtures.sample("digits/timm/model.safetensors")

    static func files(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
    }

    /// `--to onnx` into a folder writes model.onnx + config.json (transformers') +
    /// preprocessor_config.json; vitopt reads the folder back with the same config, preprocessing
    /// recipe included, and the same logits on the digit PNGs.
    @Test func optimumFolderRoundTrip() throws {
        let dir = Fixtures.scratch()
        let out = dir + "/onnx/"
        let r = try BinaryRunner.run(["convert", Self.teacher, out, "--to", "onnx", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Self.files(out) == ["config.json", "model.onnx", "preprocessor_config.json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(report["output"] as? String == dir + "/onnx/model.onnx" && report["naming"] as? String == "hf", "\(r.stdout)")
        #expect((report["warnings"] as? [String])?.first?.contains("⌊excess/2⌋") == true)
        #expect(r.stderr.contains("BitImageProcessor"))

        let original = try ModelLoader.load(Self.teacher).model.config
        let back = try ModelLoader.load(out)
        #expect(back.format == .onnx && back.model.config == original)
        // The files beside model.onnx alone (as Optimum's readers see them) carry the same recipe.
        let sidecar = try ConfigSources.sidecarHints(for: dir + "/onnx/model.onnx")
        #expect(sidecar.preprocessing == original.preprocessing && sidecar.numClasses == 10 && sidecar.depth == 6)
        let config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "config.json"))) as? [String: Any])
        #expect(config["model_type"] as? String == "vit" && (config["architectures"] as? [String]) == ["ViTForImageClassification"])

        let a = try BinaryRunner.run(["run", Self.teacher, "--input", Fixtures.sample("digits/images/3"), "--format", "csv", "--top", "1"])
        let b = try BinaryRunner.run(["run", out, "--input", Fixtures.sample("digits/images/3"), "--format", "csv", "--top", "1"])
        #expect(a.status == 0 && b.status == 0 && a.stdout.split(separator: "\n").count == 4, "\(b.stderr)")
        #expect(a.stdout.split(separator: "\n").map { $0.split(separator: ",").prefix(4) } == b.stdout.split(separator: "\n").map { $0.split(separator: ",").prefix(4) })
    }

    /// `--naming hf` into a folder: model.safetensors + config.json + preprocessor_config.json. A
    /// timm output gets no preprocessor_config.json (timm keeps the recipe in config.json), nor does
    /// `--no-config-json`.
    @Test func huggingFaceFolderGetsAnImageProcessor() throws {
        let dir = Fixtures.scratch()
        let hf = try BinaryRunner.run(["convert", Self.teacher, dir + "/hf/", "--naming", "hf"])
        #expect(hf.status == 0, "\(hf.stderr)")
        #expect(Self.files(dir + "/hf") == ["config.json", "model.safetensors", "preprocessor_config.json"])
        #expect(hf.stdout.contains("image processor: \(dir)/hf/preprocessor_config.json (BitImageProcessor)"))
        let written = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/hf/preprocessor_config.json"))) as? [String: Any])
        #expect((written["size"] as? [String: Int]) == ["shortest_edge": 32] && (written["crop_size"] as? [String: Int]) == ["height": 32, "width": 32])

        let timm = try BinaryRunner.run(["convert", Fixtures.sample("digits/hf"), dir + "/timm/", "--naming", "timm"])
        #expect(timm.status == 0, "\(timm.stderr)")
        #expect(Self.files(dir + "/timm") == ["config.json", "model.safetensors"])
        let bare = try BinaryRunner.run(["convert", Self.teacher, dir + "/bare/", "--naming", "hf", "--no-config-json"])
        #expect(bare.status == 0 && Self.files(dir + "/bare") == ["model.safetensors"], "\(bare.stderr)")
        // An HF recipe (hf-vit: 224 bilinear, mean/std 0.5) is a ViTImageProcessor, written with no warning.
        let vit = try BinaryRunner.run(["convert", Fixtures.sample("hf-vit"), dir + "/vit/model.safetensors"])
        #expect(vit.status == 0 && vit.stdout.contains("(ViTImageProcessor)") && !vit.stderr.contains("warning"), "\(vit.stdout)\(vit.stderr)")
    }

    /// The weights file is named per format: tf_model.h5 for hf-tf (HDF5 without --to), shards with
    /// their index, model.h5 in an existing folder named without a trailing slash.
    @Test func weightsFileNamedPerFormat() throws {
        let dir = Fixtures.scratch()
        let tf = try BinaryRunner.run(["convert", Self.teacher, dir + "/tf/", "--naming", "hf-tf"])
        #expect(tf.status == 0 && Self.files(dir + "/tf") == ["config.json", "preprocessor_config.json", "tf_model.h5"], "\(tf.stderr)")
        let sharded = try BinaryRunner.run(["convert", Fixtures.sample("digits/hf"), dir + "/sh/", "--max-shard-size", "300KB"])
        #expect(sharded.status == 0, "\(sharded.stderr)")
        #expect(Self.files(dir + "/sh") == ["config.json", "model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors",
                                            "model-00003-of-00003.safetensors", "model.safetensors.index.json", "preprocessor_config.json"])
        try FileManager.default.createDirectory(atPath: dir + "/h5", withIntermediateDirectories: false)
        let h5 = try BinaryRunner.run(["convert", Fixtures.sample("digits/hf"), dir + "/h5", "--to", "hdf5"])
        #expect(h5.status == 0 && Self.files(dir + "/h5") == ["config.json", "model.h5", "preprocessor_config.json"], "\(h5.stderr)")
        // digits/hf's own preprocessor_config.json (ViTImageProcessor 32×32) survives the trip unchanged in meaning.
        let back = try ConfigSources.sidecarHints(for: dir + "/h5/model.h5")
        #expect(back.preprocessing == .huggingFace(size: [32, 32]))
    }

    /// Converting a folder into itself keeps its config.json and preprocessor_config.json (they
    /// are the input's), and an output folder named with a file in the way is refused up front.
    @Test func inputSideFilesAreKept() throws {
        let dir = Fixtures.scratch()
        let copy = dir + "/hf"
        try FileManager.default.copyItem(atPath: Fixtures.sample("digits/hf"), toPath: copy)
        let before = try Data(contentsOf: URL(fileURLWithPath: copy + "/preprocessor_config.json"))
        let r = try BinaryRunner.run(["convert", copy + "/model.safetensors", copy + "/", "--to", "onnx"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Self.files(copy) == ["config.json", "model.onnx", "model.safetensors", "preprocessor_config.json"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy + "/preprocessor_config.json")) == before)
        #expect(r.stderr.contains("left unchanged"))

        #expect(FileManager.default.createFile(atPath: dir + "/file", contents: Data()))
        let blocked = try BinaryRunner.run(["convert", Self.teacher, dir + "/file/sub/", "--to", "onnx"])
        #expect(blocked.status != 0 && blocked.stderr.contains("not a folder"), "\(blocked.stderr)")
    }
}
