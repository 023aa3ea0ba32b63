import Foundation
import Testing
import TestSupport

/// A model whose LayerNorm eps timm's config cannot carry (transformers' BEiT default 1e-12; timm's
/// `Beit` builds 1e-6) converts to timm naming with a warning on stderr naming both values; a model
/// at timm's own eps converts without one.
@Suite struct TimmEpsWarningCLITests {
    @Test func hfBEiTWithEps1e12WarnsInTimmNaming() throws {
        let dir = Fixtures.scratch()
        let r = try BinaryRunner.run(["convert", Fixtures.sample("distill/tiny-beit-hf-shared"), dir + "/timm/model.safetensors", "--naming", "timm"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("LayerNorm eps 1e-12") && r.stderr.contains("eps 1e-06") && r.stderr.contains("beit_base_patch16_224"),
                "\(r.stderr)")
    }

    @Test func hfBEiTWithEps1e6ConvertsQuietly() throws {
        let dir = Fixtures.scratch()
        let r = try BinaryRunner.run(["convert", Fixtures.sample("families/beit/hf-classifier"), dir + "/timm/model.safetensors", "--naming", "timm"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stderr.contains("LayerNorm eps"), "\(r.stderr)")
    }
}
