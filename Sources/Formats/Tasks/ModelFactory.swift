import Graph

/// Named architectures for `vitopt create`.
public enum ModelFactory {
    /// The architectures `random(architecture:…)` accepts.
    public static var architectures: [String] { TimmArchitectures.creatable }

    /// A randomly initialised model of `architecture` (a timm name) with `classes` outputs.
    /// - Throws: `FormatError.config` for an unknown name (the message lists the known ones);
    ///   `TensorError` when the parameters cannot fit in memory (checked before allocating).
    public static func random(architecture: String, classes: Int, seed: UInt64) throws -> ViTDescription {
        let s = TimmArchitectures.settings(for: architecture)
        guard TimmArchitectures.isCreatable(architecture), let image = s.imageSize, let patch = s.patch, let d = s.embedDim,
              let depth = s.depth, let heads = s.numHeads else {
            throw FormatError.config(path: architecture, detail: "unknown architecture; known: \(architectures.joined(separator: ", "))")
        }
        let config = ViTConfig(imageSize: [image, image], patchSize: [patch, patch], embedDim: d, depth: depth,
                               numHeads: heads, mlpHidden: 4 * d, eps: 1e-6, distToken: s.distilled,
                               numClasses: classes, preprocessing: .timm(size: [image, image]))
        try ViTDescription.checkMemory(for: config, what: "parameters of \(architecture) with \(classes) classes")
        return try ViTDescription.random(config: config, seed: seed)
    }
}
