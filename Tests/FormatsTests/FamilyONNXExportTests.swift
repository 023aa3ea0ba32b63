import Foundation
import Testing
import Formats
import Graph
import TestSupport

/// One of the families' own `torch.onnx` exports listed in `samples/families/index.json` (`onnx`
/// entry of a fixture): the file, the exporter, the input and ONNX Runtime's outputs on it.
struct FamilyONNXExport: Sendable, CustomStringConvertible {
    let fixture: String
    let exporter: String
    let file: String
    let input: String
    /// Output name → ONNX Runtime golden (paths relative to `samples/families`).
    let goldens: [String: String]

    var description: String { "\(fixture) \(exporter)" }

    static let all: [FamilyONNXExport] = {
        guard let data = FileManager.default.contents(atPath: FamilyFixture.root + "/index.json"),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let list = json["fixtures"] as? [[String: Any]] else { return [] }
        return list.flatMap { f -> [FamilyONNXExport] in
            guard let path = f["path"] as? String, let input = f["input"] as? String, let onnx = f["onnx"] as? [String: Any] else { return [] }
            return ["torchscript", "dynamo"].compactMap { exporter in
                guard let e = onnx[exporter] as? [String: Any], let file = e["file"] as? String,
                      let goldens = e["ort_outputs"] as? [String: String] else { return nil }
                return FamilyONNXExport(fixture: path, exporter: exporter, file: file, input: input, goldens: goldens)
            }
        }
    }()
}

/// Issue #13: each family's own TorchScript and dynamo exports run in vitopt to ONNX Runtime's
/// outputs within 1e-5 of each output's scale (`Tolerance.close`, relative to max(1, max|golden|)).
@Suite("The families' own torch.onnx exports against ONNX Runtime")
struct FamilyONNXExportTests {
    /// Exports vitopt cannot run yet, with the reason; each must still fail to load (so that the
    /// list shrinks when one starts working). Everything else in index.json must match.
    static let notYetRunnable: [String: String] = [:]

    @Test("index.json lists the exports")
    func listed() {
        #expect(FamilyONNXExport.all.count >= 20, "found \(FamilyONNXExport.all.count) exports")
        let files = Set(FamilyONNXExport.all.map(\.file))
        for known in Self.notYetRunnable.keys { #expect(files.contains(known), "\(known) is not in index.json") }
    }

    @Test("vitopt matches ONNX Runtime on the export", arguments: FamilyONNXExport.all)
    func export(_ e: FamilyONNXExport) throws {
        let path = FamilyFixture.root + "/" + e.file
        if let reason = Self.notYetRunnable[e.file] {
            #expect(throws: (any Error).self, "listed as not runnable (\(reason)) but it loads and runs") {
                let imported = try ONNXImporter.load(path)
                _ = try Executor(graph: imported.graph, registry: .onnx, threads: 1).run(["pixel_values": try Fixtures.npy("families/" + e.input)])
            }
            return
        }
        let imported = try ONNXImporter.load(path)
        let x = try Fixtures.npy("families/" + e.input)
        let out = try Executor(graph: imported.graph, registry: .onnx, threads: 2).run(["pixel_values": x])
        #expect(!e.goldens.isEmpty)
        for (name, golden) in e.goldens.sorted(by: { $0.key < $1.key }) {
            let want = try Fixtures.npy("families/" + golden)
            guard let got = out[name] else { Issue.record("\(e): no output '\(name)' (has \(out.keys.sorted()))"); continue }
            #expect(got.shape == want.shape, "\(e) \(name): shape \(got.shape) vs ONNX Runtime's \(want.shape)")
            #expect(Tolerance.close(got, want, relative: 1e-5),
                    "\(e) \(name): max abs diff \(Tolerance.maxAbsDiff(got, want)), scale \(Tolerance.maxAbs(want))")
        }
    }

    @Test("inspect reports an export that is not recognised as a ViT as a graph (issue #14)")
    func inspectUnrecognised() throws {
        let loaded = try ModelLoader.load(FamilyFixture.root + "/rope/hf-dinov3/onnx/torchscript.onnx")
        #expect(!loaded.recognized)
        let report = ModelReport(loaded)
        let graph = try #require(report.graph)
        #expect(graph.inputs.map(\.shape) == ["[N,3,32,32]"])
        #expect(graph.outputs.map(\.name) == ["last_hidden_state", "pooler_output"])
        #expect(graph.outputs.map(\.shape) == ["[N,21,16]", "[N,16]"])
        #expect(graph.ops.values.reduce(0, +) == graph.nodes && (graph.ops["LayerNorm"] ?? 0) == 5)
        #expect(report.parameters == loaded.rawTensors.values.reduce(0) { $0 + $1.count } && report.parameters > 7000)
        #expect(report.text.contains("output        pooler_output F32 [N,16]") && !report.text.contains("transformer   width"))
        // A recognised model keeps its ViT summary and has no graph entry.
        let vit = ModelReport(try ModelLoader.load(Fixtures.sample("digits/onnx/torchscript.onnx")))
        #expect(vit.graph == nil && vit.text.contains("transformer   width"))
    }
}
