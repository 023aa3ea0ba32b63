import Foundation

/// A `--exclude` pattern over node and weight names: a shell glob (`*`, `?`, `[…]`, matched with
/// fnmatch against the whole name) or, with a `re:` prefix, a regular expression (searched anywhere).
public struct ExcludePattern: Sendable, CustomStringConvertible {
    public let text: String
    private let regex: String?

    /// - Throws: `QuantizeError.pattern` for an empty pattern or a malformed regular expression.
    public init(_ text: String) throws {
        self.text = text
        if text.hasPrefix("re:") {
            let body = String(text.dropFirst(3))
            guard !body.isEmpty, (try? NSRegularExpression(pattern: body)) != nil else {
                throw QuantizeError.pattern("'\(text)' is not a valid regular expression")
            }
            regex = body
        } else {
            guard !text.isEmpty else { throw QuantizeError.pattern("empty pattern") }
            regex = nil
        }
    }

    public func matches(_ name: String) -> Bool {
        if let regex { return name.range(of: regex, options: .regularExpression) != nil }
        return fnmatch(text, name, 0) == 0
    }

    /// Whether the pattern names a Linear layer: by vitopt's node name (`head`, `blocks.3.attn.qkv`), by the
    /// weight's name in the file, or by the module name the file uses (the weight's name without
    /// `.weight`: Hugging Face's `classifier`, `vit.encoder.layer.3.attention.attention.query`).
    public func matches(layer node: String, weight: String?) -> Bool {
        if matches(node) { return true }
        guard let weight else { return false }
        return matches(weight) || (Self.moduleName(weight).map(matches) ?? false)
    }

    /// `x.weight` → `x`; nil for a name without that suffix.
    public static func moduleName(_ weight: String) -> String? {
        weight.hasSuffix(".weight") ? String(weight.dropLast(".weight".count)) : nil
    }

    public var description: String { text }
}
