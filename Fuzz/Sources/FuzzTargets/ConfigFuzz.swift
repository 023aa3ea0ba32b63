import Foundation
import Formats
import Graph

/// `config.json` (Hugging Face or timm hub format) and `preprocessor_config.json`. `parse`: both
/// parsed from memory into hints. `load`: the files written beside a model path, then the
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

    static let configName = FuzzScratch.virtualPath("config.json")
    static let preprocessorName = FuzzScratch.virtualPath("preprocessor_config.json")

    /// The two files of an input: `config.json`, and `preprocessor_config.json` when there is a NUL.
    static func split(_ bytes: [UInt8]) -> (config: [UInt8], preprocessor: [UInt8]?) {
        guard let nul = bytes.firstIndex(of: 0) else { return (bytes, nil) }
        return (Array(bytes[..<nul]), Array(bytes[(nul + 1)...]))
    }

    /// The two files parsed from memory into hints (the HF and timm parsers).
    static func parse(_ bytes: [UInt8]) -> FuzzOutcome {
        let (config, preprocessor) = split(bytes)
        return FuzzOutcome.of {
            _ = try ConfigSources.sidecarHints(config: Data(config), configName: configName,
                                               preprocessor: { preprocessor.map { Data($0) } }, preprocessorName: preprocessorName)
        }
    }

    /// The two files written beside a model path, then everything a model load does with them.
    static func load(_ bytes: [UInt8]) -> FuzzOutcome {
        let modelPath = FuzzScratch.path("config", "model.safetensors")
        let configPath = FuzzScratch.path("config", "config.json")
        let ppPath = FuzzScratch.path("config", "preprocessor_config.json")
        let (config, preprocessor) = split(bytes)
        FuzzScratch.write(config, to: configPath)
        if let preprocessor { FuzzScratch.write(preprocessor, to: ppPath) } else { FuzzScratch.remove(ppPath) }
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
