import Foundation

/// Small JSON helpers: deterministic writing of strings, and parsing into plain dictionaries.
enum JSONText {
    /// `s` as a JSON string literal: quotes, backslashes and control characters escaped, the rest raw UTF-8.
    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }

    /// Parses a JSON object; `nil` when the bytes are not valid UTF-8 JSON with an object at the top.
    static func object(_ bytes: UnsafeRawBufferPointer) -> [String: Any]? {
        let data = Data(bytes)
        guard let obj = try? JSONSerialization.jsonObject(with: data, options: []) else { return nil }
        return obj as? [String: Any]
    }

    /// Parses a JSON object from a string.
    static func object(_ text: String) -> [String: Any]? {
        guard let data = text.data(using: .utf8),
              let obj = try? JSONSerialization.jsonObject(with: data, options: []) else { return nil }
        return obj as? [String: Any]
    }

    /// A non-negative integer from a JSON number (rejecting fractions, negatives and booleans).
    static func count(_ value: Any?) -> Int? {
        guard let n = value as? NSNumber, !isBoolean(n) else { return nil }
        let d = n.doubleValue
        guard d >= 0, d == d.rounded(), d < 9.0e15 else { return nil }
        return n.intValue
    }

    /// An integer from a JSON number.
    static func int(_ value: Any?) -> Int? {
        guard let n = value as? NSNumber, !isBoolean(n) else { return nil }
        let d = n.doubleValue
        guard d == d.rounded(), abs(d) < 9.0e15 else { return nil }
        return n.intValue
    }

    /// A float from a JSON number.
    static func double(_ value: Any?) -> Double? {
        guard let n = value as? NSNumber, !isBoolean(n) else { return nil }
        return n.doubleValue
    }

    /// A boolean from a JSON `true`/`false`.
    static func bool(_ value: Any?) -> Bool? {
        guard let n = value as? NSNumber, isBoolean(n) else { return nil }
        return n.boolValue
    }

    /// Whether a parsed JSON number was written as `true`/`false`.
    ///
    /// `JSONSerialization` gives booleans their own `NSNumber` subclass (its name contains "Boolean");
    /// the classes are found once by parsing `[true, false]`, so each check compares one identifier
    /// (formatting the class name for every number took a tenth of a safetensors header parse).
    static func isBoolean(_ n: NSNumber) -> Bool {
        booleanClasses.isEmpty ? isBooleanByName(n) : booleanClasses.contains(ObjectIdentifier(Swift.type(of: n)))
    }

    /// The classes `JSONSerialization` parses `true` and `false` into (each named "…Boolean").
    private static let booleanClasses: Set<ObjectIdentifier> = {
        let parsed = (try? JSONSerialization.jsonObject(with: Data("[true,false]".utf8), options: [])) as? [Any] ?? []
        return Set(parsed.compactMap { value -> ObjectIdentifier? in
            guard let n = value as? NSNumber, isBooleanByName(n) else { return nil }
            return ObjectIdentifier(Swift.type(of: n))
        })
    }()

    /// The class-name test, for when the classes could not be found by parsing.
    private static func isBooleanByName(_ n: NSNumber) -> Bool {
        String(describing: Swift.type(of: n)).contains("Boolean")
    }

    /// Serialises a JSON-compatible value with sorted keys (for configs written next to models).
    static func pretty(_ value: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
