import Formats
import Graph

/// `config.json` (Hugging Face or timm hub format) and `preprocessor_config.json`: parsing, the
/// resolution of the hints against a model's tensors (the step every model load takes), and the
/// preprocessing recipe they produce run on a small image.
///
/// Input layout: the bytes of `config.json`, optionally followed by a NUL byte and the bytes of
/// `preprocessor_config.json` (no NUL: no preprocessor file).
enum ConfigFuzz {
    /// The digits teacher's architecture (samples/digits), so the sample configs resolve fully.
    static let config = ViTConfig(imageSize: [32, 32], patchSize: [4, 4], embedDim: 64, depth: 6, numHeads: 4,
                                  mlpHidden: 128, numClasses: 10)
    /// The model's tensors under both conventions, made once (empty if the model cannot be made,
    /// which the valid-* seeds in FuzzTests would show).
    static let tensors: [NamingConvention: [String: Tensor]] = {
        var out: [NamingConvention: [String: Tensor]] = [:]
        guard let model = try? ViTDescription.random(config: config, seed: 12) else { return out }
        for c in NamingConvention.allCases { out[c] = try? NamingMapper.names(for: model, convention: c) }
        return out
    }()
    /// A 5×7 image with every channel varying, for the recipe.
    static let image = RGBImage(width: 5, height: 7, pixels: (0..<(5 * 7 * 3)).map { UInt8(truncatingIfNeeded: $0 &* 37) })

    static func run(_ bytes: [UInt8]) -> FuzzOutcome {
        let modelPath = FuzzScratch.path("config", "model.safetensors")
        let configPath = FuzzScratch.path("config", "config.json")
        let ppPath = FuzzScratch.path("config", "preprocessor_config.json")
        if let nul = bytes.firstIndex(of: 0) {
            FuzzScratch.write(Array(bytes[..<nul]), to: configPath)
            FuzzScratch.write(Array(bytes[(nul + 1)...]), to: ppPath)
        } else {
            FuzzScratch.write(bytes, to: configPath)
            FuzzScratch.remove(ppPath)
        }
        // timm hub configs usually sit beside timm-named tensors, Hugging Face ones beside HF names.
        let timmLike = bytes.prefix(4096).containsSubsequence(Array("\"architecture\"".utf8))
        let named = tensors[timmLike ? .timm : .hf] ?? [:]
        return FuzzOutcome.of {
            _ = try ConfigSources.sidecarHints(for: modelPath)
            let loaded = try ModelLoader.fromTensors(named, metadata: [:], path: modelPath, format: .safetensors,
                                                     fileSize: 0, hints: ConfigHints(), naming: nil)
            let recipe = loaded.model.config.preprocessing
            TensorTouch.touch([try ImagePreprocessor.pixelValues(image: image, preprocessing: recipe)])
        }
    }
}

extension Collection where Element: Equatable {
    /// Whether `needle` occurs contiguously in the collection.
    func containsSubsequence(_ needle: [Element]) -> Bool {
        guard !needle.isEmpty else { return true }
        var i = startIndex
        while i != endIndex {
            if self[i...].starts(with: needle) { return true }
            i = index(after: i)
        }
        return false
    }
}
