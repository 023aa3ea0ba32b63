/// How a checkpoint's tensors are arranged inside an HDF5 file.
public enum HDF5Layout: String, CaseIterable, Sendable, Codable {
    /// One dataset per tensor, named by the tensor name, flat at the root or nested in groups split
    /// on `.` (h5py dumps of PyTorch state dicts; vitopt's own HDF5 output, with its config in the
    /// root attribute `vitopt.config`).
    case plain
    /// Keras 2 `save_weights` HDF5, as Hugging Face's TensorFlow models write `tf_model.h5`: root
    /// attribute `layer_names`, each layer group's `weight_names`, TF weight names (`hf-tf`).
    case keras
    /// Keras 3 `.weights.h5`: `layers/<name>/vars/<i>`, variables without names (read only).
    case keras3

    /// Parses `--layout`; the error lists the choices.
    public static func parse(_ s: String) throws -> HDF5Layout {
        guard let l = HDF5Layout(rawValue: s.lowercased()) else {
            throw FormatError.unsupported(path: "--layout", detail: "'\(s)' (known: plain, keras, keras3)")
        }
        return l
    }

    /// The layout of an open file: `keras` when the root has `layer_names`, `keras3` when the
    /// datasets are `…/vars/<i>` under a root `layers` group, otherwise `plain`.
    /// - Throws: `FormatError.notRecognized` when the file holds no datasets, listing what it has.
    static func detect(_ file: HDF5File) throws -> HDF5Layout {
        if try file.attribute("layer_names") != nil { return .keras }
        let objects = try file.objects()
        let datasets = objects.filter(\.isDataset).map(\.path)
        guard !datasets.isEmpty else { throw unrecognised(file, objects, why: "it holds no datasets") }
        let isVar = datasets.allSatisfy { p in
            let parts = p.split(separator: "/")
            return parts.count >= 2 && parts[parts.count - 2] == "vars" && parts.last!.allSatisfy(\.isNumber)
        }
        if isVar && objects.contains(where: { !$0.isDataset && $0.path == "layers" }) { return .keras3 }
        return .plain
    }

    /// The error for a file whose layout cannot be used: its top-level groups and a few datasets.
    static func unrecognised(_ file: HDF5File, _ objects: [(path: String, isDataset: Bool)], why: String) -> FormatError {
        let top = objects.filter { !$0.isDataset && !$0.path.contains("/") }.map(\.path)
        let sets = objects.filter(\.isDataset).map(\.path)
        let shownSets = sets.prefix(5).joined(separator: ", ") + (sets.count > 5 ? ", … (\(sets.count) datasets)" : "")
        return .notRecognized(path: file.path,
            detail: "HDF5 layout not recognised: \(why); top-level groups: [\(top.joined(separator: ", "))]; datasets: [\(shownSets)]")
    }
}
