import Foundation
import Testing
import TestSupport
@testable import Formats
@testable import Graph

/// Every model-family fixture run by vitopt against the outputs its own library computed (timm,
/// transformers, OpenCLIP), at max-abs ≤ 1e-5 of each output's scale. A classifier is also run
/// headless (its head removed) against the library's `forward_features`.
@Suite struct FamilyParityTests {
    static let tolerance: Float = 1e-5

    @Test func indexListsEveryFamily() {
        let families = Set(FamilyFixture.all.map(\.family))
        #expect(families.isSuperset(of: ["clip", "siglip", "dinov2"]), "families in samples/families/index.json: \(families)")
    }

    /// The golden's name in vitopt's graph: OpenCLIP's `tokens` are the patch rows of the hidden
    /// states, timm's `pre_logits` is a headless model's pooled output.
    static func graphOutput(_ golden: String) -> (name: String, dropFirstTokens: Int) {
        switch golden {
        case "tokens": return ("last_hidden_state", 1)
        case "pre_logits": return ("pooler_output", 0)
        default: return (golden, 0)
        }
    }

    func compare(_ got: Tensor, _ want: Tensor, dropFirstTokens: Int, _ what: String) {
        var g = got
        if dropFirstTokens > 0, g.shape.count == 3 {
            let (n, t, d) = (g.shape[0], g.shape[1], g.shape[2])
            let all = g.floatArray()
            var rows: [Float] = []
            for b in 0..<n {
                let start = (b * t + dropFirstTokens) * d, end = (b + 1) * t * d
                rows += all[start..<end]
            }
            g = Tensor(shape: [n, t - dropFirstTokens, d], floats: rows)
        }
        #expect(g.shape == want.shape, "\(what): shape \(g.shape), golden \(want.shape)")
        guard g.shape == want.shape else { return }
        #expect(Tolerance.close(g, want, relative: Self.tolerance),
                "\(what): max abs diff \(Tolerance.maxAbsDiff(g, want)), scale \(Tolerance.maxAbs(want))")
    }

    /// Fixtures of families vitopt refuses for now, with a word its error must contain.
    static let refused: [String: String] = [
        "rope/hf-dinov3": "RoPE", "rope/timm-dinov3": "RoPE", "rope/timm-eva02": "RoPE",
    ]

    /// Golden outputs that are MAE pre-training bookkeeping, not model outputs (with mask ratio 0 the
    /// mask is all zeros and the restore order the identity).
    static let bookkeeping: Set<String> = ["mask", "ids_restore"]

    @Test(arguments: FamilyFixture.all.filter { refused[$0.path] != nil })
    func unsupportedFamiliesAreRefusedByName(_ f: FamilyFixture) {
        do {
            _ = try ModelLoader.load(f.file(f.weights))
            Issue.record("\(f) loaded; expected a refusal naming \(Self.refused[f.path]!)")
        } catch {
            #expect("\(error)".contains(Self.refused[f.path]!), "\(f): \(error)")
        }
    }

    @Test(arguments: FamilyFixture.all.filter { refused[$0.path] == nil })
    func outputsMatchTheLibrary(_ f: FamilyFixture) throws {
        let loaded = try ModelLoader.load(f.file(f.weights))
        let family = ["plain": "vit", "dinov2_registers": "dinov2", "siglip2": "siglip"][f.family] ?? f.family
        #expect(loaded.model.config.family == family || f.convention == "timm", "\(f): read as family \(loaded.model.config.family)")
        let x = try NpyArray.read(path: f.file(f.input))
        let graph = try loaded.graph()
        let out = try Executor(graph: graph, threads: 2).run([ViTGraphBuilder.inputName: x])
        var checked = 0
        let goldens = f.outputs.filter { !Self.bookkeeping.contains($0.key) }
        for (golden, file) in goldens.sorted(by: { $0.key < $1.key }) {
            // A headless timm model's forward() returns its pooled features.
            let headlessTimm = golden == "logits" && loaded.model.config.numClasses == 0
            let (name, drop) = headlessTimm ? ("pooler_output", 0) : Self.graphOutput(golden)
            if name == "pooler_output", out[name] == nil, loaded.model.config.numClasses == 0,
               loaded.model.config.pooling == .token, let hidden = out["last_hidden_state"] {
                // A backbone whose pooled output is its class token (HF Dinov2Model): the first row.
                compare(try ViTPooledFeatures.tokens(hidden, config: loaded.model.config), try NpyArray.read(path: f.file(file)),
                        dropFirstTokens: 0, "\(f) \(golden) (class token)")
                checked += 1
            } else if let got = out[name] {
                compare(got, try NpyArray.read(path: f.file(file)), dropFirstTokens: drop, "\(f) \(golden)")
                checked += 1
            } else if loaded.model.config.numClasses > 0 && golden != "logits" {
                // A classifier's features: run it headless.
                var headless = loaded.model
                headless.config.numClasses = 0
                for p in [ViTPart.headWeight, .headBias] { headless.tensors[ViTTensorKey(p)] = nil }
                let features = try Executor(graph: ViTGraphBuilder.build(headless), threads: 2).run([ViTGraphBuilder.inputName: x])
                if golden == "last_hidden_state", let got = features["last_hidden_state"] {
                    compare(got, try NpyArray.read(path: f.file(file)), dropFirstTokens: 0, "\(f) \(golden) (headless)")
                    checked += 1
                } else if golden == "pre_logits" {
                    #expect(!headless.config.fcNorm || features["pooler_output"] != nil, "\(f): pre_logits with fc_norm needs the norm")
                    let pooled = try features["pooler_output"] ?? ViTPooledFeatures.tokens(features["last_hidden_state"]!, config: headless.config)
                    compare(pooled, try NpyArray.read(path: f.file(file)), dropFirstTokens: 0, "\(f) \(golden) (headless)")
                    checked += 1
                }
            }
        }
        #expect(checked == goldens.count, "\(f): checked \(checked) of \(goldens.keys.sorted()) against graph outputs \(graph.outputs)")
    }
}

/// A headless model's pooled feature from its (normalised) hidden states: the class token, or the
/// mean of the patch tokens for average pooling (summed in float64).
enum ViTPooledFeatures {
    static func tokens(_ hidden: Tensor, config: ViTConfig) throws -> Tensor {
        let (n, t, d) = (hidden.shape[0], hidden.shape[1], hidden.shape[2])
        let all = hidden.floatArray()
        guard config.pooling == .avg else {
            return Tensor(shape: [n, d], floats: (0..<n).flatMap { b in Array(all[(b * t) * d..<(b * t + 1) * d]) })
        }
        let start = config.numPrefixTokens
        var out = [Float](repeating: 0, count: n * d)
        for b in 0..<n {
            for j in 0..<d {
                var sum = 0.0
                for tok in start..<t { sum += Double(all[(b * t + tok) * d + j]) }
                out[b * d + j] = Float(sum / Double(t - start))
            }
        }
        return Tensor(shape: [n, d], floats: out)
    }
}
