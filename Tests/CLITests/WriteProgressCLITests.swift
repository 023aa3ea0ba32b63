import Foundation
import Testing
import TestSupport

/// Progress of long writes and of `bench`, off a terminal: plain lines on standard error, and
/// standard output untouched (one JSON object with `--json`).
@Suite struct WriteProgressCLITests {
    /// ViT-S without a head (82 MiB, over the 64 MiB threshold) written by `create`, then
    /// converted: a line per tenth of the bytes, ending at the total; no escape sequences; the small
    /// digits model shows none.
    @Test func createAndConvertOfABigModelPrintPlainLines() throws {
        let dir = Fixtures.scratch()
        let c = try BinaryRunner.run(["create", "vit_small_patch16_224", dir + "/s.safetensors", "--classes", "0"])
        #expect(c.status == 0, "\(c.stderr)")
        let lines = c.stderr.split(separator: "\n").filter { $0.hasPrefix("create ") }
        // 22,050,664 parameters without the head's 385,000: 86,662,656 bytes = 82 MiB.
        #expect(lines.count >= 5 && lines.count <= 11 && lines.first?.hasPrefix("create 0/82 MB") == true
                && lines.last?.hasPrefix("create 82/82 MB") == true, "\(c.stderr)")
        #expect(!c.stderr.contains("\u{1B}[") && !c.stdout.contains("MB  "))
        let v = try BinaryRunner.run(["convert", dir + "/s.safetensors", dir + "/s.h5", "--json"])
        #expect(v.status == 0 && v.stderr.contains("convert 82/82 MB"), "\(v.stderr)")
        #expect((try? JSONSerialization.jsonObject(with: Data(v.stdout.utf8))) is [String: Any])
        let small = try BinaryRunner.run(["convert", ModelFolderOutputCLITests.teacher, dir + "/small/d.safetensors"])
        #expect(small.status == 0 && !small.stderr.contains("convert "), "\(small.stderr)")
    }

    @Test func benchCountsItsRuns() throws {
        let r = try BinaryRunner.run(["bench", ModelFolderOutputCLITests.teacher, "--runs", "2", "--warmup", "0",
                                      "--threads", "1", "--batch", "1,2", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("bench 8/8 runs") && !r.stderr.contains("\u{1B}["), "\(r.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect((object?["rows"] as? [Any])?.count == 2)
    }
}
