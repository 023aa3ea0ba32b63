/// Why a tensor could not be made: its size does not fit in memory (or in a machine integer), or
/// its window does not fit the bytes behind it. Every case names what was being made (a node's
/// output, a scratch buffer, an input), so the message tells the user which part of the model or
/// which option asked for the memory.
public enum TensorError: Error, Equatable, CustomStringConvertible {
    /// A dimension is negative, or the element or byte count of `shape` overflows `Int`.
    case invalidSize(what: String, shape: [Int], elementBytes: Int)
    /// `bytes` could not be allocated: more than the memory `available` (when known), or the
    /// allocator failed.
    case outOfMemory(what: String, bytes: Int, available: Int?)
    /// A view of `shape` at `byteOffset` does not lie inside storage of `storageBytes` bytes.
    case outsideStorage(what: String, shape: [Int], byteOffset: Int, storageBytes: Int)

    public var description: String {
        switch self {
        case .invalidSize(let what, let shape, let size):
            return "\(what): shape \(shape) of \(size)-byte elements has no representable size (negative or overflowing)"
        case .outOfMemory(let what, let bytes, let available):
            let have = available.map { "; \(ByteCountText.text($0)) available" } ?? ""
            return "out of memory: \(what) need \(ByteCountText.text(bytes))\(have)"
        case .outsideStorage(let what, let shape, let offset, let storage):
            return "\(what): shape \(shape) at byte \(offset) does not fit in \(storage) bytes"
        }
    }
}
