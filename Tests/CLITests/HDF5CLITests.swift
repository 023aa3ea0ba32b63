import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Graph

/// `vitopt convert` / `inspect` with HDF5 through the built binary: summaries, layout reporting,
/// --strict, and bad inputs (non-zero exit, the file named, no output left behind).
@Suite struct HDF5CLITests {
    let teacher = Fixtures.sample("digits/timm/model.safetensors")

    @Test func convertToTFModelAndBackIsExact() throws {
        let dir = Fixtures.scratch()
        let tf = try BinaryRunner.run(["convert", teacher, dir + "/tf_model.h5", "--naming", "hf-tf"])
        #expect(tf.status == 0, "\(tf.stderr)")
        #expect(tf.stdout.contains("hdf5 (keras layout), hf-tf naming") && tf.stdout.contains("104 tensors written") && tf.stdout.contains("38 transposed"))
        let inspect = try BinaryRunner.run(["inspect", dir + "/tf_model.h5", "--json"])
        let obj = try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as! [String: Any]
        #expect(obj["layout"] as? String == "keras" && obj["convention"] as? String == "hf-tf")
        let back = try BinaryRunner.run(["convert", dir + "/tf_model.h5", dir + "/back.safetensors", "--naming", "timm", "--no-config-json"])
        #expect(back.status == 0, "\(back.stderr)")
        let a = try SafetensorsFile(path: teacher).tensors, b = try SafetensorsFile(path: dir + "/back.safetensors").tensors
        #expect(Set(a.keys) == Set(b.keys) && a.allSatisfy { b[$0.key]!.bitwiseEqual($0.value) })
    }

    @Test func plainHDF5IsTheDefaultForH5Outputs() throws {
        let dir = Fixtures.scratch()
        let r = try BinaryRunner.run(["convert", Fixtures.sample("hdf5/tf/tf_model.h5"), dir + "/model.h5", "--naming", "timm"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("hdf5 (plain layout), timm naming") && r.stdout.contains("38 transposed"))
        let inspect = try BinaryRunner.run(["inspect", dir + "/model.h5"])
        #expect(inspect.stdout.contains("plain layout (timm naming, vit family)"))
    }

    @Test func strictRefusesUnknownTensorsAndWritesNothing() throws {
        var named = try SafetensorsFile(path: teacher).tensors
        named["ema.decay"] = Tensor(shape: [1], floats: [0.999])
        let dir = Fixtures.scratch()
        try SafetensorsWriter.write(named, to: dir + "/model.safetensors")
        let warn = try BinaryRunner.run(["convert", dir + "/model.safetensors", dir + "/out.h5", "--heads", "4", "--eps", "1e-6", "--no-config-json"])
        #expect(warn.status == 0 && warn.stderr.contains("ema.decay") && warn.stdout.contains("1 carried through"), "\(warn.stderr)")
        let strict = try BinaryRunner.run(["convert", dir + "/model.safetensors", dir + "/strict.h5", "--strict", "--heads", "4", "--eps", "1e-6"])
        #expect(strict.status != 0 && strict.stderr.contains("ema.decay"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/strict.h5"))
    }

    @Test(arguments: [("hdf5/odd/compound.h5", "compound"), ("hdf5/odd/keras3_mlp.weights.h5", "Keras 3")])
    func badInputsExitNonZeroWithoutOutput(input: String, message: String) throws {
        let dir = Fixtures.scratch()
        let r = try BinaryRunner.run(["convert", Fixtures.sample(input), dir + "/out.safetensors"])
        #expect(r.status != 0 && r.stderr.contains(input) && r.stderr.contains(message), "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    @Test func truncatedHDF5IsACleanError() throws {
        let dir = Fixtures.scratch()
        let bytes = try #require(FileManager.default.contents(atPath: Fixtures.sample("hdf5/tf/tf_model.h5")))
        _ = FileManager.default.createFile(atPath: dir + "/cut.h5", contents: bytes.prefix(300_000))
        let r = try BinaryRunner.run(["convert", dir + "/cut.h5", dir + "/out.safetensors"])
        #expect(r.status != 0 && r.stderr.contains("cut.h5") && !r.stderr.contains("HDF5-DIAG"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/out.safetensors"))
    }

    @Test func hfTFNamingNeedsAnHDF5Output() throws {
        let r = try BinaryRunner.run(["convert", teacher, Fixtures.scratch() + "/x.safetensors", "--naming", "hf-tf"])
        #expect(r.status != 0 && r.stderr.contains("hf-tf"))
    }
}
