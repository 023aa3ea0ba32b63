import Foundation
import Graph

/// Recovers the `ViTDescription` of another tool's ONNX export (torch.onnx TorchScript or dynamo)
/// by deriving and checking, where the structural walk (`ViTRecognizer`) does not follow the
/// exporter's spelling of attention or pooling.
///
/// The candidate comes from the initializers: exporters keep the PyTorch parameter names of biases,
/// norms, tokens and tables, and each anonymous Linear weight (`val_28`, `onnx::MatMul_123`) is
/// named after the bias of its Linear (`….q_proj.bias` → `….q_proj.weight`, in the `[out, in]`
/// layout the import passes leave). A wrapper's leading name components (`model.`) are tried off.
/// The names are matched like a checkpoint's (`NamingMapper`), shapes give the config
/// (`ConfigResolver`), the graph gives the image size, LayerNorm epsilon, the head count its
/// attention reshapes use and the activation. Each candidate is built (`ViTGraphBuilder`) and run
/// beside the imported graph on one seeded input; it is accepted only when every graph output has a
/// rebuilt output of its shape (by name, else the first unmatched of that shape) within
/// `ONNXDescriptionCheck.tolerance` of its scale. Tensors are the file's values, unchanged.
enum ONNXDerivedDescription {
    /// Most candidate builds tried on one file (each is a model run).
    static let maxCandidates = 12

    /// - Parameter fileInitializers: the file's initializers as stored (a table the import passes
    ///   folded away, such as CLIP's `position_embedding.weight` behind its Gather, is still here).
    static func derive(_ imported: ModelGraph, fileInitializers: [String: Tensor], path: String) -> (ViTDescription?, String) {
        var named = namedTensors(imported)
        for (name, t) in fileInitializers where named[name] == nil && !imported.nodes.contains(where: { $0.op == OpKind.linear && $0.inputs.dropFirst().first == name + ".T" }) {
            named[name] = t
        }
        guard let (match, _) = bestMatch(named, path: path) else { return (nil, "no parameter names a naming convention knows") }
        var tensors = match.tensors, names = match.sourceNames
        if tensors[ViTTensorKey(.posEmbed)] == nil, let (name, t) = structuralPositions(imported) {
            tensors[ViTTensorKey(.posEmbed)] = t
            names[ViTTensorKey(.posEmbed)] = name
        }
        guard let input = imported.inputs.first, input.shape.count == 4, let h = input.shape[2].value, let w = input.shape[3].value else {
            return (nil, "input is not an image [N,C,H,W]")
        }
        var hints = ConfigHints()
        hints.imageSize = [h, w]
        if let eps = imported.nodes.first(where: { $0.op == OpKind.layerNorm })?.float("epsilon") { hints.eps = Double(String(eps)) ?? Double(eps) }
        var why = "no candidate computes what the graph computes"
        var tried = 0
        let width = tensors[ViTTensorKey(.patchWeight)]?.shape.first ?? 0
        // A classifier over twice the width reads the class token and the patch mean (DINOv2).
        let pools: [String?] = tensors[ViTTensorKey(.headWeight)]?.shape.last == 2 * width ? [ViTPooling.tokenAvg.rawValue] : [nil]
        for heads in headCounts(imported, width: width) {
            for act in activations(imported) {
                for pool in pools {
                    guard tried < maxCandidates else { return (nil, why) }
                    var hs = hints
                    hs.numHeads = heads
                    hs.activation = act
                    hs.globalPool = pool
                    hs.family = match.family
                    do {
                        let (config, _) = try ConfigResolver.resolve(tensors: tensors, hints: hs, convention: match.convention,
                                                                     family: match.family, path: path)
                        tried += 1
                        let model = ViTDescription(config: config, tensors: tensors, sourceNames: names)
                        if let reason = try disagreement(model, imported) { why = reason; continue }
                        return (model, "")
                    } catch {
                        why = "\(error)"
                    }
                }
            }
        }
        return (nil, why)
    }

    /// The graph's initializers under their own names, plus every anonymous Linear weight under its
    /// bias's name (`.bias` → `.weight`), in the Linear's `[out, in]` layout.
    static func namedTensors(_ g: ModelGraph) -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for (name, t) in g.initializers where !name.hasSuffix(".T") { out[name] = t }
        for n in g.nodes where n.op == OpKind.linear && n.inputs.count >= 2 {
            guard let w = g.initializers[n.inputs[1]] else { continue }
            let own = n.inputs[1].hasSuffix(".T") ? String(n.inputs[1].dropLast(2)) : n.inputs[1]
            if own.hasSuffix(".weight") {
                out[own] = w
            } else if n.inputs.count >= 3, n.inputs[2].hasSuffix(".bias"), g.initializers[n.inputs[2]] != nil {
                out[String(n.inputs[2].dropLast(".bias".count)) + ".weight"] = w
            }
        }
        return out
    }

    /// The naming match placing the most tensors, with 0, 1 or 2 leading name components removed.
    static func bestMatch(_ named: [String: Tensor], path: String) -> (NamingMapper.Match, Int)? {
        var best: (NamingMapper.Match, Int)?
        for strip in 0...2 {
            var renamed: [String: Tensor] = [:]
            for (name, t) in named {
                let parts = name.split(separator: ".", omittingEmptySubsequences: false)
                renamed[parts.count > strip ? parts.dropFirst(strip).joined(separator: ".") : name] = t
            }
            guard let m = try? NamingMapper.match(renamed, path: path) else { continue }
            if m.tensors.count > (best?.0.tensors.count ?? 0) { best = (m, strip) }
        }
        return best
    }

    /// The table added right after the patch embedding (or its prefix tokens), when the exporter
    /// folded it into an anonymous constant (TorchScript traces transformers' interpolation).
    static func structuralPositions(_ g: ModelGraph) -> (String, Tensor)? {
        guard let pe = g.nodes.first(where: { $0.op == OpKind.patchEmbed }) else { return nil }
        var x = pe.outputs[0]
        if let p = g.nodes.first(where: { $0.op == OpKind.prefixTokens && $0.inputs.first == x }) { x = p.outputs[0] }
        guard let add = g.nodes.first(where: { $0.op == OpKind.add && $0.inputs.count == 2 && $0.inputs.contains(x) }) else { return nil }
        let other = add.inputs[0] == x ? add.inputs[1] : add.inputs[0]
        guard let t = g.initializers[other], t.rank == 3 || t.rank == 2 else { return nil }
        return (other, t.rank == 2 ? t.reshaped([1] + t.shape) : t)
    }

    /// The activations to try: the graph's own when it spells one, else all three GELUs.
    static func activations(_ g: ModelGraph) -> [String] {
        if g.nodes.contains(where: { $0.op == OpKind.quickGelu }) { return [ViTActivation.quickGelu.rawValue] }
        if let gelu = g.nodes.first(where: { $0.op == OpKind.gelu }) {
            return [gelu.string("approximate") == "tanh" ? ViTActivation.geluTanh.rawValue : ViTActivation.gelu.rawValue]
        }
        return [ViTActivation.gelu.rawValue, ViTActivation.geluTanh.rawValue, ViTActivation.quickGelu.rawValue]
    }

    /// Head counts to try: those the graph's `[N, T, heads, headDim]` reshapes of a Linear output
    /// use, then divisors of the width (head widths nearest 64 first), four in all.
    static func headCounts(_ g: ModelGraph, width d: Int) -> [Int] {
        guard d > 0 else { return [] }
        let linearOutputs = Set(g.nodes.filter { $0.op == OpKind.linear }.flatMap(\.outputs))
        var counts: [Int] = []
        for n in g.nodes where n.op == "Reshape" && n.inputs.first.map(linearOutputs.contains) == true {
            guard case .ints(let s)? = n.attributes["shape"], s.count == 4, s[2] > 0, s[3] > 0, s[2] * s[3] == d,
                  !counts.contains(s[2]) else { continue }
            counts.append(s[2])
        }
        // Else the divisors of the width, head widths nearest 64 first.
        let divisors = (1...d).filter { d % $0 == 0 && !counts.contains($0) }.sorted { abs(d / $0 - 64) < abs(d / $1 - 64) }
        return counts + divisors.prefix(max(0, 4 - counts.count))
    }

    /// Why the candidate's graph does not compute the imported graph's outputs, or `nil` when it does.
    static func disagreement(_ model: ViTDescription, _ imported: ModelGraph) throws -> String? {
        let rebuilt = try ViTGraphBuilder.build(model)
        let c = model.config
        var rng = SeededGenerator(seed: 20261206)
        let x = Tensor(shape: [1, c.channels, c.imageSize[0], c.imageSize[1]],
                       floats: (0..<(c.channels * c.imageSize[0] * c.imageSize[1])).map { _ in rng.normal() })
        let want = try Executor(graph: imported, registry: .onnx, threads: 1).run([ViTGraphBuilder.inputName: x])
        let got = try Executor(graph: rebuilt, threads: 1).run([ViTGraphBuilder.inputName: x])
        var unused = rebuilt.outputs
        for name in imported.outputs {
            guard let b = want[name] else { return "no value for output '\(name)'" }
            let pick = unused.contains(name) && got[name]?.shape == b.shape ? name : unused.first { got[$0]?.shape == b.shape }
            guard let chosen = pick, let a = got[chosen] else { return "output '\(name)' \(b.shape) has no counterpart in \(rebuilt.outputs)" }
            unused.removeAll { $0 == chosen }
            let fa = a.floatArray(), fb = b.floatArray()
            let scale = fb.reduce(Float(0)) { max($0, abs($1)) }
            let diff = zip(fa, fb).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }
            guard diff.isFinite, diff <= ONNXDescriptionCheck.tolerance * max(scale, 1e-6) else {
                return "output '\(name)' differs from the derived model's '\(chosen)' (max diff \(diff))"
            }
        }
        return nil
    }
}
