/// The value of an HDF5 attribute, as vitopt reads and writes them.
///
/// Strings are read from fixed-length (NUL- or space-padded) and variable-length string types,
/// ASCII or UTF-8; numbers from any integer or float class (integers as `Int64`, floats as `Double`).
/// Scalars are one-element values with `isScalar` set.
public struct HDF5Attribute: Equatable, Sendable {
    public enum Value: Equatable, Sendable {
        case strings([String])
        case integers([Int64])
        case floats([Double])
    }

    /// How a string attribute is stored when written.
    public enum StringStorage: Sendable {
        /// Variable-length UTF-8 (what h5py writes for `str`).
        case variable
        /// Fixed-length ASCII, NUL-padded to the longest string (what h5py writes for `bytes`, and
        /// Keras 2 for `layer_names` / `weight_names`).
        case fixed
    }

    public var value: Value
    public var isScalar: Bool
    public var storage: StringStorage

    public init(_ value: Value, isScalar: Bool, storage: StringStorage = .variable) {
        self.value = value
        self.isScalar = isScalar
        self.storage = storage
    }

    /// A scalar variable-length UTF-8 string.
    public static func string(_ s: String) -> HDF5Attribute { HDF5Attribute(.strings([s]), isScalar: true) }

    /// A one-dimensional array of fixed-length strings.
    public static func fixedStrings(_ s: [String]) -> HDF5Attribute { HDF5Attribute(.strings(s), isScalar: false, storage: .fixed) }

    /// The strings, when this is a string attribute.
    public var strings: [String]? {
        if case .strings(let s) = value { return s }
        return nil
    }

    /// The single string of a scalar (or one-element) string attribute.
    public var stringValue: String? {
        guard let s = strings, s.count == 1 else { return nil }
        return s[0]
    }

    public static func == (a: HDF5Attribute, b: HDF5Attribute) -> Bool { a.value == b.value && a.isScalar == b.isScalar }
}
