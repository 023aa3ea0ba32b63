import Foundation
import Testing
import TestSupport
@testable import Formats
import Graph

/// Hostile or mistaken `config.json` / `preprocessor_config.json` values: a `FormatError.config`
/// naming the file and the key, never a trap converting a float to `Int` or a config that later
/// asks for an absurd allocation.
@Suite("Hostile config files")
struct HostileConfigTests {
    /// A scratch folder with `config.json` (and `preprocessor_config.json` when given); returns the
    /// path of a model file inside it.
    func folder(config: String, preprocessor: String? = nil) throws -> (model: String, dir: String) {
        let dir = Fixtures.scratch("config-hostile")
        try config.write(toFile: dir + "/config.json", atomically: true, encoding: .utf8)
        if let p = preprocessor { try p.write(toFile: dir + "/preprocessor_config.json", atomically: true, encoding: .utf8) }
        return (dir + "/model.safetensors", dir)
    }

    func message(_ body: () throws -> Void) -> String {
        do { try body(); return "" } catch let e as FormatError { return e.description } catch { return "untyped: \(error)" }
    }

    static let timmBase = #""architecture": "vit_tiny_patch16_224", "num_classes": 10"#

    @Test("timm values out of range name the key", arguments: [
        (#""pretrained_cfg": {"input_size": [3, 224, 224], "crop_pct": 1e-30}"#, "crop_pct"),
        (#""pretrained_cfg": {"input_size": [3, 224, 224], "crop_pct": 0}"#, "crop_pct"),
        (#""pretrained_cfg": {"input_size": [3, 224, 224], "crop_pct": -0.5}"#, "crop_pct"),
        (#""pretrained_cfg": {"input_size": [3, 224, 224], "crop_pct": "0.9"}"#, "crop_pct"),
        (#""pretrained_cfg": {"input_size": [3, 60000, 60000]}"#, "input_size"),
        (#""pretrained_cfg": {"input_size": [3, 224.5, 224]}"#, "input_size"),
        (#""pretrained_cfg": {"input_size": [224, 224]}"#, "input_size"),
        (#""pretrained_cfg": {"input_size": [3, 224, 224], "mean": [1e39, 0, 0]}"#, "mean"),
        (#""pretrained_cfg": {"input_size": [3, 224, 224], "std": [0, 0, 0]}"#, "std"),
        (#""model_args": {"num_classes": 1e12}"#, "num_classes"),
        (#""model_args": {"num_classes": -1}"#, "num_classes"),
        (#""model_args": {"embed_dim": 768, "mlp_ratio": 1e300}"#, "mlp_ratio"),
        (#""model_args": {"img_size": 1e9}"#, "img_size"),
        (#""model_args": {"img_size": [224, -224]}"#, "img_size"),
        (#""model_args": {"depth": 1e20}"#, "depth"),
        (#""model_args": {"num_heads": true}"#, "num_heads"),
        (#""model_args": {"reg_tokens": 1e6}"#, "reg_tokens"),
        (#""model_args": [1, 2]"#, "model_args"),
    ])
    func timm(_ c: (String, String)) throws {
        let (model, dir) = try folder(config: "{\(Self.timmBase), \(c.0)}")
        let m = message { _ = try ConfigSources.sidecarHints(for: model) }
        #expect(m.hasPrefix(dir + "/config.json") && m.contains(c.1), "\(c.0) → \(m)")
    }

    static let hfBase = #""model_type": "vit", "hidden_size": 48, "num_hidden_layers": 2, "num_attention_heads": 3"#

    @Test("Hugging Face values out of range name the key", arguments: [
        (#""image_size": 1e9"#, "image_size"), (#""image_size": [224, 0]"#, "image_size"), (#""patch_size": 16.5"#, "patch_size"),
        (#""hidden_size": 2.5"#, "hidden_size"), (#""num_attention_heads": true"#, "num_attention_heads"),
        (#""layer_norm_eps": -1"#, "layer_norm_eps"), (#""layer_norm_eps": 1e300"#, "layer_norm_eps"),
        (#""intermediate_size": 1e15"#, "intermediate_size"), (#""num_hidden_layers": -2"#, "num_hidden_layers"),
    ])
    func huggingFace(_ c: (String, String)) throws {
        let config = "{\(Self.hfBase.replacingOccurrences(of: "\"\(c.1)\": ", with: "\"unused_\(c.1)\": ")), \(c.0)}"
        let (model, dir) = try folder(config: config)
        let m = message { _ = try ConfigSources.sidecarHints(for: model) }
        #expect(m.hasPrefix(dir + "/config.json") && m.contains(c.1), "\(c.0) → \(m)")
    }

    @Test("preprocessor_config.json values out of range name the key", arguments: [
        (#"{"size": 1e9}"#, "size"), (#"{"size": {"height": 60000, "width": 224}}"#, "height"),
        (#"{"size": {"height": 224}}"#, "size"), (#"{"size": 224, "image_std": [0, 0, 0]}"#, "std"),
        (#"{"size": 224, "image_mean": [1, 2]}"#, "image_mean"), (#"{"size": 224, "resample": 1e30}"#, "resample"),
        (#"{"size": 224.25}"#, "size"),
    ])
    func preprocessor(_ c: (String, String)) throws {
        let (model, dir) = try folder(config: "{\(Self.hfBase), \"image_size\": 224}", preprocessor: c.0)
        let m = message { _ = try ConfigSources.sidecarHints(for: model) }
        #expect(m.hasPrefix(dir + "/preprocessor_config.json") && m.contains(c.1), "\(c.0) → \(m)")
    }

    @Test("valid preprocessor configs still read: shortest_edge keeps the model size, a scalar mean is repeated")
    func preprocessorAccepted() throws {
        let (model, _) = try folder(config: "{\(Self.hfBase), \"image_size\": 224}",
                                    preprocessor: #"{"size": {"shortest_edge": 256}, "image_mean": 0.5, "image_std": [0.25, 0.5, 1], "resample": 3}"#)
        let p = try #require(try ConfigSources.sidecarHints(for: model).preprocessing)
        #expect(p.crop == [224, 224] && p.mean == [0.5, 0.5, 0.5] && p.std == [0.25, 0.5, 1] && p.interpolation == "bicubic")
    }

    @Test("a vitopt.config metadata entry is range-checked")
    func metadata() throws {
        var c = ViTConfig(imageSize: [224, 224], patchSize: [16, 16], embedDim: 48, depth: 2, numHeads: 3, mlpHidden: 96, numClasses: 5)
        #expect(try ConfigSources.metadataHints([ConfigSources.metadataKey: ConfigSources.metadataValue(c)], path: "m")?.imageSize == [224, 224])
        c.imageSize = [60000, 60000]
        c.preprocessing = .timm(size: [60000, 60000])
        let m = message { _ = try ConfigSources.metadataHints([ConfigSources.metadataKey: ConfigSources.metadataValue(c)], path: "m") }
        #expect(m.hasPrefix("m:") && m.contains("image_size"), "\(m)")
        c.imageSize = [224, 224]
        c.preprocessing = .timm(size: [224, 224])
        c.preprocessing.resize = [1_000_000_000]
        #expect(message { _ = try ConfigSources.metadataHints([ConfigSources.metadataKey: ConfigSources.metadataValue(c)], path: "m") }.contains("resize"))
    }

    @Test("the timm recipe saturates instead of trapping on crop fractions that overflow Int", arguments: [1e-30, 0, -1, .nan])
    func timmRecipe(_ crop: Double) throws {
        let p = ViTConfig.Preprocessing.timm(size: [224, 224], cropPct: crop)
        #expect(throws: ViTError.self) { try p.validate() }
    }
}
