import Foundation
import Formats
import Graph

/// vitopt's int8 model files: safetensors whose quantized Linear weights are I8 `[N, K]` under their
/// usual names with an F32 `<weight>_scale [N]` beside each, every other tensor as in the fp32 file,
/// and `__metadata__["vitopt.quantization"]` a JSON object `{"scheme": "dynamic-int8", "activations":
/// "per-token"|"per-tensor", "layers": [weight names], "weights": …}` plus vitopt's config entry. A Swin's
/// file has its parameters under timm's names (its graph's) and `vitopt.swin_config`: it loads back as the
/// same Swin graph with the int8 Linears.
///
/// Static int8 files (`{"scheme": "static-int8", "version": 1, "activations": "static", …}`) also hold, per
/// quantized layer, `<weight>_input_scale` F32 `[1]` and `<weight>_input_zero_point` U8 `[1]`: the calibrated
/// input quantization, validated on load (NaN, infinite, zero, negative, subnormal or huge scales refused).
///
/// Loading goes through Formats' fp32 `ModelLoader` with the int8 weights dequantized (so config
/// resolution and naming are shared), then re-applies `DynamicQuantization` with the stored int8
/// weights and scales used exactly as saved: a reloaded model computes bit-identical outputs.
public enum Int8ModelFile {
    /// The `scheme` of static int8 files and the format version this build reads and writes.
    public static let staticScheme = "static-int8", staticVersion = 1
    static let inputScaleSuffix = "_input_scale", inputZeroPointSuffix = "_input_zero_point"

    /// A loaded int8 model: the fp32 description (weights dequantized) and the int8 graph.
    public struct Model: Sendable {
        public let loaded: LoadedModel
        public let result: DynamicQuantization.Result
        public let activations: ActivationScheme
    }

    /// Whether `path` is a safetensors file carrying vitopt's quantization metadata.
    public static func isQuantized(_ path: String) -> Bool {
        guard let f = try? SafetensorsFile(path: path) else { return false }
        return f.metadata[DynamicQuantization.metadataKey] != nil
    }

    /// Writes the int8 graph of `result` (made from `loaded`) to `path`, atomically.
    /// - Parameter inputs: the command's inputs (`loaded`'s file is added): `path` must not be one
    ///   of them (`OutputError`, thrown before anything is written).
    /// - Returns: bytes written.
    @discardableResult
    public static func save(_ result: DynamicQuantization.Result, from loaded: LoadedModel, to path: String,
                            inputs: OutputGuard = OutputGuard()) throws -> Int {
        var outputs = inputs
        outputs.protectModel(loaded.path)
        try outputs.claim(path)
        var tensors: [String: Tensor] = [:]
        for (name, t) in result.graph.initializers where !name.hasSuffix(".packed") { tensors[name] = t }
        for layer in result.layers {
            guard let c = layer.input else { continue }
            tensors[layer.weight + inputScaleSuffix] = Tensor(shape: [1], floats: [c.scale])
            tensors[layer.weight + inputZeroPointSuffix] = Tensor.integers([Int(c.zeroPoint)], shape: [1], dtype: .u8)
        }
        var metadata: [String: String] = ["format": "pt"]
        metadata.merge(loaded.graphConfigMetadata) { _, new in new }
        metadata[DynamicQuantization.metadataKey] = result.graph.metadata[DynamicQuantization.metadataKey]
        return try SafetensorsWriter.write(tensors, metadata: metadata, to: path)
    }

    /// Loads an int8 file written by `save`.
    /// - Throws: `QuantizeError.file` naming the tensor for a missing scale, a wrong dtype or shape, or
    ///   bad metadata; Formats' errors for the rest of the model.
    public static func load(_ path: String, hints: ConfigHints = ConfigHints(), fuse: Bool = true) throws -> Model {
        let file = try SafetensorsFile(path: path)
        guard let text = file.metadata[DynamicQuantization.metadataKey],
              let obj = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let layers = obj["layers"] as? [String], let act = obj["activations"] as? String else {
            throw QuantizeError.file(path: path, tensor: nil, detail: "no valid \(DynamicQuantization.metadataKey) entry in __metadata__")
        }
        let isStatic = obj["scheme"] as? String == staticScheme
        guard obj["scheme"] as? String == "dynamic-int8" || isStatic else {
            throw QuantizeError.file(path: path, tensor: nil, detail: "quantization scheme \(obj["scheme"] ?? "none") is not dynamic-int8 or \(staticScheme)")
        }
        if isStatic, obj["version"] as? Int != staticVersion {
            throw QuantizeError.file(path: path, tensor: nil, detail: "\(staticScheme) version \(obj["version"] ?? "none") is not \(staticVersion), the one this vitopt reads")
        }
        guard let scheme = ActivationScheme(rawValue: act), (scheme == .calibrated) == isStatic else {
            throw QuantizeError.file(path: path, tensor: nil, detail: "activations \"\(act)\" do not fit scheme \(obj["scheme"] ?? "none")")
        }
        var tensors = file.tensors
        let calibration = isStatic ? try staticInputs(layers, tensors: &tensors, path: path) : [:]
        var stored: [String: WeightQuantizer.Quantized] = [:]
        for name in layers {
            guard let w = tensors[name] else { throw QuantizeError.file(path: path, tensor: name, detail: "listed as quantized but missing") }
            guard w.dtype == .i8, w.rank == 2 else {
                throw QuantizeError.file(path: path, tensor: name, detail: "expected I8 [out, in], got \(w.dtype.rawValue) \(w.shape)")
            }
            guard let s = tensors[name + "_scale"] else { throw QuantizeError.file(path: path, tensor: name + "_scale", detail: "missing weight scale") }
            guard s.dtype == .f32, s.shape == [w.shape[0]] else {
                throw QuantizeError.file(path: path, tensor: name + "_scale", detail: "expected F32 [\(w.shape[0])], got \(s.dtype.rawValue) \(s.shape)")
            }
            let scale = s.isAligned ? s : s.copy()
            stored[name] = WeightQuantizer.Quantized(weight: w, scale: scale)
            tensors[name] = WeightQuantizer.dequantize(w, scale: scale)
            tensors[name + "_scale"] = nil
        }
        var metadata = file.metadata
        metadata[DynamicQuantization.metadataKey] = nil
        let loaded = try ModelLoader.fromTensors(tensors, metadata: metadata, path: path, format: .safetensors,
                                                 fileSize: file.fileSize, hints: hints, naming: nil)
        var options = DynamicQuantization.Options()
        options.activations = scheme
        options.stored = stored
        options.calibration = calibration
        options.calibrationMethod = obj["calibration"] as? String
        options.onlyWeights = Set(layers)
        options.fuse = fuse
        let result = try DynamicQuantization.apply(try loaded.graph(), options: options)
        guard result.layers.count == layers.count else {
            let found = Set(result.layers.map(\.weight))
            let missing = layers.filter { !found.contains($0) }
            throw QuantizeError.file(path: path, tensor: missing.first, detail: "\(missing.count) quantized tensor(s) are not the weight of a Linear layer")
        }
        return Model(loaded: loaded, result: result, activations: scheme)
    }

    /// Reads and validates each layer's `<weight>_input_scale` / `<weight>_input_zero_point`, removing them from `tensors`.
    static func staticInputs(_ layers: [String], tensors: inout [String: Tensor], path: String) throws -> [String: StaticActivation] {
        var out: [String: StaticActivation] = [:]
        for name in layers {
            let sName = name + inputScaleSuffix, zName = name + inputZeroPointSuffix
            guard let s = tensors[sName] else { throw QuantizeError.file(path: path, tensor: sName, detail: "missing calibrated input scale") }
            guard let z = tensors[zName] else { throw QuantizeError.file(path: path, tensor: zName, detail: "missing calibrated input zero point") }
            guard s.dtype == .f32, s.shape == [1] else {
                throw QuantizeError.file(path: path, tensor: sName, detail: "expected F32 [1], got \(s.dtype.rawValue) \(s.shape)")
            }
            guard z.dtype == .u8, z.shape == [1] else {
                throw QuantizeError.file(path: path, tensor: zName, detail: "expected U8 [1], got \(z.dtype.rawValue) \(z.shape)")
            }
            let scale = s.copy().floatArray()[0], zp = z.intArray()[0]
            do { out[name] = try StaticActivation(scale: scale, zeroPoint: zp) } catch let e as StaticActivation.Invalid {
                throw QuantizeError.file(path: path, tensor: sName, detail: e.detail)
            }
            tensors[sName] = nil
            tensors[zName] = nil
        }
        return out
    }
}
