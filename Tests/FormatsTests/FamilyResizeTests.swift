import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Graph

/// Every family at another resolution as its own library does it: timm's `checkpoint_filter_fn`
/// (`resample_abs_pos_embed`, bicubic with antialias — OpenCLIP's `resize_pos_embed` is the same),
/// transformers' `interpolate_pos_encoding` (bicubic, no antialias). The resampled table equals the
/// library's within 1e-6 of its scale, and the outputs at the new size within 1e-5.
@Suite struct FamilyResizeTests {
    static let cases = FamilyFixture.all.filter { FamilyParityTests.refused[$0.path] == nil && $0.resize != nil }

    @Test(arguments: cases)
    func resizedModelMatchesTheLibrary(_ f: FamilyFixture) throws {
        let loaded = try ModelLoader.load(f.file(f.weights))
        let r = try #require(f.resize)
        let preset = ResamplePreset.preferred(for: loaded.model.config, huggingFace: loaded.convention == .hf)
        let (model, _) = try loaded.model.resized(imageSize: [r.size, r.size], interpolation: preset.interpolation)
        if let golden = f.resizedPositions {
            var want = try NpyArray.read(path: f.file(golden))
            let got = try #require(model.tensors[ViTTensorKey(.posEmbed)])
            if loaded.convention == .hf, model.config.regTokens > 0, !model.config.posEmbedIncludesPrefix, want.rank == 3,
               want.shape[1] == got.shape[1] + 1 {
                // Dinov2WithRegisters: the library's table has the class row vitopt holds in the class token.
                let rows = want.reshaped([want.shape[1], want.shape[2]])
                want = rows.slice(rows: 1..<want.shape[1]).copy().reshaped([1, got.shape[1], want.shape[2]])
            }
            let flat = Tensor(shape: want.shape, floats: got.floatArray())
            #expect(got.count == want.count && Tolerance.close(flat, want, relative: 1e-6),
                    "\(f): position table max diff \(Tolerance.maxAbsDiff(flat, want))")
        }
        let x = try NpyArray.read(path: f.file(r.input))
        let out = try Executor(graph: ViTGraphBuilder.build(model), threads: 2).run([ViTGraphBuilder.inputName: x])
        var checked = 0
        for (golden, file) in r.outputs.sorted(by: { $0.key < $1.key }) where !FamilyParityTests.bookkeeping.contains(golden) {
            let headlessTimm = golden == "logits" && model.config.numClasses == 0
            let (name, drop) = headlessTimm ? ("pooler_output", 0) : FamilyParityTests.graphOutput(golden)
            guard let got = out[name] else { continue }
            FamilyParityTests().compare(got, try NpyArray.read(path: f.file(file)), dropFirstTokens: drop, "\(f) at \(r.size) \(golden)")
            checked += 1
        }
        #expect(checked > 0, "\(f): no resize golden is an output of the graph \(Array(out.keys))")
    }
}
