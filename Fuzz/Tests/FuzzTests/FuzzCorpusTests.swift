import Foundation
import Testing
@testable import FuzzTargets

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
        let dir = root + "/" + target.rawValue + "/" + folder
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

    @Test("fixed crashes are refused with an error", arguments: FuzzTarget.allCases)
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
        guard case .rejected = FuzzTarget.config.run(Array(json.utf8)) else {
            Issue.record("image_size -32 was accepted")
            return
        }
    }

    @Test("the config input splits at the first NUL into config.json and preprocessor_config.json")
    func configSplit() {
        let config = #"{"model_type": "vit", "hidden_size": 64, "num_hidden_layers": 6, "num_attention_heads": 4, "intermediate_size": 128, "image_size": 32, "patch_size": 4}"#
        let pp = #"{"size": {"height": 32, "width": 32}, "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5]}"#
        #expect(FuzzTarget.config.run(Array(config.utf8)) == .accepted)
        #expect(FuzzTarget.config.run(Array(config.utf8) + [0] + Array(pp.utf8)) == .accepted)
        // A broken preprocessor file is only read when it is there: after the NUL it must be refused.
        guard case .rejected = FuzzTarget.config.run(Array(config.utf8) + [0] + Array("{".utf8)) else {
            Issue.record("a truncated preprocessor_config.json was accepted")
            return
        }
    }
}
