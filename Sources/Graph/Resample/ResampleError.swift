/// Errors of the position- and patch-embedding resampling passes. Each names the tensor or setting
/// at fault and what was expected.
public enum ResampleError: Error, Equatable, CustomStringConvertible {
    /// A target image size that the patch does not tile, or smaller than one patch.
    case badImageSize(size: [Int], patch: [Int], detail: String)
    /// A patch size that is not positive or does not divide the image.
    case badPatchSize(patch: [Int], detail: String)
    /// The source grid does not account for the position embedding's rows.
    case gridMismatch(tensor: String, detail: String)
    /// The model has no learned absolute position embedding to resample.
    case noPositionEmbedding(detail: String)
    /// Something the resampler cannot do (dtype, sizing that gives another output size).
    case unsupported(tensor: String, detail: String)

    public var description: String {
        switch self {
        case .badImageSize(let s, let p, let d):
            return "image size \(s.map(String.init).joined(separator: "×")) with patch \(p.map(String.init).joined(separator: "×")): \(d)"
        case .badPatchSize(let p, let d): return "patch size \(p.map(String.init).joined(separator: "×")): \(d)"
        case .gridMismatch(let t, let d): return "tensor '\(t)': \(d)"
        case .noPositionEmbedding(let d): return "no learned absolute position embedding: \(d)"
        case .unsupported(let t, let d): return "tensor '\(t)': \(d)"
        }
    }
}
