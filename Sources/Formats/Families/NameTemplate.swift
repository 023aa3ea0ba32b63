/// Parameter-name templates: `{i}` stands for the block index, `{p}` for a model prefix
/// (`vit.`, `vision_model.`, …). Names are matched digit-normalised, so one template covers every block.
enum NameTemplate {
    /// Splits a name into its digit-normalised template and the block index it carries:
    /// `blocks.3.norm1.weight` → (`blocks.{i}.norm1.weight`, 3).
    static func template(of name: String) -> (String, Int?) {
        var block: Int?
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map { part -> String in
            if !part.isEmpty, part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber), block == nil, let v = Int(part) {
                block = v
                return "{i}"
            }
            return String(part)
        }
        return (parts.joined(separator: "."), block)
    }

    /// `template` with the prefix and block index filled in.
    static func fill(_ template: String, prefix: String, block: Int?) -> String {
        var name = template.replacingOccurrences(of: "{p}", with: prefix)
        if let b = block { name = name.replacingOccurrences(of: "{i}", with: String(b)) }
        return name
    }
}
