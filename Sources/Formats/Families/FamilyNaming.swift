import Graph

/// One family's parameter names in one convention (HF CLIP, OpenCLIP, timm, …) as data.
struct FamilyNaming: Sendable {
    let family: String
    let convention: NamingConvention
    /// Model prefixes accepted for `{p}` when reading.
    let prefixes: [String]
    /// Whether the convention stores each block's attention input projection packed (`qkv`) rather
    /// than as separate q, k, v.
    let packedQKV: Bool
    /// Whether the convention stores query and value biases but no key bias (BEiT, EVA-02, DINOv3).
    /// Such a file is read with a zero key bias. Writing drops the key bias, and no output changes: the
    /// key bias adds the same `q·b` to every logit in a query's row, and softmax ignores a constant shift.
    let keyBiasOmitted: Bool
    let rows: [NameRow]
    /// The prefix written for a model with `config` (e.g. `vit.` when it has a classifier).
    let writePrefix: @Sendable (ViTConfig) -> String

    init(family: String, convention: NamingConvention, prefixes: [String] = [""], packedQKV: Bool, keyBiasOmitted: Bool = false,
         rows: [NameRow], writePrefix: @escaping @Sendable (ViTConfig) -> String = { _ in "" }) {
        self.family = family
        self.convention = convention
        self.prefixes = prefixes
        self.packedQKV = packedQKV
        self.keyBiasOmitted = keyBiasOmitted
        self.rows = rows
        self.writePrefix = writePrefix
    }

    /// Reverse lookup for one prefix: digit-normalised name → row.
    func lookup(prefix: String) -> [String: NameRow] {
        var table: [String: NameRow] = [:]
        for row in rows {
            for s in row.names where table[NameTemplate.fill(s, prefix: prefix, block: nil)] == nil {
                table[NameTemplate.fill(s, prefix: prefix, block: nil)] = row
            }
        }
        return table
    }

    /// The row that writes `part`, if the convention has a name for it.
    func row(writing part: ViTPart) -> NameRow? {
        rows.first { $0.parts.contains(part) && !$0.names.isEmpty }
    }

    /// Every row that writes `part` of a model with `config` (several for row blocks).
    func rows(writing part: ViTPart, config: ViTConfig) -> [NameRow] {
        rows.filter { $0.parts.contains(part) && !$0.names.isEmpty && ($0.writtenWhen?(config) ?? true) }
    }
}
