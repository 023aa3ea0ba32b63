/// timm's standard ViT/DeiT architecture names, decoded into the settings they imply.
///
/// Names follow `{vit|deit|deit3}_{size}[_distilled]_patch{P}_{IMG}[…][.tag]`; the size word fixes
/// width, depth and heads as in timm's model registry (tiny 192/12/3, small 384/12/6, base 768/12/12,
/// large 1024/24/16, huge 1280/32/16, giant 1408/40/16). LayerNorm eps is timm's 1e-6.
enum TimmArchitectures {
    struct Settings {
        var embedDim: Int
        var depth: Int
        var numHeads: Int
        var patch: Int
        var imageSize: Int?
        var distilled: Bool
    }

    static let sizes: [String: (Int, Int, Int)] = [
        "tiny": (192, 12, 3), "small": (384, 12, 6), "base": (768, 12, 12),
        "large": (1024, 24, 16), "huge": (1280, 32, 16), "giant": (1408, 40, 16),
    ]

    /// Names `vitopt create` knows, in the order it lists them.
    static let creatable = [
        "vit_tiny_patch16_224", "vit_small_patch16_224", "vit_base_patch16_224", "vit_base_patch32_224",
        "vit_large_patch16_224", "vit_base_patch16_384", "deit_tiny_patch16_224", "deit_small_patch16_224",
        "deit_base_patch16_224", "deit_tiny_distilled_patch16_224", "deit_small_distilled_patch16_224",
        "deit_base_distilled_patch16_224",
    ]

    /// Decodes `name` (a pretrained tag after `.` is ignored); `nil` when it is not of this family.
    static func settings(for name: String) -> Settings? {
        let base = name.split(separator: ".").first.map(String.init) ?? name
        var words = base.split(separator: "_").map(String.init)
        guard words.count >= 3, ["vit", "deit", "deit3"].contains(words[0]), let size = sizes[words[1]] else { return nil }
        words.removeFirst(2)
        var distilled = false
        if words.first == "distilled" { distilled = true; words.removeFirst() }
        guard let p = words.first, p.hasPrefix("patch"), let patch = Int(p.dropFirst(5)), patch > 0 else { return nil }
        words.removeFirst()
        let image = words.first.flatMap { Int($0) }
        return Settings(embedDim: size.0, depth: size.1, numHeads: size.2, patch: patch, imageSize: image, distilled: distilled)
    }
}
