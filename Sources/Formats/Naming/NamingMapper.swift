import Graph

/// Maps checkpoint tensor names onto ViT parts (reading) and ViT parts onto names (writing).
public enum NamingMapper {
    /// The result of matching a file's tensor names against the conventions.
    public struct Match: Sendable {
        public var convention: NamingConvention
        /// The Hugging Face model prefix found (`vit.`, `deit.` or empty); empty for timm.
        public var prefix: String
        public var tensors: [ViTTensorKey: Tensor]
        public var sourceNames: [ViTTensorKey: String]
        /// Tensors that match no ViT part, by name.
        public var unmatched: [String: Tensor]
    }

    /// Detects the convention of `tensors` (or uses `forced`) and sorts them into ViT parts.
    /// - Throws: `FormatError.unknownConvention` listing what was found when nothing matches.
    public static func match(_ tensors: [String: Tensor], path: String, forced: NamingConvention? = nil) throws -> Match {
        var candidates: [(NamingConvention, String)] = []
        for c in forced.map({ [$0] }) ?? NamingConvention.allCases {
            if c == .timm { candidates.append((c, "")) } else { candidates += NamingTable.hfPrefixes.map { (c, $0) } }
        }
        var best: Match?
        var bestScore = 0
        for (convention, prefix) in candidates {
            let table = NamingTable.lookup(convention, prefix: prefix)
            var m = Match(convention: convention, prefix: prefix, tensors: [:], sourceNames: [:], unmatched: [:])
            for (name, t) in tensors {
                let (tmpl, block) = NamingTable.template(of: name)
                if let part = table[tmpl], part.isPerBlock == (block != nil) {
                    let key = ViTTensorKey(part, block: block)
                    m.tensors[key] = t
                    m.sourceNames[key] = name
                } else {
                    m.unmatched[name] = t
                }
            }
            let hasPatch = m.tensors[ViTTensorKey(.patchWeight)] != nil
            let score = hasPatch ? m.tensors.count : 0
            if score > bestScore { best = m; bestScore = score }
        }
        guard let result = best else {
            let sample = tensors.keys.sorted().prefix(6).joined(separator: ", ")
            let conventions = (forced.map { [$0] } ?? NamingConvention.allCases).map(\.rawValue).joined(separator: " or ")
            throw FormatError.unknownConvention(path: path,
                detail: "no patch-embedding weight in \(conventions) naming among \(tensors.count) tensors (found: \(sample)\(tensors.count > 6 ? ", …" : ""))")
        }
        return result
    }

    /// The tensors of `model` under `convention`'s names (qkv packed for timm, split for HF), plus its extras.
    /// - Throws: `FormatError.cannotExpress` when the convention has no name for a part the model has,
    ///   or an extra tensor's name collides with a parameter name.
    public static func names(for model: ViTDescription, convention: NamingConvention) throws -> [String: Tensor] {
        let shaped = convention == .timm ? model.packingQKV() : model.splittingQKV()
        let c = model.config
        var out: [String: Tensor] = [:]
        for (key, t) in shaped.tensors {
            guard let name = name(for: key, config: c, convention: convention) else {
                throw FormatError.cannotExpress(convention: convention.rawValue, detail: "'\(model.displayName(key))' (\(key.part.rawValue))")
            }
            out[name] = t
        }
        for (name, t) in model.extras {
            guard out[name] == nil else {
                throw FormatError.cannotExpress(convention: convention.rawValue, detail: "extra tensor '\(name)': the name is taken by a parameter")
            }
            out[name] = t
        }
        return out
    }

    /// The name `convention` writes for `key` of a model with `config`, or `nil` when it has none.
    public static func name(for key: ViTTensorKey, config c: ViTConfig, convention: NamingConvention) -> String? {
        guard let row = NamingTable.rows.first(where: { $0.part == key.part }) else { return nil }
        let spellings = NamingTable.spellings(row, convention)
        guard var name = spellings.first else { return nil }
        if convention == .hf && c.distToken && spellings.count > 1 { name = spellings[1] }
        let prefix = c.numClasses == 0 ? "" : (c.distToken ? "deit." : "vit.")
        name = name.replacingOccurrences(of: "{p}", with: prefix)
        if let b = key.block { name = name.replacingOccurrences(of: "{i}", with: String(b)) }
        return name
    }
}
