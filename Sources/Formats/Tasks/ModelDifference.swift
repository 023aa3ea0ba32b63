import Foundation
import Graph

/// What differs between two model descriptions: config settings, parameters and extra tensors.
///
/// Tensors are compared bit for bit; for floating-point tensors of the same shape the largest
/// absolute difference is reported too (computed in float32). Config settings are compared by
/// their JSON encoding, key by key (`preprocessing.mean`, …).
public struct ModelDifference: Sendable {
    /// One line per difference, config first, then tensors by name.
    public let lines: [String]
    public let parameters: Int
    public let extras: Int

    public var identical: Bool { lines.isEmpty }

    public init(_ a: ViTDescription, _ b: ViTDescription, nameA: String = "first", nameB: String = "second") {
        var lines = Self.configLines(a.config, b.config)
        let names = { (m: ViTDescription, k: ViTTensorKey) in m.displayName(k) }
        for key in Set(a.tensors.keys).union(b.tensors.keys).sorted(by: { names(a, $0) < names(a, $1) }) {
            let label = a.tensors[key] != nil ? names(a, key) : names(b, key)
            switch (a.tensors[key], b.tensors[key]) {
            case (let x?, let y?): if let d = Self.tensorLine(label, x, y) { lines.append(d) }
            case (_?, nil): lines.append("\(label): only in \(nameA)")
            default: lines.append("\(label): only in \(nameB)")
            }
        }
        for name in Set(a.extras.keys).union(b.extras.keys).sorted() {
            switch (a.extras[name], b.extras[name]) {
            case (let x?, let y?): if let d = Self.tensorLine("extra tensor \(name)", x, y) { lines.append(d) }
            case (_?, nil): lines.append("extra tensor \(name): only in \(nameA)")
            default: lines.append("extra tensor \(name): only in \(nameB)")
            }
        }
        self.lines = lines
        self.parameters = max(a.tensors.count, b.tensors.count)
        self.extras = max(a.extras.count, b.extras.count)
    }

    static func tensorLine(_ label: String, _ x: Tensor, _ y: Tensor) -> String? {
        if x.bitwiseEqual(y) { return nil }
        let sx = "\(x.dtype.rawValue)\(x.shape)", sy = "\(y.dtype.rawValue)\(y.shape)"
        guard x.shape == y.shape, x.dtype.isFloatingPoint, y.dtype.isFloatingPoint else { return "\(label): \(sx) vs \(sy)" }
        let u = x.floatArray(), v = y.floatArray()
        var worst: Float = 0, count = 0
        for i in u.indices where u[i].bitPattern != v[i].bitPattern || x.dtype != y.dtype {
            let d = abs(u[i] - v[i])
            if d > 0 || d.isNaN { count += 1 }
            worst = d.isNaN ? .nan : max(worst, d)
        }
        let types = x.dtype == y.dtype ? sx : "\(sx) vs \(sy)"
        return "\(label): \(types): \(count) of \(u.count) values differ, max abs difference \(worst)"
    }

    /// `key: a vs b` for every config setting that differs (nested keys joined by dots).
    static func configLines(_ a: ViTConfig, _ b: ViTConfig) -> [String] {
        guard a != b else { return [] }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let da = try? encoder.encode(a), let db = try? encoder.encode(b),
              let ja = try? JSONSerialization.jsonObject(with: da), let jb = try? JSONSerialization.jsonObject(with: db) else {
            return ["config: differs"]
        }
        var out: [String] = []
        func walk(_ x: Any?, _ y: Any?, _ path: String) {
            if let dx = x as? [String: Any], let dy = y as? [String: Any] {
                for k in Set(dx.keys).union(dy.keys).sorted() { walk(dx[k], dy[k], path.isEmpty ? k : "\(path).\(k)") }
                return
            }
            let tx = x.map(Self.text) ?? "absent", ty = y.map(Self.text) ?? "absent"
            if tx != ty { out.append("config \(path): \(tx) vs \(ty)") }
        }
        walk(ja, jb, "")
        return out.isEmpty ? ["config: differs"] : out
    }

    static func text(_ v: Any) -> String {
        if let data = try? JSONSerialization.data(withJSONObject: v, options: [.sortedKeys, .fragmentsAllowed]) {
            return String(decoding: data, as: UTF8.self)
        }
        return "\(v)"
    }
}
