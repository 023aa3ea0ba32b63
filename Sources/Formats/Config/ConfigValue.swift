import Foundation
import Graph

/// Checked reads of the numbers in a `config.json` or `preprocessor_config.json`.
///
/// A key that is absent or `null` reads as `nil`. A key that is present must hold what is meant —
/// an integer (not a fraction, not a boolean) or a finite float — inside the given range, or the
/// read throws `FormatError.config` naming the file and the key. No untrusted JSON number reaches
/// `Int(someDouble)`: conversions are range-checked first.
struct ConfigValue {
    let json: [String: Any]
    let path: String
    /// Prepended to key names in messages (`"model_args."`).
    var scope = ""

    func fail(_ key: String, _ detail: String) -> FormatError {
        .config(path: path, detail: "'\(scope)\(key)' \(detail)")
    }

    func present(_ key: String) -> Any? {
        guard let v = json[key], !(v is NSNull) else { return nil }
        return v
    }

    /// An integer in `range`.
    func int(_ key: String, _ range: ClosedRange<Int>) throws -> Int? {
        guard let v = present(key) else { return nil }
        return try Self.integer(v, range) { fail(key, $0) }
    }

    /// A finite float in `range`.
    func double(_ key: String, _ range: ClosedRange<Double>) throws -> Double? {
        guard let v = present(key) else { return nil }
        guard let d = JSONText.double(v), d.isFinite, range.contains(d) else {
            throw fail(key, "= \(v) must be a number in \(range.lowerBound)...\(range.upperBound)")
        }
        return d
    }

    /// `224` or `[224, 224]` as `[h, w]`, each in `range`.
    func pair(_ key: String, _ range: ClosedRange<Int>) throws -> [Int]? {
        guard let v = present(key) else { return nil }
        if let a = v as? [Any] {
            guard a.count == 2 else { throw fail(key, "must be one integer or two [h, w], has \(a.count) values") }
            return try a.map { try Self.integer($0, range) { fail(key, $0) } }
        }
        let n = try Self.integer(v, range) { fail(key, $0) }
        return [n, n]
    }

    /// Exactly `count` finite floats, each in `range`.
    func floats(_ key: String, count: Int, _ range: ClosedRange<Double>) throws -> [Float]? {
        guard let v = present(key) else { return nil }
        guard let a = v as? [Any], a.count == count else { throw fail(key, "must be a list of \(count) numbers") }
        return try a.map { e in
            guard let d = JSONText.double(e), d.isFinite, range.contains(d) else {
                throw fail(key, "holds \(e); values must be finite numbers in \(range.lowerBound)...\(range.upperBound)")
            }
            return Float(d)
        }
    }

    /// A nested object.
    func object(_ key: String) throws -> ConfigValue? {
        guard let v = present(key) else { return nil }
        guard let o = v as? [String: Any] else { throw fail(key, "must be an object") }
        return ConfigValue(json: o, path: path, scope: scope + key + ".")
    }

    /// `v` as an integer in `range`: a JSON number with no fraction, not a boolean.
    static func integer(_ v: Any, _ range: ClosedRange<Int>, _ fail: (String) -> FormatError) throws -> Int {
        guard let d = JSONText.double(v), d.isFinite, d == d.rounded(),
              d >= Double(range.lowerBound), d <= Double(range.upperBound) else {
            throw fail("= \(v) must be an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return Int(d)
    }
}
