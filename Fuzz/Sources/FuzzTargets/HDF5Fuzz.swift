import Formats

/// HDF5, from memory (libhdf5 reads the bytes as a file image through its `core` driver). `parse`:
/// our layer over libhdf5 — object walk, root attributes, every dataset's type, shape and data.
/// `load`: the same file read as a checkpoint — layout detection (plain, Keras 2, Keras 3), naming,
/// config, validation — as `ModelLoader.load` does for an `.h5` file.
///
/// libhdf5 itself is not instrumented: coverage guides the search through our code only, and a
/// crash whose stack top is inside `libhdf5.so` is libhdf5's (see Fuzz/README.md).
enum HDF5Fuzz {
    static let name = FuzzScratch.virtualPath("model.h5")

    static func parse(_ bytes: [UInt8]) -> FuzzOutcome {
        FuzzOutcome.of {
            let file = try HDF5File(bytes: bytes, name: name)
            for name in try file.attributeNames() { _ = try? file.attribute(name) }
            for dataset in try file.datasets() {
                _ = try? file.info(dataset)
                if let t = try? file.tensor(dataset) { TensorTouch.touch([t]) }
            }
        }
    }

    static func load(_ bytes: [UInt8]) -> FuzzOutcome {
        FuzzOutcome.of {
            let file = try HDF5Checkpoint(file: HDF5File(bytes: bytes, name: name))
            let loaded = try ModelLoader.fromTensors(file.tensors, metadata: file.metadata, path: name, format: .hdf5,
                                                     fileSize: file.fileSize, hints: ConfigHints(),
                                                     naming: file.layout == .plain ? nil : .hf)
            TensorTouch.touch(loaded.model.tensors.values)
        }
    }
}
