import Foundation
import Testing
import TestSupport

/// Absurd sizes through the real binary: numeric options out of range are refused by validation
/// (exit 64, naming the option and its range), and sizes inside the ranges that do not fit in memory
/// end with a typed "out of memory" naming what was being allocated (exit 1) — never a trap, and
/// never an output file. Before the checks each of these crashed with SIGILL or SIGTRAP.
@Suite struct SizeLimitCLITests {
    static let teacher = Fixtures.sample("digits/timm/model.safetensors")
    static let image = Fixtures.sample("digits/images/7/0.png")
    static let pixels = Fixtures.sample("digits/test_pixels.npy")

    static let outOfRange: [(args: [String], flag: String)] = [
        (["create", "vit_base_patch16_224", "OUT", "--classes", "1099511627776"], "--classes"),
        (["run", teacher, "--input", image, "--image-size", "65536x65536"], "--image-size"),
        (["run", teacher, "--input", image, "--image-size", "0"], "--image-size"),
        (["run", teacher, "--input", image, "--top", "0"], "--top"),
        (["run", teacher, "--input", image, "--threads", "99999999999"], "--threads"),
        (["resize-pos", teacher, "OUT", "--image-size", "20000"], "--image-size"),
        (["resize-pos", teacher, "OUT", "--patch-size", "4096"], "--patch-size"),
        (["bench", teacher, "--batch", "1,100000"], "--batch"),
        (["bench", teacher, "--threads", "0"], "--threads"),
        (["bench", teacher, "--runs", "0"], "--runs"),
        (["bench", "gemm", "--shape", "1x1x9999999"], "--shape"),
        (["eval", teacher, "--data", pixels, "--batch", "1000000"], "--batch"),
        (["distill", "--teacher", teacher, "--data", pixels, "--out", "OUT", "--student-dim", "100000"], "--student-dim"),
        (["distill", "--teacher", teacher, "--data", pixels, "--out", "OUT", "--student-depth", "100000"], "--student-depth"),
        (["distill", "--teacher", teacher, "--data", pixels, "--out", "OUT", "--epochs", "0"], "--epochs"),
    ]

    @Test(arguments: outOfRange)
    func optionsOutOfRangeAreRefused(_ args: [String], _ flag: String) throws {
        let out = Fixtures.scratch() + "/out.safetensors"
        let r = try BinaryRunner.run(args.map { $0 == "OUT" ? out : $0 })
        #expect(r.status == 64, "\(args): status \(r.status)\n\(r.stderr)")
        #expect(r.stderr.contains(flag) && r.stderr.contains("..."), "\(args): \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    /// Runs `vitopt args…` under `ulimit -v kilobytes`.
    func runLimited(_ args: [String], kilobytes: Int = 4_000_000) throws -> (reason: Process.TerminationReason, status: Int32, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", "ulimit -v \(kilobytes) && exec \"$0\" \"$@\"", BinaryRunner.binary] + args
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationReason, p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static let beyondMemory: [(args: [String], message: String)] = [
        // 200×200 patches: 40,001 tokens, whose attention scores alone are 6.4 GB.
        (["run", teacher, "--input", image, "--image-size", "800", "--threads", "1"],
         "out of memory: attention scores for node 'blocks.0.attn.core'"),
        // A 1.28-billion-parameter head: 5.1 GB of fp32.
        (["create", "vit_huge_patch14_224", "OUT", "--classes", "1000000"], "out of memory: "),
        (["distill", "--teacher", teacher, "--data", pixels, "--out", "OUT", "--student-dim", "8192", "--student-heads", "8",
          "--student-depth", "16", "--fresh-init"], "out of memory: student parameters"),
        // A 512-wide student on batches of 360: about 5 GB of activations for the backward pass.
        (["distill", "--teacher", teacher, "--data", pixels, "--out", "OUT", "--batch", "360", "--student-dim", "512", "--student-heads", "8",
          "--epochs", "1", "--threads", "1", "--latency-runs", "0"], "out of memory: training activations"),
    ]

    @Test(arguments: beyondMemory)
    func sizesBeyondMemoryAreTypedErrors(_ args: [String], _ message: String) throws {
        let out = Fixtures.scratch() + "/out.safetensors"
        let r = try runLimited(args.map { $0 == "OUT" ? out : $0 })
        #expect(r.reason == .exit && r.status == 1, "\(args): \(r.reason == .exit ? "exit" : "signal") \(r.status)\n\(r.stderr)")
        #expect(r.stderr.contains(message) && r.stderr.contains("available"), "\(args): \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
