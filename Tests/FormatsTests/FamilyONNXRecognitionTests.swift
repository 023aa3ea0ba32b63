import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Graph

/// Other tools' ONNX exports of the families (`torch.onnx` TorchScript and dynamo, listed in
/// `samples/families/index.json`) read as models: recognised by structure or derived from their
/// parameter names (`ONNXDerivedDescription`), they convert to the library's own checkpoint — every
/// tensor bit-exact, under the library's names. Exports not listed here must stay unrecognised
/// (they still run, `FamilyONNXExportTests`), so the list grows by an edit when one starts working.
@Suite struct FamilyONNXRecognitionTests {
    /// Export → the fixture whose weights it holds.
    static let recognised: [String: String] = [
        "dinov2/hf/onnx/dynamo.onnx": "dinov2/hf", "dinov2/hf/onnx/torchscript.onnx": "dinov2/hf",
        "dinov2/hf-classifier/onnx/dynamo.onnx": "dinov2/hf-classifier", "dinov2/hf-classifier/onnx/torchscript.onnx": "dinov2/hf-classifier",
        "dinov2/hf-registers/onnx/dynamo.onnx": "dinov2/hf-registers",
        "siglip/timm/onnx/dynamo.onnx": "siglip/timm", "siglip/timm/onnx/torchscript.onnx": "siglip/timm",
        "siglip/hf/onnx/torchscript.onnx": "siglip/hf",
        "clip/timm-quickgelu/onnx/torchscript.onnx": "clip/timm-quickgelu",
        "plain/timm-flexivit/onnx/dynamo.onnx": "plain/timm-flexivit", "plain/timm-flexivit/onnx/torchscript.onnx": "plain/timm-flexivit",
        "plain/timm-so150m-reg4-gap/onnx/dynamo.onnx": "plain/timm-so150m-reg4-gap",
        "plain/timm-so150m-reg4-gap/onnx/torchscript.onnx": "plain/timm-so150m-reg4-gap",
    ]

    /// Tensors the exporters leave out because the forward pass never reads them.
    static let unused: Set<String> = ["embeddings.mask_token", "dinov2.embeddings.mask_token"]

    @Test("each family export is recognised or not, as listed", arguments: FamilyONNXExport.all)
    func recognition(_ e: FamilyONNXExport) throws {
        let loaded = try ModelLoader.load(FamilyFixture.root + "/" + e.file)
        #expect(loaded.recognized == (Self.recognised[e.file] != nil), "\(e.file): recognised \(loaded.recognized) \(loaded.warnings)")
    }

    @Test("a recognised export converts to the library's own tensors", arguments: Array(recognised.keys).sorted())
    func convertsBitExact(_ file: String) throws {
        let fixture = try #require(FamilyFixture.all.first { $0.path == Self.recognised[file] })
        let loaded = try ModelLoader.load(FamilyFixture.root + "/" + file)
        try #require(loaded.recognized, "\(file): \(loaded.warnings)")
        let convention = try #require(NamingConvention(rawValue: fixture.convention))
        var model = loaded.model
        model.extras = [:]
        let got = try NamingMapper.names(for: model, convention: convention)
        let want = try SafetensorsFile(path: fixture.file(fixture.weights)).tensors.filter { !Self.unused.contains($0.key) }
        let missing = Set(want.keys).subtracting(got.keys), extra = Set(got.keys).subtracting(want.keys).subtracting(Self.unused)
        #expect(missing.isEmpty && extra.isEmpty, "\(file): missing \(missing.sorted()), extra \(extra.sorted())")
        // Where vitopt itself holds a tensor in another form than the library's file (Dinov2WithRegisters'
        // class row summed into the class token), the export must give what the file gives vitopt.
        var fromFile = try ModelLoader.load(fixture.file(fixture.weights)).model
        fromFile.extras = [:]
        let viaVitopt = try NamingMapper.names(for: fromFile, convention: convention)
        for (name, stored) in want {
            guard let g = got[name] else { continue }
            let t = viaVitopt[name]?.bitwiseEqual(stored) == false ? viaVitopt[name]! : stored
            #expect(g.shape == t.shape && g.bitwiseEqual(t), "\(file): '\(name)' differs (\(g.shape) vs \(t.shape), max diff \(g.shape == t.shape ? Tolerance.maxAbsDiff(g, t) : .infinity))")
        }
    }
}
