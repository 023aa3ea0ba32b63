import Graph

/// Reads every byte of the tensors a reader returned, so a view that points outside its file or
/// buffer faults here (AddressSanitizer, or SIGSEGV/SIGBUS past a mapping) instead of later.
///
/// The bytes, not converted elements: what a reader vouches for is the extent of each tensor, and
/// reading bytes is several times faster than converting every element to `Float`.
enum TensorTouch {
    /// The wrapping sum of every byte (the value is irrelevant; reading is the point).
    @discardableResult
    static func touch<S: Sequence>(_ tensors: S) -> UInt8 where S.Element == Tensor {
        var sum: UInt8 = 0
        for t in tensors {
            t.withUnsafeBytes { raw in
                for b in raw { sum &+= b }
            }
        }
        return sum
    }
}
