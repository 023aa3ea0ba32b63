/// A small integer tensor (rank 0 or 1, occasionally more) whose elements may be symbolic.
struct SymbolicValue {
    var shape: [Int]
    var elements: [SymbolicInt]

    init(shape: [Int], elements: [SymbolicInt]) {
        self.shape = shape
        self.elements = elements
    }

    init(_ t: Tensor) {
        shape = t.shape
        elements = t.intArray().map { .known($0) }
    }

    /// The constant `t`, or `nil` when an element is not exactly an integer (see `exactIntegers`).
    init?(exactly t: Tensor) {
        guard let v = t.exactIntegers() else { return nil }
        shape = t.shape
        elements = v.map { .known($0) }
    }

    /// The tensor, when every element is known.
    var known: Tensor? {
        let v = elements.compactMap(\.value)
        return v.count == elements.count ? IntegerTensor.make(v, shape: shape) : nil
    }
}
