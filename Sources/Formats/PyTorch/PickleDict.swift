import Graph

/// A Python dict with string or integer keys, shared by reference, in insertion order.
final class PickleDict {
    private(set) var keys: [String] = []
    private(set) var values: [String: PickleValue] = [:]

    /// Sets `key` (keeping its first position when it repeats, as Python does).
    func set(_ key: String, _ value: PickleValue) {
        if values.updateValue(value, forKey: key) == nil { keys.append(key) }
    }

    subscript(key: String) -> PickleValue? { values[key] }
    var count: Int { keys.count }
}
