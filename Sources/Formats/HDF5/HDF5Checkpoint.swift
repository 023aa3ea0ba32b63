import Graph

/// A checkpoint read from HDF5: tensors under PyTorch names and layouts, whatever the file's layout.
///
/// Plain files give their datasets' paths with `/` read as `.`; Keras 2 files are mapped from TF
/// names and layouts by `KerasNames` (dense kernels transposed, conv kernels HWIO→OIHW — exact
/// byte moves); Keras 3 files by `Keras3Matcher`. Plain datasets are zero-copy views of the mapped
/// file where libhdf5's layout allows (see `HDF5File`); permuted ones are copies.
public struct HDF5Checkpoint: Sendable {
    public let path: String
    public let layout: HDF5Layout
    public let tensors: [String: Tensor]
    /// The root's scalar string attributes (vitopt's `vitopt.config`, Keras' `backend`, …).
    public let metadata: [String: String]
    /// How many tensors were transposed or permuted on the way in.
    public let transposed: Int
    public let fileSize: Int

    /// Reads `path`, detecting the layout unless `layout` is given.
    /// - Throws: `FormatError` naming the file and dataset: not HDF5, an unrecognised or
    ///   inconsistent layout (listing what was found), an unsupported dataset type.
    public init(path: String, layout forced: HDF5Layout? = nil) throws {
        try self.init(file: HDF5File(path: path), layout: forced)
    }

    /// Reads the opened `file` (from a path or from bytes) as `init(path:layout:)` does.
    public init(file: HDF5File, layout forced: HDF5Layout? = nil) throws {
        let path = file.path
        self.path = path
        let layout = try forced ?? HDF5Layout.detect(file)
        self.layout = layout
        var meta: [String: String] = [:]
        for name in try file.attributeNames() {
            if let a = try? file.attribute(name), a.isScalar, let s = a.stringValue { meta[name] = s }
        }
        metadata = meta
        fileSize = file.fileSize
        switch layout {
        case .plain:
            let datasets = try file.datasets()
            guard !datasets.isEmpty else { throw HDF5Layout.unrecognised(file, try file.objects(), why: "it holds no datasets") }
            var out: [String: Tensor] = [:]
            for d in datasets {
                let name = d.replacingOccurrences(of: "/", with: ".")
                guard out[name] == nil else { throw FormatError.tensor(path: path, tensor: d, detail: "two datasets both read as '\(name)'") }
                out[name] = try file.tensor(d)
            }
            tensors = out
            transposed = 0
        case .keras:
            (tensors, transposed) = try Self.readKeras(file)
        case .keras3:
            tensors = try Keras3Matcher.read(file)
            transposed = 0
        }
    }

    private static func readKeras(_ file: HDF5File) throws -> ([String: Tensor], Int) {
        let path = file.path
        guard let layers = try file.attribute("layer_names")?.strings else {
            throw HDF5Layout.unrecognised(file, try file.objects(), why: "--layout keras needs a root attribute 'layer_names' of strings")
        }
        var out: [String: Tensor] = [:]
        var transposed = 0
        var listed = Set<String>()
        for layer in layers {
            guard file.exists(layer) else {
                throw FormatError.corrupt(path: path, detail: "layer_names lists '\(layer)' but the file has no such group")
            }
            for weight in try weightNames(file, layer) {
                let dataset = "\(layer)/\(weight)"
                guard file.exists(dataset) else {
                    throw FormatError.tensor(path: path, tensor: dataset, detail: "listed in \(layer)'s weight_names but missing")
                }
                listed.insert(dataset)
                let t = try file.tensor(dataset)
                let (name, axes) = KerasNames.pytorchName(weight, rank: t.rank)
                guard out[name] == nil else { throw FormatError.tensor(path: path, tensor: dataset, detail: "a second weight named '\(name)'") }
                if let axes { out[name] = t.permuted(axes); transposed += 1 } else { out[name] = t }
            }
        }
        // Datasets outside every layer's weight_names are not dropped: they travel under plain names.
        for d in try file.datasets() where !listed.contains(d) {
            out[d.replacingOccurrences(of: "/", with: ".")] = try file.tensor(d)
        }
        return (out, transposed)
    }

    /// A layer group's `weight_names`, including Keras' split form (`weight_names0`, `weight_names1`, …)
    /// used when the list exceeds the 64 KiB object-header limit.
    static func weightNames(_ file: HDF5File, _ layer: String) throws -> [String] {
        if let a = try file.attribute("weight_names", of: layer) { return a.strings ?? [] }
        var names: [String] = []
        var i = 0
        while let a = try file.attribute("weight_names\(i)", of: layer) {
            names += a.strings ?? []
            i += 1
        }
        return names
    }
}
