/// What a timm ViT architecture name says beyond the tensors' shapes.
///
/// Names look like `{vit|deit|deit3|flexivit|…}_{size}[_distilled]_patch{P}[_{variant}…]_{IMG}[.tag]`.
/// A size word fixes width, depth and heads as in timm's registry (tiny 192/12/3, small 384/12/6,
/// base 768/12/12, medium 512/12/8, large 1024/24/16, huge 1280/32/16, giant 1408/40/16, …); variant
/// words fix what a config file cannot carry: `clip` (LayerNorm eps 1e-5), `quickgelu` (QuickGELU).
/// Any other name is not refused: its `model_args` and the tensors' shapes decide.
enum TimmArchitectures {
    struct Settings {
        var embedDim: Int?
        var depth: Int?
        var numHeads: Int?
        var patch: Int?
        var imageSize: Int?
        var distilled = false
        var eps: Double?
        var activation: String?
    }

    static let sizes: [String: (Int, Int, Int)] = [
        "tiny": (192, 12, 3), "small": (384, 12, 6), "base": (768, 12, 12), "medium": (512, 12, 8),
        "large": (1024, 24, 16), "huge": (1280, 32, 16), "giant": (1408, 40, 16), "gigantic": (1664, 48, 16),
        "so150m": (896, 18, 14), "so400m": (1152, 27, 16),
    ]

    /// Names `vitopt create` knows, in the order it lists them.
    static let creatable = [
        "vit_tiny_patch16_224", "vit_small_patch16_224", "vit_base_patch16_224", "vit_base_patch32_224",
        "vit_large_patch16_224", "vit_base_patch16_384", "deit_tiny_patch16_224", "deit_small_patch16_224",
        "deit_base_patch16_224", "deit_tiny_distilled_patch16_224", "deit_small_distilled_patch16_224",
        "deit_base_distilled_patch16_224",
    ]

    /// Decodes what `name` says (a pretrained tag after `.` is ignored); fields it does not fix stay `nil`.
    static func settings(for name: String) -> Settings {
        let base = name.split(separator: ".").first.map(String.init) ?? name
        let words = base.split(separator: "_").map(String.init)
        var s = Settings()
        if let size = words.dropFirst().first(where: { sizes[$0] != nil }).flatMap({ sizes[$0] }) {
            (s.embedDim, s.depth, s.numHeads) = (size.0, size.1, size.2)
        }
        s.distilled = words.contains("distilled")
        if let p = words.first(where: { $0.hasPrefix("patch") }), let v = Int(p.dropFirst(5)), v > 0 { s.patch = v }
        if let last = words.last, let img = Int(last), img > 0, words.count > 2 { s.imageSize = img }
        if words.contains("clip") { s.eps = 1e-5 }
        if words.contains("quickgelu") { s.activation = "quick_gelu" }
        return s
    }

    /// Whether `create` can build `name`: a plain `{vit|deit|deit3}_{size}[_distilled]_patch{P}_{IMG}`.
    static func isCreatable(_ name: String) -> Bool {
        let base = name.split(separator: ".").first.map(String.init) ?? name
        var words = base.split(separator: "_").map(String.init)
        guard words.count >= 4, ["vit", "deit", "deit3"].contains(words[0]), sizes[words[1]] != nil else { return false }
        words.removeFirst(2)
        if words.first == "distilled" { words.removeFirst() }
        return words.count == 2 && words[0].hasPrefix("patch") && Int(words[0].dropFirst(5)) != nil && Int(words[1]) != nil
    }
}
