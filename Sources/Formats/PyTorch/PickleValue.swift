import Graph

/// A value built by `RestrictedUnpickler`: the few kinds a PyTorch state dict contains.
///
/// Dictionaries and lists are shared boxes, as Python's are: a memoised dictionary that is filled after
/// it was memoised is the same dictionary when it is fetched again.
indirect enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple([PickleValue])
    case list(PickleList)
    case dict(PickleDict)
    /// A global the unpickler allows, by its qualified name (`module.name`); never resolved to code.
    case global(String)
    /// `torch.save`'s persistent id for a storage: its archive key, element type and element count.
    case storage(TorchStorageRef)
    case tensor(TorchTensorRef)

    /// A short description for error messages.
    var kind: String {
        switch self {
        case .none: return "None"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .string: return "str"
        case .bytes: return "bytes"
        case .tuple: return "tuple"
        case .list: return "list"
        case .dict: return "dict"
        case .global(let name): return name
        case .storage: return "storage"
        case .tensor: return "tensor"
        }
    }
}

/// A Python list, shared by reference.
final class PickleList {
    var items: [PickleValue] = []
}

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

/// A storage named by `torch.save`'s persistent id `('storage', torch.XStorage, key, location, numel)`.
struct TorchStorageRef {
    let key: String
    let dtype: DType
    let count: Int
}

/// A tensor rebuilt by `torch._utils._rebuild_tensor_v2`: a strided window onto a storage.
struct TorchTensorRef {
    let storage: TorchStorageRef
    let offset: Int
    let shape: [Int]
    let strides: [Int]
}
