import Foundation
import Testing
import TestSupport

/// Writing HDF5 onto a full disk (simulated with a file-size limit): a short typed error with the
/// system's reason, exit 1 (not a signal, not libhdf5's error-stack dump), no output left behind.
@Suite struct HDF5WriteFailureTests {
    @Test func fileSizeLimitIsATypedError() throws {
        let dir = Fixtures.scratch("hdf5-full")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        // SIGXFSZ ignored, so writes past the 20 KiB limit fail with EFBIG as on a full disk.
        p.arguments = ["-c", "trap '' XFSZ; ulimit -f 20; exec \"$0\" \"$@\"", BinaryRunner.binary,
                       "convert", Fixtures.sample("digits/timm/model.safetensors"), dir + "/out.h5"]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationReason == .exit && p.terminationStatus == 1, "\(p.terminationReason) \(p.terminationStatus): \(text)")
        #expect(text.contains(dir + "/out.h5") && text.contains("File too large"), "\(text)")
        #expect(text.count < 600 && !text.contains("crashed") && !text.contains("HDF5-DIAG"), "\(text)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }
}
