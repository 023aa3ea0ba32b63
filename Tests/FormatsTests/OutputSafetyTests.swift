import Foundation
import Testing
import TestSupport
@testable import Formats
import Graph

/// No output replaces an input (`OutputGuard`), a set of files is committed together or not at all
/// (`AtomicFileSet`), and `config.json` beside an output never describes another model (`SidecarConfig`).
@Suite struct OutputSafetyTests {
    static let teacher = Fixtures.sample("digits/timm/model.safetensors")

    static func write(_ text: String, _ path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    static func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    /// Hidden temporaries and moved-aside files vitopt may leave in `dir`.
    static func leftovers(_ dir: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".tmp-") || $0.contains(".old-") }
    }

    @Test func anOutputThatIsAnInputUnderAnotherNameIsRefused() throws {
        let dir = Fixtures.scratch("guard")
        try Self.write("x", dir + "/in.bin")
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.bin", withDestinationPath: dir + "/in.bin")
        try FileManager.default.linkItem(atPath: dir + "/in.bin", toPath: dir + "/hard.bin")
        try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
        var g = OutputGuard()
        g.protect(dir + "/in.bin", as: "the input")
        for alias in [dir + "/in.bin", dir + "/link.bin", dir + "/hard.bin", dir + "/sub/../in.bin", dir + "/./in.bin"] {
            var o = g
            #expect(throws: OutputError.overwritesInput(output: alias, input: dir + "/in.bin", role: "the input")) { try o.claim(alias) }
        }
        var o = g
        try o.claim(dir + "/new.bin")
        #expect(throws: OutputError.sameOutputTwice(path: dir + "/sub/../new.bin", first: "the output", second: "the log")) {
            try o.claim(dir + "/sub/../new.bin", as: "the log")
        }
        try o.claim(dir + "/missing/x.bin", as: "an output in a folder to be made")
        #expect(throws: OutputError.self) { try o.claim(dir + "/in.bin/x.bin") }
        #expect(throws: OutputError.self) { try o.claim(dir + "/sub") }
        // a deliberate replacement (resume from and write to one checkpoint) is allowed, and only that one
        try o.claim(dir + "/link.bin", as: "the checkpoint", replacing: dir + "/in.bin")
        #expect(try Self.read(dir + "/in.bin") == "x")
    }

    @Test func aModelsConfigAndONNXExternalDataAreProtected() throws {
        let dir = Fixtures.scratch("guard")
        let loaded = try ModelLoader.load(Self.teacher)
        try ONNXModelSaver.save(loaded.model, to: dir + "/m.onnx", naming: .timm, externalData: true)
        try Self.write("{}", dir + "/config.json")
        var g = OutputGuard()
        g.protectModel(dir + "/m.onnx")
        for side in [dir + "/m.onnx.data", dir + "/config.json"] {
            var o = g
            #expect(throws: OutputError.self) { try o.claim(side) }
        }
        // writing any model over the input's external data is refused before a byte is written
        let before = try Data(contentsOf: URL(fileURLWithPath: dir + "/m.onnx.data"))
        #expect(throws: OutputError.self) {
            _ = try ModelSaver.save(loaded.model, to: dir + "/m.onnx.data", naming: .timm, writeConfigJSON: false, inputs: g)
        }
        // an ONNX output whose own external data would land on the input's is refused too
        var other = OutputGuard()
        other.protectModel(dir + "/m.onnx")
        try FileManager.default.createDirectory(atPath: dir + "/o", withIntermediateDirectories: true)
        #expect(throws: OutputError.self) { _ = try ONNXModelSaver.save(loaded.model, to: dir + "/m.onnx", naming: .hf, externalData: true, inputs: other) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/m.onnx.data")) == before)
        #expect(try Self.leftovers(dir).isEmpty)
    }

    @Test func aFileSetCommitsTogetherOrLeavesTheOldSet() throws {
        let dir = Fixtures.scratch("fileset")
        try Self.write("old main", dir + "/main")
        try Self.write("old side", dir + "/side")
        struct Boom: Error {}
        // the body fails after one file was queued: nothing changes, no temporary is left
        #expect(throws: Boom.self) {
            try AtomicFileSet.committing {
                let w = try AtomicFileWriter(path: dir + "/side")
                try w.write(Array("new side".utf8))
                try w.commit()
                #expect(TemporaryFiles.live.contains(w.tempPath))
                throw Boom()
            }
        }
        // a verify check that fails under the lock: nothing changes either
        #expect(throws: Boom.self) {
            try AtomicFileSet.committing(verify: { throw Boom() }) {
                for (name, text) in [("side", "new side"), ("main", "new main")] {
                    let w = try AtomicFileWriter(path: dir + "/" + name)
                    try w.write(Array(text.utf8))
                    try w.commit()
                }
            }
        }
        #expect(try Self.read(dir + "/main") == "old main" && Self.read(dir + "/side") == "old side")
        #expect(try Self.leftovers(dir).isEmpty)
        // a commit replaces both, leaves nothing else, and the writers' temporaries are unregistered
        var temps: [String] = []
        try AtomicFileSet.committing {
            for (name, text) in [("side", "new side"), ("main", "new main"), ("fresh", "fresh")] {
                let w = try AtomicFileWriter(path: dir + "/" + name)
                try w.write(Array(text.utf8))
                try w.commit()
                temps.append(w.tempPath)
                #expect(!FileManager.default.fileExists(atPath: dir + "/fresh") || name != "fresh")
            }
        }
        #expect(try Self.read(dir + "/main") == "new main" && Self.read(dir + "/side") == "new side" && Self.read(dir + "/fresh") == "fresh")
        #expect(try Set(FileManager.default.contentsOfDirectory(atPath: dir)) == ["main", "side", "fresh"])
        #expect(temps.allSatisfy { !TemporaryFiles.live.contains($0) })
    }

    @Test func aSetWaitsForAnotherWritersLockOnTheFolder() throws {
        let dir = Fixtures.scratch("lock")
        try Self.write("old", dir + "/main")
        let fd = open(dir, O_RDONLY | O_DIRECTORY)
        #expect(fd >= 0 && flock(fd, LOCK_EX) == 0)
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            try? AtomicFileSet.committing {
                for (name, text) in [("side", "new side"), ("main", "new main")] {
                    let w = try AtomicFileWriter(path: dir + "/" + name)
                    try w.write(Array(text.utf8))
                    try w.commit()
                }
            }
            done.signal()
        }
        #expect(done.wait(timeout: .now() + 0.5) == .timedOut, "the commit did not wait for the folder lock")
        #expect(try Self.read(dir + "/main") == "old" && !FileManager.default.fileExists(atPath: dir + "/side"))
        flock(fd, LOCK_UN)
        close(fd)
        #expect(done.wait(timeout: .now() + 30) == .success)
        #expect(try Self.read(dir + "/main") == "new main" && Self.read(dir + "/side") == "new side")
    }

    @Test func aDroppedWriterLeavesNoTemporaryAndTemporariesAreUnique() throws {
        let dir = Fixtures.scratch("writer")
        var paths: [String] = []
        do {
            let a = try AtomicFileWriter(path: dir + "/out"), b = try AtomicFileWriter(path: dir + "/out")
            #expect(a.tempPath != b.tempPath && a.tempPath.hasPrefix(dir + "/.out.tmp-"))
            paths = [a.tempPath, b.tempPath]
            #expect(paths.allSatisfy { FileManager.default.fileExists(atPath: $0) && TemporaryFiles.live.contains($0) })
        }
        #expect(paths.allSatisfy { !FileManager.default.fileExists(atPath: $0) && !TemporaryFiles.live.contains($0) })
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    @Test func configBesideTheOutputIsWrittenReplacedKeptOrRefused() throws {
        let loaded = try ModelLoader.load(Self.teacher)
        let c = loaded.model.config
        let dir = Fixtures.scratch("sidecar")
        let out = dir + "/model.safetensors"
        #expect(try SidecarConfig.decide(output: out, config: c) == .write(dir + "/config.json"))
        #expect(try SidecarConfig.decide(output: out, config: c, enabled: false) == .skip(reason: "--no-config-json"))
        try FileManager.default.copyItem(atPath: Fixtures.sample("digits/timm/config.json"), toPath: dir + "/config.json")
        #expect(try SidecarConfig.decide(output: out, config: c) == .replace(dir + "/config.json"))
        var inputs = OutputGuard()
        inputs.protectModel(dir + "/config.json", as: "x")
        guard case .keep = try SidecarConfig.decide(output: out, config: c, inputs: inputs) else {
            Issue.record("an input's config.json must be kept")
            return
        }
        // another model's config: refused, and ModelSaver writes nothing at all
        var other = c
        other.embedDim = c.embedDim * 2
        #expect(throws: OutputError.self) { try SidecarConfig.decide(output: out, config: other) }
        let before = try Self.read(dir + "/config.json")
        var wide = loaded.model
        wide.config = other
        #expect(throws: OutputError.self) { _ = try ModelSaver.save(wide, to: out, naming: .timm) }
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(try Self.read(dir + "/config.json") == before)
        // unreadable is refused too
        try Self.write("not json", dir + "/config.json")
        #expect(throws: OutputError.self) { try SidecarConfig.decide(output: out, config: c) }
        #expect(try Self.leftovers(dir).isEmpty)
    }

    @Test func aModelAndItsConfigAreReplacedTogether() throws {
        let loaded = try ModelLoader.load(Self.teacher)
        let dir = Fixtures.scratch("pair")
        let out = dir + "/model.safetensors"
        let first = try ModelSaver.save(loaded.model, to: out, naming: .timm)
        #expect(first.configAction == .write(dir + "/config.json"))
        let hf = try ModelSaver.save(loaded.model, to: out, naming: .hf)
        #expect(hf.configAction == .replace(dir + "/config.json"))
        #expect(try Self.read(dir + "/config.json").contains("\"model_type\""))
        #expect(try ModelLoader.load(out).convention == .hf)
        // A Hugging Face config.json comes with the image processor of the model's recipe.
        #expect(hf.preprocessorPath == dir + "/preprocessor_config.json")
        #expect(try Set(FileManager.default.contentsOfDirectory(atPath: dir)) == ["model.safetensors", "config.json", "preprocessor_config.json"])
    }

    @Test func anONNXModelAndItsExternalDataAreReplacedTogether() throws {
        let loaded = try ModelLoader.load(Self.teacher)
        let dir = Fixtures.scratch("onnxset")
        let path = dir + "/m.onnx"
        try ONNXModelSaver.save(loaded.model, to: path, naming: .timm, externalData: true)
        try ONNXModelSaver.save(loaded.model, to: path, naming: .hf, externalData: true)
        let back = try ModelLoader.load(path)
        #expect(back.convention == .hf)
        let a = loaded.model.packingQKV(), b = back.model.packingQKV()
        #expect(Set(a.tensors.keys) == Set(b.tensors.keys))
        for (key, t) in a.tensors { #expect(b.tensors[key]?.bitwiseEqual(t) == true, "\(key)") }
        #expect(try Set(FileManager.default.contentsOfDirectory(atPath: dir)) == ["m.onnx", "m.onnx.data"])
    }
}
