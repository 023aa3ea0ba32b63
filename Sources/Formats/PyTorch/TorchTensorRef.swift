import Graph

/// A tensor rebuilt by `torch._utils._rebuild_tensor_v2`: a strided window onto a storage.
struct TorchTensorRef {
    let storage: TorchStorageRef
    let offset: Int
    let shape: [Int]
    let strides: [Int]
}
