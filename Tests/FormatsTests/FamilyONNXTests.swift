import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Graph

/// Every supported family fixture exported to ONNX by vitopt, in its own convention and in timm's:
/// the file reads back as the same model (every tensor bit-exact, the same config), and its graph
/// computes what the safetensors model computes (max-abs ≤ 1e-5 of scale). ONNX Runtime's run of
/// these exports is checked by `scripts/check-families-ort.sh`.
@Suite struct FamilyONNXTests {
    static let supported = FamilyFixture.all.filter { FamilyParityTests.refused[$0.path] == nil }

    @Test(arguments: supported)
    func exportReadsBackBitExactAndRunsTheSame(_ f: FamilyFixture) throws {
        let loaded = try ModelLoader.load(f.file(f.weights))
        let own = NamingConvention(rawValue: f.convention) ?? .timm
        let x = try NpyArray.read(path: f.file(f.input))
        let direct = try Executor(graph: try loaded.graph(), threads: 2).run([ViTGraphBuilder.inputName: x])
        for convention in Set([own, .timm]) {
            guard case .success = ModelFamilies.writer(for: loaded.model, convention) else {
                #expect(convention != own, "\(f): its own convention \(own) cannot express it")
                continue
            }
            let path = Fixtures.scratch("family-onnx") + "/\(f.path.replacingOccurrences(of: "/", with: "_"))_\(convention.rawValue).onnx"
            let prepared = try NamingMapper.prepared(loaded.model, for: convention)
            try ONNXModelSaver.save(loaded.model, to: path, naming: convention)
            let back = try ModelLoader.load(path)
            let recognized = back.recognized
            #expect(recognized, "\(f) → \(convention): not read back as a model (\(back.warnings))")
            guard recognized else { continue }
            let sameConfig = back.model.config == prepared.config
            #expect(sameConfig, "\(f) → \(convention): config differs: \(ConfigSources.metadataValue(back.model.config)) vs \(ConfigSources.metadataValue(prepared.config))")
            for (key, t) in prepared.tensors {
                let same = back.model.tensors[key]?.bitwiseEqual(t) == true
                #expect(same, "\(f) → \(convention): \(key) differs")
            }
            let counts = (back.model.tensors.count, prepared.tensors.count)
            #expect(counts.0 == counts.1, "\(f) → \(convention): \(counts.0) tensors read back of \(counts.1)")
            let viaONNX = try Executor(graph: try back.graph(), registry: back.registry, threads: 2).run([ViTGraphBuilder.inputName: x])
            // Another convention may place a norm differently (CLIP's post-norm), so outputs are compared in the own one.
            for (name, want) in direct where convention == own {
                guard let got = viaONNX[name] else { Issue.record("\(f) → \(convention): no output \(name)"); continue }
                #expect(Tolerance.close(got, want, relative: 1e-5), "\(f) → \(convention) \(name): max diff \(Tolerance.maxAbsDiff(got, want))")
            }
        }
    }
}
