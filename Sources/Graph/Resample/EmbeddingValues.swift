/// Reading float tensors as `Double` and writing `Double` results back with one rounding.
enum EmbeddingValues {
    /// The elements of a floating-point tensor as `Double` (exact for every float dtype).
    static func read(_ t: Tensor, name: String) throws -> [Double] {
        guard t.dtype.isFloatingPoint else {
            throw ResampleError.unsupported(tensor: name, detail: "dtype \(t.dtype.rawValue) is not a floating-point type")
        }
        if t.dtype == .f64 {
            let p = t.rawPointer
            return (0..<t.count).map { p.loadUnaligned(fromByteOffset: $0 * 8, as: Double.self) }
        }
        return t.floatArray().map(Double.init)
    }

    /// `values` rounded once to the storage type: F64 stays F64, every other float type becomes F32
    /// (round to nearest even).
    static func tensor(_ values: [Double], shape: [Int], like source: DType) -> Tensor {
        if source == .f64 {
            let out = Tensor(zeros: .f64, shape: shape)
            let p = out.mutableRawPointer.assumingMemoryBound(to: Double.self)
            for i in values.indices { p[i] = values[i] }
            return out
        }
        return Tensor(shape: shape, floats: values.map { Float($0) })
    }
}
