import Graph
internal import CHDF5

/// Writes named PyTorch-layout tensors to HDF5 in the plain or the Keras 2 (`tf_model.h5`) layout.
///
/// Streaming: tensors are written one at a time from their sources (typically views of a mapped
/// file); a tensor that needs a transpose for Keras is permuted just before it is written and freed
/// after, so memory beyond the sources stays at about one tensor.
enum HDF5CheckpointWriter {
    struct Result {
        var bytes = 0
        var transposed = 0
    }

    /// The Keras version string written to `keras_version` (the Keras 2 HDF5 format vitopt mirrors).
    static let kerasVersion = "2.21.0"

    /// Writes `tensors` to `path`.
    /// - Parameters:
    ///   - metadata: root scalar string attributes (vitopt's config and naming).
    ///   - scope: for `.keras`, the TF model scope prefixed to every weight name.
    ///   - mainLayer: for `.keras`, a layer prefix added to names that have none of their own
    ///     (headless `ViTModel` tensors `embeddings.…` live under the `vit` layer in TF).
    static func write(_ tensors: [String: Tensor], metadata: [String: String], layout: HDF5Layout, scope: String,
                      mainLayer: String?, to path: String) throws -> Result {
        let writer = try HDF5Writer(path: path)
        var result = Result()
        let order = tensors.keys.sorted { rank($0) < rank($1) }
        switch layout {
        case .plain:
            for name in order {
                try writer.dataset(name, tensors[name]!)
                WriteProgress.tensorWritten(bytes: tensors[name]!.byteCount)
            }
        case .keras:
            var layers: [String] = []
            var weightNames: [String: [String]] = [:]
            for name in order {
                let t = tensors[name]!
                var pt = name
                if let main = mainLayer, !pt.hasPrefix(main + "."), !pt.hasPrefix("classifier."), !pt.hasPrefix("distillation_classifier."),
                   !pt.hasPrefix("cls_classifier.") {
                    pt = main + "." + pt
                }
                let (layer, weight, axes) = KerasNames.tfName(pt, rank: t.rank, scope: scope)
                if weightNames[layer] == nil { layers.append(layer); try writer.group(layer) }
                weightNames[layer, default: []].append(weight)
                if let axes {
                    try writer.dataset("\(layer)/\(weight)", t.permuted(axes))
                    result.transposed += 1
                    // Hand the freed copy back to the OS: glibc otherwise keeps it (its mmap threshold
                    // grows after the first large free), and peak RSS would climb to the model's size.
                    vitopt_release_free_memory()
                } else {
                    try writer.dataset("\(layer)/\(weight)", t)
                }
                WriteProgress.tensorWritten(bytes: t.byteCount)
            }
            // The model's main layer comes first, as Keras lists `TFViTMainLayer` before the heads.
            if let i = layers.firstIndex(where: { ["vit", "deit"].contains($0) }) { layers.insert(layers.remove(at: i), at: 0) }
            for layer in layers {
                try writer.attribute("weight_names", HDF5Attribute(.strings(weightNames[layer]!), isScalar: false), on: layer)
            }
            try writer.group("top_level_model_weights")
            try writer.attribute("weight_names", HDF5Attribute(.floats([]), isScalar: false), on: "top_level_model_weights")
            try writer.attribute("backend", .string("tensorflow"))
            try writer.attribute("keras_version", .string(kerasVersion))
            try writer.attribute("layer_names", HDF5Attribute(.strings(layers), isScalar: false))
        case .keras3:
            throw FormatError.unsupported(path: path, detail: "writing the Keras 3 .weights.h5 layout; use --layout plain or keras")
        }
        for (k, v) in metadata.sorted(by: { $0.key < $1.key }) { try writer.attribute(k, .string(v)) }
        result.bytes = try writer.commit()
        return result
    }

    /// Hugging Face's module order (the order `TFViTForImageClassification` creates its weights):
    /// embeddings, then each block, then the final norm, pooler and heads; unknown names last.
    private static let moduleOrder = [
        "embeddings.cls_token", "embeddings.distillation_token", "embeddings.position_embeddings",
        "embeddings.patch_embeddings.projection", "attention.attention.query", "attention.attention.key",
        "attention.attention.value", "attention.output.dense", "intermediate.dense", "output.dense",
        "layernorm_before", "layernorm_after", "layernorm", "pooler.dense", "cls_classifier", "classifier",
        "distillation_classifier",
    ]

    private static func rank(_ name: String) -> (Int, Int, Int, Int, String) {
        let (template, block) = NameTemplate.template(of: name)
        var stem = template
        if stem.hasSuffix(".weight") || stem.hasSuffix(".bias") { stem = String(stem[..<stem.lastIndex(of: ".")!]) }
        let module = moduleOrder.firstIndex { stem == $0 || stem.hasSuffix("." + $0) } ?? moduleOrder.count
        let phase = block != nil ? 1 : (module <= 3 ? 0 : (module < moduleOrder.count ? 2 : 3))
        return (phase, block ?? 0, module, name.hasSuffix(".bias") ? 1 : 0, name)
    }
}
