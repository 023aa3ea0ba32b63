import ArgumentParser
import Formats
import Graph

/// How to resample a model for a new resolution (`resize-pos`, `run --image-size`).
struct ResampleOptions: ParsableArguments {
    @Option(help: "Resampling preset: timm (bicubic, antialias), hf (bicubic, transformers' interpolate_pos_encoding), deit, dinov2 (+0.1 scale_factor). Default: timm for timm-named models, hf for Hugging Face ones.")
    var preset: String?

    @Option(help: "Override the preset's kernel: bicubic or bilinear.")
    var mode: String?

    @Option(help: "Override the preset's antialias: true or false.")
    var antialias: String?

    @Option(name: .customLong("patch-size"), help: "Resample the patch kernels to P or PxQ pixels (FlexiViT pseudo-inverse resize).")
    var patchSize: String?

    func validate() throws {
        if let p = preset, ResamplePreset(rawValue: p.lowercased()) == nil {
            throw ValidationError("--preset must be one of \(ResamplePreset.allCases.map(\.rawValue).joined(separator: ", ")), got '\(p)'")
        }
        if let m = mode, InterpolationMode(rawValue: m.lowercased()) == nil {
            throw ValidationError("--mode must be bicubic or bilinear, got '\(m)'")
        }
        if let a = antialias { _ = try Self.bool(a) }
        if let p = patchSize { _ = try ModelOptions.size(p, flag: "--patch-size", range: OptionBounds.patchSide) }
    }

    /// The preset for a model loaded under `convention`, with the overrides applied.
    func interpolation(for convention: NamingConvention, config: ViTConfig? = nil) throws -> (ResamplePreset, Interpolation) {
        let p = preset.flatMap { ResamplePreset(rawValue: $0.lowercased()) }
            ?? config.map { ResamplePreset.preferred(for: $0, huggingFace: convention == .hf) } ?? (convention == .hf ? .hf : .timm)
        let i = p.interpolation(mode: mode.flatMap { InterpolationMode(rawValue: $0.lowercased()) },
                                antialias: try antialias.map(Self.bool))
        return (p, i)
    }

    /// The new patch size, when given.
    var patch: [Int]? { get throws { try patchSize.map { try ModelOptions.size($0, flag: "--patch-size", range: OptionBounds.patchSide) } } }

    static func bool(_ s: String) throws -> Bool {
        switch s.lowercased() {
        case "true", "on", "yes", "1": return true
        case "false", "off", "no", "0": return false
        default: throw ValidationError("--antialias must be true or false, got '\(s)'")
        }
    }

    /// Resizes `loaded` for `imageSize` (or for its own size with only a new patch), printing what it does.
    func resize(_ loaded: LoadedModel, imageSize: [Int]?) throws -> (ViTDescription, ResizeSummary, ResamplePreset) {
        let (p, interp) = try interpolation(for: loaded.convention, config: loaded.model.config)
        let size = imageSize ?? loaded.model.config.imageSize
        do {
            let (model, summary) = try loaded.model.resized(imageSize: size, patchSize: try patch, interpolation: interp)
            return (model, summary, p)
        } catch let e as ResampleError {
            throw FormatError.config(path: loaded.path, detail: e.description)
        }
    }
}

extension ResizeSummary {
    /// One line per fact, for the console.
    func lines(preset: ResamplePreset) -> [String] {
        func s(_ v: [Int]) -> String { "\(v[0])×\(v[1])" }
        var out = ["image \(s(sourceImage)) → \(s(targetImage)), patch grid \(s(sourceGrid)) → \(s(targetGrid)), \(prefixRows) prefix row(s) kept"]
        if sourcePatch != targetPatch { out.append("patch \(s(sourcePatch)) → \(s(targetPatch)) (FlexiViT pseudo-inverse resize)") }
        out.append("interpolation: \(interpolation) (preset \(preset.rawValue): \(preset.reference))")
        return out + notes
    }
}
