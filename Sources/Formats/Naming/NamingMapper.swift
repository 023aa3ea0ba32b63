import Graph

/// Maps checkpoint tensor names onto ViT parts (reading) and ViT parts onto names (writing),
/// through the registered families' namings (`ModelFamilies`).
public enum NamingMapper {
    /// The result of matching a file's tensor names against the conventions.
    public struct Match: Sendable {
        public var convention: NamingConvention
        /// The family whose naming matched (`ViTConfig.family`).
        public var family: String
        /// The model prefix found (`vit.`, `vision_model.`, `visual.` or empty).
        public var prefix: String
        public var tensors: [ViTTensorKey: Tensor]
        public var sourceNames: [ViTTensorKey: String]
        /// Tensors that match no ViT part, by name.
        public var unmatched: [String: Tensor]
    }

    /// Detects the family and convention of `tensors` (or tries only `forced`) and sorts them into
    /// ViT parts: the naming that places the most tensors wins (it must place a patch-embedding weight).
    /// A tensor stored in another layout (squeezed, transposed, joined) is reshaped only when its
    /// element count allows; otherwise it keeps its file shape and validation names it.
    /// - Throws: `FormatError.unknownConvention` listing what was found when nothing matches.
    /// With `canonicalLayout`, tensors are already in vitopt's layout under the convention's names (as
    /// vitopt's ONNX exports hold them: a joined tensor's later parts as `NAME.<part>`), so no layout
    /// is applied.
    public static func match(_ tensors: [String: Tensor], path: String, forced: NamingConvention? = nil,
                             canonicalLayout: Bool = false) throws -> Match {
        var best: Match?
        var bestScore = 0
        let templated = Self.templated(tensors)
        for naming in ModelFamilies.namings where forced == nil || naming.convention == forced {
            for prefix in naming.prefixes {
                let m = match(tensors, naming: naming, prefix: prefix, canonicalLayout: canonicalLayout, templated: templated)
                let score = m.tensors[ViTTensorKey(.patchWeight)] != nil ? m.tensors.count : 0
                if score > bestScore { best = m; bestScore = score }
            }
        }
        guard var result = best else {
            let sample = tensors.keys.sorted().prefix(6).joined(separator: ", ")
            let conventions = (forced.map { [$0] } ?? NamingConvention.allCases).map(\.rawValue).joined(separator: " or ")
            throw FormatError.unknownConvention(path: path,
                detail: "no patch-embedding weight in \(conventions) naming among \(tensors.count) tensors (found: \(sample)\(tensors.count > 6 ? ", …" : ""))")
        }
        if !canonicalLayout, let family = ModelFamilies.named(result.family) {
            result.tensors = family.canonical(result.tensors, from: result.convention)
        }
        return result
    }

    /// Each tensor with its name's template and block (`NameTemplate.template(of:)`), in `tensors`'
    /// order: computed once for all the namings and prefixes a load tries.
    static func templated(_ tensors: [String: Tensor]) -> [(name: String, tensor: Tensor, template: String, block: Int?)] {
        tensors.map { name, t in
            let (template, block) = NameTemplate.template(of: name)
            return (name, t, template, block)
        }
    }

    /// - Parameter templated: `templated(tensors)`, when the caller has it already.
    static func match(_ tensors: [String: Tensor], naming: FamilyNaming, prefix: String, canonicalLayout: Bool = false,
                      templated: [(name: String, tensor: Tensor, template: String, block: Int?)]? = nil) -> Match {
        let table = naming.lookup(prefix: prefix)
        var m = Match(convention: naming.convention, family: naming.family, prefix: prefix, tensors: [:], sourceNames: [:], unmatched: [:])
        var blocks: [ViTTensorKey: [Int: (String, Tensor)]] = [:]
        for (name, t, tmpl, block) in templated ?? Self.templated(tensors) {
            if canonicalLayout {
                if let row = table[tmpl], row.part.isPerBlock == (block != nil) {
                    m.tensors[ViTTensorKey(row.part, block: block)] = t
                    m.sourceNames[ViTTensorKey(row.part, block: block)] = name
                } else if let part = ViTPart.allCases.first(where: { tmpl.hasSuffix("." + $0.rawValue) }),
                          let row = table[String(tmpl.dropLast(part.rawValue.count + 1))],
                          row.parts.contains(part) || naming.keyBiasOmitted && row.part == .qBias && [.kBias, .qkvBias].contains(part),
                          part.isPerBlock == (block != nil) {
                    m.tensors[ViTTensorKey(part, block: block)] = t
                    m.sourceNames[ViTTensorKey(part, block: block)] = name
                } else {
                    m.unmatched[name] = t
                }
                continue
            }
            guard let row = table[tmpl], row.part.isPerBlock == (block != nil) else { m.unmatched[name] = t; continue }
            if case .rowBlock(let index, _) = row.layout {
                blocks[ViTTensorKey(row.part, block: block), default: [:]][index] = (name, t)
                continue
            }
            for (i, (part, value)) in read(t, row).enumerated() {
                let key = ViTTensorKey(part, block: block)
                m.tensors[key] = value
                // Parts split from one joined tensor need distinct names (they become initializer names).
                m.sourceNames[key] = i == 0 ? name : name + "." + part.rawValue
            }
        }
        if !canonicalLayout { assemble(blocks, naming: naming, into: &m) }
        if naming.keyBiasOmitted && !canonicalLayout { addZeroKeyBias(&m) }
        return m
    }

    /// A convention without key biases (`FamilyNaming.keyBiasOmitted`): each block with a query bias
    /// gets a zero key bias, packed with q and v into `qkv.bias` when the block's weights are packed.
    static func addZeroKeyBias(_ m: inout Match) {
        for (key, q) in m.tensors where key.part == .qBias {
            guard let b = key.block, q.shape.count == 1, m.tensors[ViTTensorKey(.kBias, block: b)] == nil else { continue }
            let kKey = ViTTensorKey(.kBias, block: b), vKey = ViTTensorKey(.vBias, block: b)
            let k = Tensor(zeros: q.dtype, shape: q.shape)
            guard m.tensors[ViTTensorKey(.qkvWeight, block: b)] != nil, let v = m.tensors[vKey], v.shape == q.shape, v.dtype == q.dtype else {
                m.tensors[kKey] = k
                m.sourceNames[kKey] = (m.sourceNames[key] ?? key.description) + "." + ViTPart.kBias.rawValue
                continue
            }
            let packed = ViTTensorKey(.qkvBias, block: b)
            m.tensors[packed] = Tensor.concatenateRows([q, k, v])
            m.sourceNames[packed] = (m.sourceNames[key] ?? key.description) + "." + ViTPart.qkvBias.rawValue
            for p in [key, vKey] { m.tensors[p] = nil; m.sourceNames[p] = nil }
        }
    }


    /// Joins the row blocks read into their canonical tensors (the blocks the naming does not store
    /// as zeros). Blocks of unequal shapes are left as the first one, for validation to name.
    static func assemble(_ blocks: [ViTTensorKey: [Int: (String, Tensor)]], naming: FamilyNaming, into m: inout Match) {
        for (key, pieces) in blocks {
            var count = 0, stored = Set<Int>()
            for row in naming.rows where row.part == key.part {
                if case .rowBlock(let i, let n) = row.layout { count = n; stored.insert(i) }
            }
            guard let first = pieces.keys.min(), let (name, sample) = pieces[first] else { continue }
            m.sourceNames[key] = name
            // A block the naming stores but the file lacks: the tensor is not split here (transformers
            // DINOv3's lone `up_proj` is the plain MLP's fc1), so the piece is the whole tensor.
            guard pieces.values.allSatisfy({ $0.1.shape == sample.shape && $0.1.dtype == sample.dtype }),
                  pieces.keys.allSatisfy((0..<count).contains), stored.isSubset(of: pieces.keys) else {
                m.tensors[key] = sample
                continue
            }
            m.tensors[key] = Tensor.concatenateRows((0..<count).map { pieces[$0]?.1 ?? Tensor(zeros: sample.dtype, shape: sample.shape) })
        }
    }

    /// Whether every element of `t` is zero (either sign).
    static func isZero(_ t: Tensor) -> Bool { t.floatArray().allSatisfy { $0 == 0 } }

    /// The canonical tensor(s) a file tensor stored under `row` holds.
    static func read(_ t: Tensor, _ row: NameRow) -> [(ViTPart, Tensor)] {
        switch row.layout {
        case .asIs:
            return [(row.part, t)]
        case .squeezed:
            let rank = row.part == .maskToken ? 2 : 3
            guard t.shape.count < rank else { return [(row.part, t)] }
            return [(row.part, t.reshaped(Array(repeating: 1, count: rank - t.shape.count) + t.shape))]
        case .transposed:
            guard t.shape.count == 2 else { return [(row.part, t)] }
            return [(row.part, t.permuted([1, 0]))]
        case .rowBlock:
            return [(row.part, t)]
        case .joined(let parts, let shares):
            let total = shares.reduce(0, +)
            guard let rows = t.shape.first, total > 0, rows % total == 0 else { return [(row.part, t)] }
            let unit = rows / total
            var start = 0
            return zip(parts, shares).map { part, share in
                defer { start += share * unit }
                return (part, t.slice(rows: start..<(start + share * unit)))
            }
        }
    }

    /// `model` ready to be written in `convention`: the family that writes it (the model's own when it
    /// can, `ModelFamilies.writer`), the model rearranged into that family's equivalent form, and its
    /// naming. `config.family` names the writing family.
    /// - Throws: `FormatError.cannotExpress` saying why no family's `convention` can hold the model.
    public static func prepared(_ model: ViTDescription, for convention: NamingConvention) throws -> ViTDescription {
        try preparedWithNaming(model, for: convention).0
    }

    static func preparedWithNaming(_ model: ViTDescription, for convention: NamingConvention) throws -> (ViTDescription, FamilyNaming) {
        let family = try ModelFamilies.writer(for: model, convention).get()
        guard let naming = ModelFamilies.naming(family, convention) else {
            throw FormatError.cannotExpress(convention: convention.rawValue, detail: "a \(family.name) model")
        }
        var out = family.adapted(model, to: convention)
        out.config.family = family.name
        out = naming.packedQKV ? out.packingQKV() : out.splittingQKV()
        return (out, naming)
    }

    /// The tensors of `model` under `convention`'s names (qkv packed or split as the convention
    /// stores it, layouts applied), plus its extras.
    /// - Throws: `FormatError.cannotExpress` when no family's convention has a name for a part the
    ///   model has, or an extra tensor's name collides with a parameter name.
    public static func names(for model: ViTDescription, convention: NamingConvention) throws -> [String: Tensor] {
        var (shaped, naming) = try preparedWithNaming(model, for: convention)
        if naming.keyBiasOmitted { shaped = shaped.droppingKeyBias() }
        if let family = ModelFamilies.named(shaped.config.family) {
            shaped.tensors = family.stored(shaped.tensors, config: shaped.config, in: convention)
        }
        var out: [String: Tensor] = [:]
        for (key, t) in shaped.tensors {
            let rows = naming.rows(writing: key.part, config: shaped.config)
            if rows.count > 1 || rows.contains(where: { if case .rowBlock = $0.layout { return true }; return false }) {
                try writeBlocks(t, key: key, rows: rows, config: shaped.config, naming: naming, into: &out)
                continue
            }
            guard let row = rows.first, let name = name(for: key, config: shaped.config, naming: naming) else {
                throw FormatError.cannotExpress(convention: convention.rawValue, detail: "'\(model.displayName(key))' (\(key.part.rawValue))")
            }
            switch row.layout {
            case .asIs: out[name] = t
            case .squeezed(let rank): out[name] = t.reshaped(Array(t.shape.suffix(rank)))
            case .transposed: out[name] = t.permuted([1, 0])
            case .rowBlock: break
            case .joined(let parts, _):
                guard key.part == parts[0] else { continue }
                let pieces = parts.compactMap { shaped.tensors[ViTTensorKey($0, block: key.block)] }
                guard pieces.count == parts.count else {
                    throw FormatError.cannotExpress(convention: convention.rawValue, detail: "'\(name)' without all of \(parts.map(\.rawValue))")
                }
                out[name] = Tensor.concatenateRows(pieces)
            }
        }
        for (name, t) in shaped.extras {
            guard out[name] == nil else {
                throw FormatError.cannotExpress(convention: convention.rawValue, detail: "extra tensor '\(name)': the name is taken by a parameter")
            }
            out[name] = t
        }
        return out
    }

    /// Writes `t` as the row blocks `rows` store (each an equal slice of rows); the blocks no row
    /// stores must be zero.
    /// - Throws: `FormatError.cannotExpress` for a non-zero unstored block or rows that do not split evenly.
    static func writeBlocks(_ t: Tensor, key: ViTTensorKey, rows: [NameRow], config: ViTConfig, naming: FamilyNaming,
                            into out: inout [String: Tensor]) throws {
        var count = 0, stored = Set<Int>()
        for row in rows { if case .rowBlock(let i, let n) = row.layout { count = n; stored.insert(i) } }
        guard count > 0, let total = t.shape.first, total % count == 0 else {
            throw FormatError.cannotExpress(convention: naming.convention.rawValue, detail: "'\(key)' in \(count) equal row blocks")
        }
        let unit = total / count
        for i in 0..<count where !stored.contains(i) {
            guard isZero(t.slice(rows: (i * unit)..<((i + 1) * unit))) else {
                throw FormatError.cannotExpress(convention: naming.convention.rawValue, detail: "'\(key)' with a non-zero block \(i) (the convention stores none)")
            }
        }
        for row in rows {
            guard case .rowBlock(let i, _) = row.layout, let template = row.names.first else { continue }
            out[NameTemplate.fill(template, prefix: naming.writePrefix(config), block: key.block)] = t.slice(rows: (i * unit)..<((i + 1) * unit))
        }
    }

    /// The name `naming` writes for `key` of a model with `config`, or `nil` when it has none.
    static func name(for key: ViTTensorKey, config c: ViTConfig, naming: FamilyNaming) -> String? {
        guard let row = naming.rows(writing: key.part, config: c).first, let first = row.names.first else { return nil }
        let template = c.distToken ? (row.distilledName ?? first) : first
        return NameTemplate.fill(template, prefix: naming.writePrefix(c), block: key.block)
    }

    /// The name `convention` writes for `key` of `model` (after `prepared`), or `nil` when it has none.
    public static func name(for key: ViTTensorKey, in model: ViTDescription, convention: NamingConvention) -> String? {
        guard let family = ModelFamilies.named(model.config.family), let naming = ModelFamilies.naming(family, convention) else { return nil }
        // A convention without key biases names the zero key bias (and a packed qkv bias) after the query bias.
        if naming.keyBiasOmitted, [.kBias, .qkvBias].contains(key.part),
           let q = name(for: ViTTensorKey(.qBias, block: key.block), config: model.config, naming: naming) {
            return q + "." + key.part.rawValue
        }
        guard let base = name(for: key, config: model.config, naming: naming) else { return nil }
        // Parts sharing one joined tensor get distinct initializer names.
        if case .joined(let parts, _)? = naming.row(writing: key.part)?.layout, key.part != parts[0] { return base + "." + key.part.rawValue }
        return base
    }
}
