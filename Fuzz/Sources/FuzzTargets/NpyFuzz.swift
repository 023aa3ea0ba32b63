import Formats

/// NumPy `.npy`: magic, version, the Python-literal header (descr, fortran_order, shape) and the
/// data size check.
enum NpyFuzz {
    static func run(_ bytes: [UInt8]) -> FuzzOutcome {
        let path = FuzzScratch.path("npy", "array.npy")
        FuzzScratch.write(bytes, to: path)
        return FuzzOutcome.of {
            let t = try NpyArray.read(path: path)
            TensorTouch.touch([t])
        }
    }
}
