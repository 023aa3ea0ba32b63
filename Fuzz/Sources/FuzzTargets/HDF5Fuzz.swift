import Formats

/// HDF5: our layer over libhdf5 (object walk, attributes, dataset types and shapes, zero-copy views
/// of contiguous data), layout detection (plain, Keras 2, Keras 3) and the model load path.
///
/// libhdf5 itself is not instrumented: coverage guides the search through our code only, and a
/// crash whose stack top is inside `libhdf5.so` is libhdf5's (see Fuzz/README.md).
enum HDF5Fuzz {
    static func run(_ bytes: [UInt8]) -> FuzzOutcome {
        let path = FuzzScratch.path("hdf5", "model.h5")
        FuzzScratch.write(bytes, to: path)
        return FuzzOutcome.of {
            let file = try HDF5File(path: path)
            for name in try file.attributeNames() { _ = try? file.attribute(name) }
            for dataset in try file.datasets() {
                _ = try? file.info(dataset)
                if let t = try? file.tensor(dataset) { TensorTouch.touch([t]) }
            }
            let loaded = try ModelLoader.load(path)
            TensorTouch.touch(loaded.model.tensors.values)
        }
    }
}
