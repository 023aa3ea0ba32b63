/// Parameter-name templates: `{i}` stands for the block index, `{p}` for a model prefix
/// (`vit.`, `vision_model.`, …). Names are matched digit-normalised, so one template covers every block.
enum NameTemplate {
    /// Splits a name into its digit-normalised template and the block index it carries:
    /// `blocks.3.norm1.weight` → (`blocks.{i}.norm1.weight`, 3). The first dot-separated part made
    /// only of ASCII digits (and fitting an `Int`) becomes `{i}`.
    ///
    /// ASCII names (every real checkpoint's) are split as bytes: a model load templates every tensor
    /// name once per naming convention and prefix it tries, and splitting into `Character`s (grapheme
    /// breaking, Unicode number properties) was over half of a fuzzed load. Other names take the
    /// `Character` route, where a combining mark after a dot keeps the dot inside its grapheme.
    static func template(of name: String) -> (String, Int?) {
        let utf8 = name.utf8
        guard utf8.allSatisfy({ $0 < 0x80 }) else { return graphemeTemplate(of: name) }
        let dot = UInt8(ascii: "."), digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        var block: Int?
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count + 2)
        for (k, part) in utf8.split(separator: dot, omittingEmptySubsequences: false).enumerated() {
            if k > 0 { out.append(dot) }
            if block == nil, !part.isEmpty, part.allSatisfy(digits.contains), let v = Int(Substring(part)) {
                block = v
                out += "{i}".utf8
            } else {
                out += part
            }
        }
        return (String(decoding: out, as: UTF8.self), block)
    }

    /// `template(of:)` over `Character`s, for names with non-ASCII text.
    static func graphemeTemplate(of name: String) -> (String, Int?) {
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

    /// `template` with every `{p}` replaced by `prefix` and, given a `block`, every `{i}` by it; other
    /// text is copied (in one pass, without Foundation: a model load fills every template of every
    /// naming convention it tries).
    static func fill(_ template: String, prefix: String, block: Int?) -> String {
        var out = ""
        var rest = template[...]
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            rest = rest[open...]
            if rest.hasPrefix("{p}") {
                out += prefix
                rest = rest.dropFirst(3)
            } else if let b = block, rest.hasPrefix("{i}") {
                out += String(b)
                rest = rest.dropFirst(3)
            } else {
                out += "{"
                rest = rest.dropFirst()
            }
        }
        return out + rest
    }
}
