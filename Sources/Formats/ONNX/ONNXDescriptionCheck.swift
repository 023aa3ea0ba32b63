import Foundation
import Graph

/// Recovers the `ViTDescription` of an ONNX graph vitopt exported by building and comparing:
/// the file's own metadata (`vitopt.config`, `vitopt.naming`) and its initializers (named in that
/// convention) give a candidate description; `ViTGraphBuilder` builds it; both graphs run on one
/// seeded input, and the candidate is accepted only when every output agrees within `tolerance` of
/// its scale. This covers every family feature the builder has, with no structural walk to keep
/// in step with it (`ViTRecognizer` still reads exports of other tools by structure).
enum ONNXDescriptionCheck {
    /// Relative agreement required between the file's graph and the rebuilt one.
    static let tolerance: Float = 1e-4

    /// The description, or why there is none.
    static func recover(imported: ModelGraph, initializers: [String: Tensor], path: String) -> (ViTDescription?, String) {
        guard let text = imported.metadata[ConfigSources.namingKey], let naming = NamingConvention(rawValue: text),
              imported.metadata[ConfigSources.metadataKey] != nil else {
            return (nil, "no vitopt metadata to rebuild it from")
        }
        do {
            let loaded = try ModelLoader.fromTensors(initializers, metadata: imported.metadata, path: path, format: .onnx,
                                                     fileSize: 0, hints: ConfigHints(), naming: naming, canonicalLayout: true)
            var model = loaded.model
            model.extras = [:]
            let rebuilt = try ViTGraphBuilder.build(model)
            guard rebuilt.outputs == imported.outputs else {
                return (nil, "the outputs \(imported.outputs) are not the rebuilt model's \(rebuilt.outputs)")
            }
            let c = model.config
            var rng = SeededGenerator(seed: 20261206)
            let x = Tensor(shape: [1, c.channels, c.imageSize[0], c.imageSize[1]],
                           floats: (0..<(c.channels * c.imageSize[0] * c.imageSize[1])).map { _ in rng.normal() })
            let want = try Executor(graph: imported, registry: .onnx, threads: 1).run([ViTGraphBuilder.inputName: x])
            let got = try Executor(graph: rebuilt, threads: 1).run([ViTGraphBuilder.inputName: x])
            for name in rebuilt.outputs {
                guard let a = got[name], let b = want[name], a.shape == b.shape else { return (nil, "output '\(name)' differs in shape") }
                let fa = a.floatArray(), fb = b.floatArray()
                let scale = fb.reduce(Float(0)) { max($0, abs($1)) }
                let diff = zip(fa, fb).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }
                guard diff.isFinite, diff <= tolerance * max(scale, 1e-6) else {
                    return (nil, "the graph computes '\(name)' differently from the model its metadata describes (max diff \(diff))")
                }
            }
            return (model, "")
        } catch {
            return (nil, "\(error)")
        }
    }
}
