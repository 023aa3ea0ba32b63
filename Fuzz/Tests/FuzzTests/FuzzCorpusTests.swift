import Foundation
import Testing
@testable import FuzzTargets
import Formats

/// The fuzz harnesses, run over their committed inputs without libFuzzer.
///
/// - Seeds named `valid-*` are files the reader must accept: a harness that refuses them reaches
///   none of the reader's deeper code, and fuzzing it would measure nothing.
/// - Every file in `regressions/` once crashed a reader; it must now be refused with an error.
///   (`found/` holds crashes not fixed yet; they are not replayed.)
/// Serialized: each harness rewrites one scratch file per target, as libFuzzer (one thread) expects.
@Suite("Fuzz corpora", .serialized)
struct FuzzCorpusTests {
    /// The repository's `Fuzz/` folder.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static func files(_ target: FuzzTarget, _ folder: String) -> [String] {
        let dir = root + "/" + target.folder + "/" + folder
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { dir + "/" + $0 }
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test("valid seeds are accepted", arguments: FuzzTarget.allCases)
    func validSeedsAccepted(_ target: FuzzTarget) throws {
        let valid = Self.files(target, "seeds").filter { ($0 as NSString).lastPathComponent.hasPrefix("valid-") }
        #expect(!valid.isEmpty, "\(target.rawValue) has no valid-* seed")
        for path in valid {
            #expect(target.run(try Self.bytes(path)) == .accepted, "\(path)")
        }
    }

    @Test("every seed runs to an outcome", arguments: FuzzTarget.allCases)
    func seedsRun(_ target: FuzzTarget) throws {
        let seeds = Self.files(target, "seeds")
        #expect(!seeds.isEmpty, "\(target.rawValue) has no seeds")
        for path in seeds { _ = target.run(try Self.bytes(path)) }
    }

    @Test("each reader's folder has one deepest target, and parse targets share it")
    func foldersAndDepth() {
        let folders = Dictionary(grouping: FuzzTarget.allCases, by: \.folder)
        for (folder, targets) in folders {
            #expect(targets.filter(\.isDeepest).count == 1, "\(folder): \(targets.map(\.rawValue))")
            #expect(targets.contains { $0.rawValue == folder }, "\(folder) has no target of its name")
        }
    }

    @Test("a parse target refuses what its load target refuses for a bad header, with the same error")
    func parseAndLoadAgreeOnBadHeaders() {
        // A header length past the end of the file: the byte-level reader refuses it in both routes.
        let bytes: [UInt8] = [0xFF, 0, 0, 0, 0, 0, 0, 0] + Array("{}".utf8)
        let parse = FuzzTarget.safetensors.run(bytes), load = FuzzTarget.safetensorsLoad.run(bytes)
        guard case .rejected(let why) = parse else {
            Issue.record("accepted a header length of 255 in a 10-byte file")
            return
        }
        #expect(parse == load)
        #expect(why.contains("model.safetensors"), "the error names the input: \(why)")
    }

    @Test("fixed crashes are refused with an error", arguments: FuzzTarget.allCases.filter(\.isDeepest))
    func regressionsRefused(_ target: FuzzTarget) throws {
        for path in Self.files(target, "regressions") {
            guard case .rejected = target.run(try Self.bytes(path)) else {
                Issue.record("\(path) was accepted; a crash reproducer should be refused")
                continue
            }
        }
    }

    @Test("a hostile config is refused, not accepted silently")
    func configRefusesNegativeSizes() {
        let json = #"{"model_type": "vit", "hidden_size": 64, "num_hidden_layers": 6, "num_attention_heads": 4, "intermediate_size": 128, "image_size": -32, "patch_size": 4}"#
        guard case .rejected = FuzzTarget.configLoad.run(Array(json.utf8)) else {
            Issue.record("image_size -32 was accepted")
            return
        }
    }

    @Test("the config input splits at the first NUL into config.json and preprocessor_config.json")
    func configSplit() {
        let config = #"{"model_type": "vit", "hidden_size": 64, "num_hidden_layers": 6, "num_attention_heads": 4, "intermediate_size": 128, "image_size": 32, "patch_size": 4}"#
        let pp = #"{"size": {"height": 32, "width": 32}, "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5]}"#
        for target in [FuzzTarget.config, .configLoad] {
            #expect(target.run(Array(config.utf8)) == .accepted, "\(target)")
            #expect(target.run(Array(config.utf8) + [0] + Array(pp.utf8)) == .accepted, "\(target)")
            // A broken preprocessor file is only read when it is there: after the NUL it must be refused.
            guard case .rejected(let why) = target.run(Array(config.utf8) + [0] + Array("{".utf8)) else {
                Issue.record("\(target): a truncated preprocessor_config.json was accepted")
                continue
            }
            #expect(why.contains("preprocessor_config.json"), "\(target): \(why)")
        }
    }

    @Test("the image target's header peek reads the size the decoder decodes")
    func imageSizePeek() throws {
        let seeds = Self.files(.image, "seeds")
        var checked = 0
        for path in seeds {
            let bytes = try Self.bytes(path)
            guard let image = try? ImageDecoder.decode(bytes: bytes, name: path) else { continue }
            #expect(ImageSize.pixels(bytes) == image.width * image.height, "\(path)")
            checked += 1
        }
        #expect(checked >= 2, "only \(checked) seeds decode")
        // A PNG declaring 4096 × 4096 is skipped before decoding, named as such.
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
        png += [0, 0, 0x10, 0, 0, 0, 0x10, 0, 8, 2, 0, 0, 0]
        guard case .rejected(let why) = FuzzTarget.image.run(png) else {
            Issue.record("a 4096 × 4096 PNG header was accepted")
            return
        }
        #expect(why.contains("16777216 pixels"), "\(why)")
        // Sides of 2³² − 1: the product overflows Int and is read as too large, not trapped on.
        let huge = Array(png[0..<16]) + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] + Array(png[24...])
        #expect(ImageSize.pixels(huge) == Int.max)
    }
}
