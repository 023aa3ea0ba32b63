import Graph

/// The names of a model's classes: its config's labels (`id2label`, `label_names`), else the ImageNet-1k
/// names for a 1000-class head, else none.
public enum ClassLabels {
    public static func names(for config: ViTConfig) -> [String]? {
        if let labels = config.labels, labels.count == config.numClasses { return labels }
        return config.numClasses == ImageNetLabels.names.count ? ImageNetLabels.names : nil
    }

    /// The name of class `index`, or `class N` when the model does not name its classes.
    public static func name(_ index: Int, config: ViTConfig) -> String {
        guard let names = names(for: config), names.indices.contains(index) else { return "class \(index)" }
        return names[index]
    }
}
