import Graph

/// A storage named by `torch.save`'s persistent id `('storage', torch.XStorage, key, location, numel)`.
struct TorchStorageRef {
    let key: String
    let dtype: DType
    let count: Int
}
