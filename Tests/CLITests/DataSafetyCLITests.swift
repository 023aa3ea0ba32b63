import Foundation
import Testing
import Formats
import Graph
import TestSupport

/// Through the real binary: no output replaces an input, a failing command writes nothing, Ctrl-C
/// leaves no temporary, `config.json` never describes another model, and distillation never saves
/// a non-finite model and checkpoints on Ctrl-C.
@Suite struct DataSafetyCLITests {
    static let teacher = Fixtures.sample("digits/timm/model.safetensors")

    /// A folder holding a copy of the digits model (no config.json: its metadata has the config).
    static func folder() throws -> String {
        let dir = Fixtures.scratch("datasafety")
        try FileManager.default.copyItem(atPath: teacher, toPath: dir + "/a.safetensors")
        return dir
    }

    static func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    static func leftovers(_ dir: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".tmp-") || $0.contains(".old-") }
    }

    @Test func outputsThatAreInputsAreRefusedAndTheInputsKept() throws {
        let dir = try Self.folder()
        let a = dir + "/a.safetensors"
        let x = dir + "/x.npy"
        try FileManager.default.copyItem(atPath: Fixtures.sample("digits/onnx_input.npy"), toPath: x)
        try FileManager.default.createSymbolicLink(atPath: dir + "/alias.safetensors", withDestinationPath: a)
        let c = try BinaryRunner.run(["convert", a, dir + "/m.onnx", "--external-data"])
        #expect(c.status == 0, "\(c.stderr)")
        let before = try [a, x, dir + "/m.onnx", dir + "/m.onnx.data"].map(Self.bytes)
        let cases: [([String], String)] = [
            (["quantize", a, a], a),
            (["quantize", a, dir + "/alias.safetensors"], a),
            (["resize-pos", a, a, "--image-size", "48"], a),
            (["convert", a, a, "--naming", "hf"], a),
            (["run", a, "--input", x, "--output", x], x),
            (["run", a, "--input", x, "--output", a], a),
            (["convert", dir + "/m.onnx", dir + "/m.onnx.data", "--format", "safetensors"], "m.onnx.data"),
            (["quantize", dir + "/m.onnx", dir + "/m.onnx.data"], "m.onnx.data"),
        ]
        for (args, named) in cases {
            let r = try BinaryRunner.run(args)
            #expect(r.status != 0 && r.stderr.contains("refusing to write") && r.stderr.contains(named), "\(args): \(r.stderr)")
        }
        #expect(try [a, x, dir + "/m.onnx", dir + "/m.onnx.data"].map(Self.bytes) == before)
        #expect(try Self.leftovers(dir).isEmpty)
    }

    @Test func aFailingCommandWritesNothing() throws {
        let dir = try Self.folder()
        let out = dir + "/q.safetensors"
        let wrong = dir + "/bad.npy"
        try NpyArray.write(Tensor(shape: [2, 3, 5, 5], floats: [Float](repeating: 0, count: 150)), to: wrong)
        for eval in [wrong, dir + "/missing.npy"] {
            let r = try BinaryRunner.run(["quantize", dir + "/a.safetensors", out, "--eval", eval])
            #expect(r.status != 0, "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out), "quantize wrote \(out) before checking --eval \(eval)")
        }
        // A missing output folder is made for a command that succeeds, and not left behind by one that fails.
        let missingFolder = try BinaryRunner.run(["convert", dir + "/a.safetensors", dir + "/no/such/out.safetensors"])
        #expect(missingFolder.status == 0 && FileManager.default.fileExists(atPath: dir + "/no/such/out.safetensors"), "\(missingFolder.stderr)")
        let failing = try BinaryRunner.run(["quantize", dir + "/a.safetensors", dir + "/new/deeper/q.safetensors", "--activations", "per-tensor",
                                            "--exclude", "re:("])
        #expect(failing.status != 0 && !FileManager.default.fileExists(atPath: dir + "/new"), "\(failing.stderr)")
        let underAFile = try BinaryRunner.run(["convert", dir + "/a.safetensors", wrong + "/out.safetensors"])
        #expect(underAFile.status != 0 && underAFile.stderr.contains("is a file, not a folder"), "\(underAFile.stderr)")
        let top = try BinaryRunner.run(["run", Fixtures.sample("hf-vitmodel/model.safetensors"), "--input",
                                        Fixtures.sample("digits/onnx_input.npy"), "--output", dir + "/y.npy", "--top", "1"])
        #expect(top.status != 0 && !FileManager.default.fileExists(atPath: dir + "/y.npy"), "\(top.stderr)")
        #expect(try Set(FileManager.default.contentsOfDirectory(atPath: dir)) == ["a.safetensors", "bad.npy", "no"])
    }

    @Test func aConfigOfAnotherModelBesideTheOutputIsRefusedNotLeft() throws {
        let dir = try Self.folder()
        try FileManager.default.createDirectory(atPath: dir + "/out", withIntermediateDirectories: true)
        let c = try BinaryRunner.run(["create", "vit_tiny_patch16_224", dir + "/out/other.safetensors", "--classes", "3"])
        #expect(c.status == 0, "\(c.stderr)")
        let config = try Self.bytes(dir + "/out/config.json")
        let r = try BinaryRunner.run(["convert", dir + "/a.safetensors", dir + "/out/model.safetensors"])
        #expect(r.status != 0 && r.stderr.contains("describes another model") && r.stderr.contains("config.json"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/out/model.safetensors"))
        #expect(try Self.bytes(dir + "/out/config.json") == config)
        let skip = try BinaryRunner.run(["convert", dir + "/a.safetensors", dir + "/out/model.safetensors", "--no-config-json"])
        #expect(skip.status == 0, "\(skip.stderr)")
        // the same architecture: model and config are replaced together
        let again = try BinaryRunner.run(["create", "vit_tiny_patch16_224", dir + "/out/other.safetensors", "--classes", "3", "--naming", "hf"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try String(contentsOfFile: dir + "/out/config.json", encoding: .utf8).contains("\"model_type\""))
        #expect(try Self.leftovers(dir + "/out").isEmpty)
    }

    /// Starts `vitopt args` with its output discarded.
    static func launch(_ args: [String]) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: BinaryRunner.binary)
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// Starts `vitopt args`, sends `signal` as soon as `ready()` holds, and returns the process once
    /// it ended, or nil when it finished before that.
    static func interrupt(_ args: [String], signal: Int32 = SIGINT, when ready: () -> Bool) throws -> Process? {
        let p = try launch(args)
        var sent = false
        while p.isRunning {
            if ready() {
                kill(p.processIdentifier, signal)
                sent = true
                break
            }
            usleep(500)
        }
        p.waitUntilExit()
        return sent ? p : nil
    }

    @Test func ctrlCDuringAWriteLeavesNoTemporaryAndNoOutput() throws {
        let dir = Fixtures.scratch("sigint")
        let src = dir + "/src.safetensors"
        let c = try BinaryRunner.run(["create", "vit_tiny_patch16_224", src, "--classes", "10", "--naming", "hf"])
        #expect(c.status == 0, "\(c.stderr)")
        try FileManager.default.createDirectory(atPath: dir + "/out", withIntermediateDirectories: true)
        let source = try Self.bytes(src)
        var interrupted = 0
        // The Keras layout transposes while it writes (about a second): the signal lands mid-write.
        for (attempt, sig) in [SIGINT, SIGTERM, SIGINT, SIGTERM].enumerated() {
            let temporaryExists = { (try? FileManager.default.contentsOfDirectory(atPath: dir + "/out"))?.contains { $0.contains(".tmp-") } == true }
            guard let p = try Self.interrupt(["convert", src, dir + "/out/tf_model.h5", "--no-config-json"], signal: sig,
                                             when: temporaryExists) else { continue }
            let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/out")
            print("attempt \(attempt): \(p.terminationReason == .uncaughtSignal ? "signal" : "exit") \(p.terminationStatus), \(files)")
            #expect(!files.contains { $0.contains(".tmp-") }, "attempt \(attempt): temporaries left: \(files)")
            if p.terminationReason == .uncaughtSignal {
                #expect(p.terminationStatus == sig)
                #expect(files.isEmpty, "attempt \(attempt): \(files)")
                interrupted += 1
            } else {
                // too late: the write had finished; the output must then be whole
                #expect(p.terminationStatus == 0)
                try FileManager.default.removeItem(atPath: dir + "/out/tf_model.h5")
            }
        }
        #expect(interrupted >= 1, "no attempt was interrupted mid-write")
        #expect(try Self.bytes(src) == source)
    }

    static func digits(_ dir: String) throws -> (String, String) {
        try DigitsTrainSlice.write(rows: 0..<256, to: dir)
    }

    @Test func distillRefusesBadOptionsAndMissingFoldersBeforeTraining() throws {
        let dir = Fixtures.scratch("distill-safety")
        let (x, y) = try Self.digits(dir)
        let base = ["distill", "--teacher", Self.teacher, "--data", x, "--labels", y, "--student-depth", "1", "--batch", "16",
                    "--epochs", "1", "--threads", "1", "--latency-runs", "0"]
        for (extra, message) in [(["--lr", "1e39"], "--lr"), (["--lr", "1e9"], "--lr"), (["--temperature", "1e-40"], "--temperature"),
                                 (["--weight-decay", "1e300"], "--weight-decay")] {
            let r = try BinaryRunner.run(base + ["--out", dir + "/s.safetensors"] + extra)
            #expect(r.status != 0 && r.stderr.contains(message) && !r.stderr.contains("training:"), "\(extra): \(r.stderr)")
        }
        let missing = try BinaryRunner.run(base + ["--out", x + "/s.safetensors"])
        #expect(missing.status != 0 && missing.stderr.contains("is a file, not a folder") && !missing.stderr.contains("training:"), "\(missing.stderr)")
        let clash = try BinaryRunner.run(base + ["--out", dir + "/s.safetensors", "--log", dir + "/s.safetensors"])
        #expect(clash.status != 0 && clash.stderr.contains("twice"), "\(clash.stderr)")
        // the student onto the teacher (a copy here, so a failure cannot damage the sample)
        let teacher = dir + "/t.safetensors"
        try FileManager.default.copyItem(atPath: Self.teacher, toPath: teacher)
        let before = try Self.bytes(teacher)
        var onTeacher = base
        onTeacher[2] = teacher
        let r = try BinaryRunner.run(onTeacher + ["--out", teacher])
        #expect(r.status != 0 && r.stderr.contains("refusing to write") && r.stderr.contains("the teacher"), "\(r.stderr)")
        #expect(try Self.bytes(teacher) == before)
        #expect(try Set(FileManager.default.contentsOfDirectory(atPath: dir)) == ["x.npy", "y.npy", "t.safetensors"])
    }

    @Test func ctrlCDuringDistillationCheckpointsAndResumeAppendsTheLog() throws {
        let dir = Fixtures.scratch("distill-sigint")
        let (x, y) = try Self.digits(dir)
        let out = dir + "/s.safetensors", log = dir + "/run.jsonl"
        let args = ["distill", "--teacher", Self.teacher, "--data", x, "--labels", y, "--out", out, "--student-depth", "1",
                    "--batch", "16", "--epochs", "2", "--threads", "1", "--latency-runs", "0", "--log", log]
        // once the first step is logged, the loop is running: the signal becomes a request
        let p = try Self.interrupt(args, when: { ((try? FileManager.default.attributesOfItem(atPath: log))?[.size] as? NSNumber)?.intValue ?? 0 > 0 })
        let files = try FileManager.default.contentsOfDirectory(atPath: dir)
        #expect(p?.terminationReason == .uncaughtSignal && p?.terminationStatus == SIGINT, "\(files)")
        #expect(!FileManager.default.fileExists(atPath: out) && !files.contains { $0.contains(".tmp-") }, "\(files)")
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(lines.count >= 1 && lines.count < 32, "\(lines.count) steps before the interrupt")
        let saved = try SafetensorsFile(path: out + ".ckpt")
        #expect(saved.metadata["vitopt.distill.step"] == String(lines.count))
        let r = try BinaryRunner.run(args + ["--resume", out + ".ckpt", "--checkpoint", out + ".ckpt"])
        #expect(r.status == 0, "\(r.stderr)")
        let all = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(all.count == 32 && all.last!.contains("\"step\":32"), "\(all.count) lines")
        #expect(try ModelLoader.load(out).model.config.depth == 1)
    }

    @Test func aSecondCtrlCStopsTrainingAtOnceLeavingNoTemporary() throws {
        let dir = Fixtures.scratch("distill-sigint2")
        let (x, y) = try Self.digits(dir)
        let out = dir + "/s.safetensors", log = dir + "/run.jsonl"
        let args = ["distill", "--teacher", Self.teacher, "--data", x, "--labels", y, "--out", out, "--student-depth", "1",
                    "--batch", "16", "--epochs", "2", "--threads", "1", "--latency-runs", "0", "--log", log, "--checkpoint-every", "1"]
        let logged = { ((try? FileManager.default.attributesOfItem(atPath: log))?[.size] as? NSNumber)?.intValue ?? 0 > 0 }
        let p = try Self.launch(args)
        while p.isRunning && !logged() { usleep(500) }
        kill(p.processIdentifier, SIGINT)
        kill(p.processIdentifier, SIGINT)
        p.waitUntilExit()
        let files = try FileManager.default.contentsOfDirectory(atPath: dir)
        #expect(p.terminationReason == .uncaughtSignal && p.terminationStatus == SIGINT)
        #expect(!files.contains { $0.contains(".tmp-") } && !files.contains("s.safetensors"), "\(files)")
        // whatever checkpoint is there is a whole one (written atomically before the second signal)
        if files.contains("s.safetensors.ckpt") { #expect(try SafetensorsFile(path: out + ".ckpt").metadata["vitopt.distill.step"] != nil) }
    }
}
