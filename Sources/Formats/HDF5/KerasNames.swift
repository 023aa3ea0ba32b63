/// Hugging Face's TensorFlow weight names (`hf-tf`) and their PyTorch counterparts, as transformers'
/// PyTorch↔TF conversion maps them (`convert_tf_weight_name_to_pt_weight_name`).
///
/// TF → PyTorch: drop `:0`, turn `_._` into `/`, drop the first component (the model scope, e.g.
/// `tf_vi_t_for_image_classification`), then rename the last component `kernel`/`gamma`/`embeddings`
/// → `weight` and `beta` → `bias`, and join with `.`. A 2-D `kernel` is a Dense kernel `[in, out]`,
/// transposed to PyTorch's `[out, in]`; a 4-D `kernel` is a Conv2D kernel HWIO, permuted to OIHW.
/// PyTorch → TF is the inverse: `weight` of a LayerNorm (a module whose name contains `norm`) is
/// `gamma` and its `bias` is `beta`; any other `weight` is a `kernel`. The permutations move bytes
/// only, so the conversion is exact.
enum KerasNames {
    /// The transformers TF model scope for a ViT: `TFViTForImageClassification` → `tf_vi_t_for_image_classification`.
    static func modelScope(classes: Int, distilled: Bool) -> String {
        switch (classes > 0, distilled) {
        case (true, false): return "tf_vi_t_for_image_classification"
        case (false, false): return "tf_vi_t_model"
        case (true, true): return "tf_dei_t_for_image_classification_with_teacher"
        case (false, true): return "tf_dei_t_model"
        }
    }

    /// The PyTorch name of a TF weight name, and the axis permutation turning the TF array into
    /// the PyTorch one (`nil` when none is needed).
    static func pytorchName(_ tfName: String, rank: Int) -> (name: String, axes: [Int]?) {
        var s = tfName
        if s.hasSuffix(":0") { s.removeLast(2) }
        s = s.replacingOccurrences(of: "_._", with: "/")
        var parts = s.split(separator: "/").map(String.init)
        if parts.count > 1 { parts.removeFirst() }
        var axes: [Int]?
        switch parts.last {
        case "kernel":
            if rank == 4 { axes = [3, 2, 0, 1] } else if rank == 2 { axes = [1, 0] }
            parts[parts.count - 1] = "weight"
        case "gamma", "embeddings":
            parts[parts.count - 1] = "weight"
        case "beta":
            parts[parts.count - 1] = "bias"
        default:
            break
        }
        return (parts.joined(separator: "."), axes)
    }

    /// The Keras layer (top-level group), TF weight name and permutation (PyTorch → TF) for a
    /// PyTorch name under `scope`.
    static func tfName(_ ptName: String, rank: Int, scope: String) -> (layer: String, weight: String, axes: [Int]?) {
        var parts: [String] = []
        for p in ptName.split(separator: ".", omittingEmptySubsequences: false).map(String.init) {
            if !p.isEmpty, p.allSatisfy(\.isNumber), let last = parts.popLast() {
                parts.append("\(last)_._\(p)")
            } else {
                parts.append(p)
            }
        }
        let module = parts.count >= 2 ? parts[parts.count - 2].lowercased() : ""
        var axes: [Int]?
        if module.contains("norm") {
            if parts.last == "weight" { parts[parts.count - 1] = "gamma" }
            if parts.last == "bias" { parts[parts.count - 1] = "beta" }
        } else if parts.last == "weight" && (rank == 2 || rank == 4) {
            parts[parts.count - 1] = "kernel"
            axes = rank == 4 ? [2, 3, 1, 0] : [1, 0]
        }
        return (parts[0], "\(scope)/\(parts.joined(separator: "/")):0", axes)
    }
}
