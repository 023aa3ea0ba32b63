import Formats

/// NumPy `.npy`, from memory: magic, version, the Python-literal header (descr, fortran_order,
/// shape), the data size check, every element read.
enum NpyFuzz {
    static let name = FuzzScratch.virtualPath("array.npy")

    static func run(_ bytes: [UInt8]) -> FuzzOutcome {
        FuzzOutcome.of {
            let t = try NpyArray.read(bytes: bytes, name: name)
            TensorTouch.touch([t])
        }
    }
}
