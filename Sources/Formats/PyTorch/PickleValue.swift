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
