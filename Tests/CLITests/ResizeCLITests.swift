import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Graph

/// `vitopt resize-pos` and `vitopt run --image-size` end to end through the binary, on safetensors,
/// HDF5 and ONNX: outputs reload, run at the new size with the golden logits, and every bad request
/// exits non-zero naming the file with no output left behind.
@Suite struct ResizeCLITests {
    let teacher = Fixtures.sample("digits/timm/model.safetensors")
    let hfTeacher = Fixtures.sample("digits/hf/model.safetensors")

    func logits(_ model: String, _ pixels: String, _ extra: [String] = []) throws -> Tensor {
        let out = Fixtures.scratch() + "/y.npy"
        let r = try BinaryRunner.run(["run", model, "--input", Fixtures.sample("resize/digits48/\(pixels)"), "--output", out, "--threads", "1"] + extra)
        #expect(r.status == 0, "\(r.stderr)")
        return try NpyArray.read(path: out)
    }

    @Test func resizePosWritesATimmCheckpointAtTheNewSize() throws {
        let dir = Fixtures.scratch()
        let out = dir + "/out/model.safetensors"
        try FileManager.default.createDirectory(atPath: dir + "/out", withIntermediateDirectories: true)
        let r = try BinaryRunner.run(["resize-pos", teacher, out, "--image-size", "48"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("patch grid 8×8 → 12×12") && r.stdout.contains("preset timm"))
        let file = try SafetensorsFile(path: out)
        #expect(Tolerance.maxAbsDiff(file.tensors["pos_embed"]!, try Fixtures.npy("resize/digits48/timm_pos_embed_48x48.npy")) <= 1e-6)
        // every other tensor is carried over bit for bit, under the input's names
        let src = try SafetensorsFile(path: teacher)
        #expect(Set(file.names) == Set(src.names))
        for n in src.names where n != "pos_embed" { #expect(file.tensors[n]!.bitwiseEqual(src.tensors[n]!), "\(n)") }
        let config = try String(contentsOfFile: dir + "/out/config.json", encoding: .utf8)
        #expect(config.contains("\"img_size\" : [\n      48,\n      48\n    ]"), "\(config)")
        let y = try logits(out, "pixels_48x48.npy")
        #expect(Tolerance.close(y, try Fixtures.npy("resize/digits48/timm_logits_48x48.npy"), relative: 1e-4))
        // a second resize into the same directory replaces its (same-architecture) config.json
        let again = try BinaryRunner.run(["resize-pos", teacher, out, "--image-size", "48x64"])
        #expect(again.status == 0 && again.stdout.contains("(replaced)"), "\(again.stdout)\(again.stderr)")
        let y2 = try logits(out, "pixels_48x64.npy")
        #expect(Tolerance.close(y2, try Fixtures.npy("resize/digits48/timm_logits_48x64.npy"), relative: 1e-4))
    }

    /// The teacher converted to HDF5 (plain and tf_model.h5) and ONNX, resized there, in the same format.
    @Test(arguments: ["model.h5", "tf_model.h5", "model.onnx"])
    func resizePosWorksInEveryFormat(_ name: String) throws {
        let dir = Fixtures.scratch()
        try FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/out", withIntermediateDirectories: true)
        let c = try BinaryRunner.run(["convert", teacher, dir + "/in/" + name])
        #expect(c.status == 0, "\(c.stderr)")
        let r = try BinaryRunner.run(["resize-pos", dir + "/in/" + name, dir + "/out/" + name, "--image-size", "48", "--preset", "timm"])
        #expect(r.status == 0, "\(r.stderr)")
        let y = try logits(dir + "/out/" + name, "pixels_48x48.npy")
        #expect(Tolerance.close(y, try Fixtures.npy("resize/digits48/timm_logits_48x48.npy"), relative: 1e-4))
    }

    @Test func resizePosKeepsHFNamingAndMatchesInterpolatePosEncoding() throws {
        let dir = Fixtures.scratch()
        let out = dir + "/model.safetensors"
        let r = try BinaryRunner.run(["resize-pos", hfTeacher, out, "--image-size", "48x64"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("hf naming") && r.stdout.contains("preset hf"))
        #expect(try SafetensorsFile(path: out).tensors["vit.embeddings.position_embeddings"]?.shape == [1, 193, 64])
        let y = try logits(out, "pixels_48x64.npy")
        #expect(Tolerance.close(y, try Fixtures.npy("resize/digits48/hf_logits_48x64.npy"), relative: 1e-4))
    }

    @Test func outputBesideTheInputLeavesItsConfigAlone() throws {
        let dir = Fixtures.scratch()
        for f in ["model.safetensors", "config.json"] {
            try FileManager.default.copyItem(atPath: Fixtures.sample("digits/timm/\(f)"), toPath: dir + "/\(f)")
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: dir + "/config.json"))
        let r = try BinaryRunner.run(["resize-pos", dir + "/model.safetensors", dir + "/model48.safetensors", "--image-size", "48"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("config.json not written"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/config.json")) == before)
        // both files still load: the output from its own metadata, the input from config.json
        #expect(Tolerance.close(try logits(dir + "/model48.safetensors", "pixels_48x48.npy"),
                                try Fixtures.npy("resize/digits48/timm_logits_48x48.npy"), relative: 1e-4))
        let orig = try BinaryRunner.run(["inspect", dir + "/model.safetensors", "--json"])
        #expect(orig.status == 0 && orig.stdout.contains("32"), "\(orig.stderr)")
    }

    @Test func runResamplesOnTheFly() throws {
        #expect(Tolerance.close(try logits(teacher, "pixels_48x48.npy", ["--image-size", "48"]),
                                try Fixtures.npy("resize/digits48/timm_logits_48x48.npy"), relative: 1e-4))
        #expect(Tolerance.close(try logits(hfTeacher, "pixels_48x64.npy", ["--image-size", "48x64"]),
                                try Fixtures.npy("resize/digits48/hf_logits_48x64.npy"), relative: 1e-4))
        // the preset decides, not the file's naming
        #expect(Tolerance.close(try logits(teacher, "pixels_48x48.npy", ["--image-size", "48", "--preset", "hf"]),
                                try Fixtures.npy("resize/digits48/hf_logits_48x48.npy"), relative: 1e-4))
        #expect(Tolerance.close(try logits(teacher, "pixels_64x64.npy", ["--image-size", "64", "--patch-size", "8"]),
                                try Fixtures.npy("resize/digits48/timm_flexi_p8_logits_64x64.npy"), relative: 1e-4))
    }

    @Test(arguments: [
        (["--image-size", "50"], "not a multiple of the patch size"),
        (["--image-size", "2"], "smaller than one patch"),
        (["--image-size", "48", "--source-grid", "7x7"], "--source-grid gives image size 28×28, but"),
        (["--image-size", "48", "--preset", "pil"], "--preset must be one of"),
        (["--image-size", "48", "--antialias", "maybe"], "--antialias must be true or false"),
        (["--image-size", "48", "--patch-size", "0"], "--patch-size must be"),
    ])
    func badRequestsFailCleanly(_ args: [String], _ message: String) throws {
        let dir = Fixtures.scratch()
        let out = dir + "/out.safetensors"
        let r = try BinaryRunner.run(["resize-pos", teacher, out] + args)
        #expect(r.status != 0)
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty, "partial output left behind")
        let run = try BinaryRunner.run(["run", teacher, "--input", Fixtures.sample("resize/digits48/pixels_48x48.npy")] + args)
        #expect(run.status != 0 && run.stderr.contains(message), "\(run.stderr)")
    }

    @Test func wrongOutputFormatAndMissingPositionEmbeddingAreRefused() throws {
        let dir = Fixtures.scratch()
        let onnx = try BinaryRunner.run(["resize-pos", teacher, dir + "/m.onnx", "--image-size", "48"])
        #expect(onnx.status != 0 && onnx.stderr.contains("writes the input's format"), "\(onnx.stderr)")
        var tensors = try SafetensorsFile(path: teacher).tensors
        tensors["pos_embed"] = nil
        _ = try SafetensorsWriter.write(tensors, to: dir + "/nopos.safetensors")
        let r = try BinaryRunner.run(["resize-pos", dir + "/nopos.safetensors", dir + "/o.safetensors", "--image-size", "48"])
        #expect(r.status != 0 && r.stderr.contains("learned absolute position embeddings"), "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["nopos.safetensors"])
        // run at the wrong size without --image-size still names the mismatch
        let wrong = try BinaryRunner.run(["run", teacher, "--input", Fixtures.sample("resize/digits48/pixels_48x48.npy")])
        #expect(wrong.status != 0 && wrong.stderr.contains("runs at 32×32"), "\(wrong.stderr)")
    }
}
