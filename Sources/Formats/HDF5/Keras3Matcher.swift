import Graph

/// Matches the unnamed variables of a Keras 3 `.weights.h5` (`layers/<name>/vars/<i>`) to a ViT.
///
/// Keras 3 stores a layer's variables by position, not name. A variable is named from its layer
/// path (the `layers/` and `vars/` levels removed, `_._` read as `.`) and its role guessed by shape
/// the way Keras layers create them: var 0 of a 2-D or 4-D variable is a kernel (transposed as in
/// `KerasNames`), var 1 the bias; a LayerNormalization (`norm` in the name) holds gamma then beta;
/// a lone variable keeps the layer's own name (`cls_token`, `position_embeddings`). Files whose
/// layers do not follow Hugging Face's module names fail to match, and the error lists what the
/// file holds.
enum Keras3Matcher {
    static func read(_ file: HDF5File) throws -> [String: Tensor] {
        let datasets = try file.datasets()
        var byLayer: [String: [(Int, String)]] = [:]
        for d in datasets {
            let parts = d.split(separator: "/").map(String.init)
            guard parts.count >= 2, parts[parts.count - 2] == "vars", let i = Int(parts.last!) else { continue }
            let layer = parts.dropLast(2).filter { $0 != "layers" }.joined(separator: ".").replacingOccurrences(of: "_._", with: ".")
            byLayer[layer, default: []].append((i, d))
        }
        var out: [String: Tensor] = [:]
        for (layer, vars) in byLayer {
            let sorted = vars.sorted { $0.0 < $1.0 }
            let isNorm = layer.split(separator: ".").last.map { $0.lowercased().contains("norm") } ?? false
            for (i, d) in sorted {
                let t = try file.tensor(d)
                var name: String
                if sorted.count == 1 && !(t.rank == 2 || t.rank == 4) {
                    name = layer
                } else {
                    name = layer + "." + (i == 0 ? "weight" : (i == 1 ? "bias" : "var\(i)"))
                }
                if layer.isEmpty { name = d.replacingOccurrences(of: "/", with: ".") }
                var tensor = t
                if i == 0 && !isNorm && (t.rank == 2 || t.rank == 4) { tensor = t.permuted(t.rank == 4 ? [3, 2, 0, 1] : [1, 0]) }
                out[name] = tensor
            }
        }
        if (try? NamingMapper.match(out, path: file.path, forced: .hf)) == nil {
            let listing = byLayer.keys.sorted().prefix(8).map { l -> String in
                let shapes = byLayer[l]!.sorted { $0.0 < $1.0 }.map { (try? file.info($0.1).shape).map { "\($0)" } ?? "?" }
                return "\(l.isEmpty ? "<root>" : l) \(shapes.joined(separator: " "))"
            }
            throw FormatError.unknownConvention(path: file.path,
                detail: "Keras 3 weights (layers/<name>/vars/<i>) whose layers cannot be matched to a ViT by name and shape; found \(datasets.count) variables in \(byLayer.count) layers: \(listing.joined(separator: "; "))\(byLayer.count > 8 ? "; …" : "")")
        }
        return out
    }
}
