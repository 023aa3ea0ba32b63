/// A checkpoint naming convention: how a library spells the ViT's parameter names.
public enum NamingConvention: String, CaseIterable, Sendable, Codable {
    /// timm `VisionTransformer` / `VisionTransformerDistilled` state dicts (`blocks.N.attn.qkv.weight`).
    case timm
    /// Hugging Face transformers `ViTModel` / `ViTForImageClassification` (and DeiT's `deit.` prefix).
    case hf
    /// OpenCLIP's `VisionTransformer` (`visual.conv1.weight`, `visual.transformer.resblocks.N.…`).
    case openclip

    /// Parses a user-supplied name; the error lists the known ones.
    public static func parse(_ s: String) throws -> NamingConvention {
        guard let c = NamingConvention(rawValue: s.lowercased()) else {
            throw FormatError.unknownConvention(path: "--naming", detail: "'\(s)' (known: \(allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return c
    }
}
