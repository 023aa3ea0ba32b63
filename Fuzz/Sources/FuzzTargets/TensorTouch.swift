import Graph

/// Reads every element of the tensors a reader returned, so a view that points outside its file or
/// buffer faults here (AddressSanitizer, or SIGSEGV/SIGBUS past a mapping) instead of later.
enum TensorTouch {
    /// The sum of every element (the value is irrelevant; reading is the point).
    @discardableResult
    static func touch<S: Sequence>(_ tensors: S) -> Float where S.Element == Tensor {
        var sum: Float = 0
        for t in tensors {
            for v in t.floatArray() { sum += v }
        }
        return sum
    }
}
