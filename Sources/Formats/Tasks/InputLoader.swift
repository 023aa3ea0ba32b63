import Foundation
import Graph

/// Turns a user's input file into `pixel_values` for a model: a float `.npy` batch (N×C×H×W, already
/// preprocessed, float16/32/64), a uint8 `.npy` of raw pixels (N×H×W grey or N×H×W×C, at the model's
/// size: normalised as `(p / 255 − mean) / std` in fp32, as torchvision's ToTensor + Normalize), or a
/// PNG/JPEG image (decoded and preprocessed with the model's recipe).
public enum InputLoader {
    /// Loads `path` for `config`.
    /// - Throws: `FormatError` naming the file when it is neither `.npy` nor an image, or its shape
    ///   does not fit the model (channels, size, patch multiple).
    public static func load(_ path: String, config: ViTConfig) throws -> Tensor {
        let head = try MappedFile(path: path).prefix(8)
        if head.starts(with: [0x93] + Array("NUMPY".utf8)) {
            var t = try NpyArray.read(path: path)
            if t.dtype == .u8 { return try normalizedPixels(t, path: path, config: config) }
            guard t.dtype.isFloatingPoint else {
                throw FormatError.tensor(path: path, tensor: "input", detail: "expected a float array (or uint8 pixels), got \(t.dtype.rawValue)")
            }
            if t.rank == 3 { t = t.reshaped([1] + t.shape) }
            try check(t.shape, path: path, config: config)
            return t.asF32()
        }
        if ImageFormat.detect(head) != nil {
            let t = try ImagePreprocessor.pixelValues(path: path, preprocessing: config.preprocessing)
            try check(t.shape, path: path, config: config)
            return t
        }
        throw FormatError.notRecognized(path: path, detail: "inputs must be .npy arrays or PNG/JPEG images")
    }

    /// uint8 pixels N×H×W (grey, replicated to every channel) or N×H×W×C → normalised N×C×H×W.
    static func normalizedPixels(_ t: Tensor, path: String, config: ViTConfig) throws -> Tensor {
        let c = config.channels
        guard t.rank == 3 || (t.rank == 4 && (t.shape[3] == 1 || t.shape[3] == c)) else {
            throw FormatError.tensor(path: path, tensor: "input",
                                     detail: "uint8 pixels must be N×H×W or N×H×W×\(c), got \(t.shape)")
        }
        let (n, h, w) = (t.shape[0], t.shape[1], t.shape[2])
        let srcChannels = t.rank == 4 ? t.shape[3] : 1
        try check([n, c, h, w], path: path, config: config)
        let p = config.preprocessing
        let out = try Tensor(uninitialized: .f32, shape: [n, c, h, w], for: "normalised pixels of \(path)")
        let dst = out.mutableFloats
        let src = t.rawPointer.assumingMemoryBound(to: UInt8.self)
        for b in 0..<n {
            for ch in 0..<c {
                let sc = srcChannels == 1 ? 0 : ch
                let mean = p.mean[ch % p.mean.count], std = p.std[ch % p.std.count]
                for y in 0..<h {
                    for x in 0..<w {
                        let v = Float(src[((b * h + y) * w + x) * srcChannels + sc]) / 255
                        dst[((b * c + ch) * h + y) * w + x] = (v - mean) / std
                    }
                }
            }
        }
        return out
    }

    /// Checks an N×C×H×W shape against the model.
    public static func check(_ shape: [Int], path: String, config: ViTConfig) throws {
        let want = "N×\(config.channels)×\(config.imageSize[0])×\(config.imageSize[1])"
        guard shape.count == 4 else {
            throw FormatError.tensor(path: path, tensor: "input", detail: "expected shape \(want), got \(shape)")
        }
        guard shape[0] >= 1 else { throw FormatError.tensor(path: path, tensor: "input", detail: "the batch is empty") }
        guard shape[1] == config.channels else {
            throw FormatError.tensor(path: path, tensor: "input", detail: "expected \(config.channels) channels (shape \(want)), got \(shape)")
        }
        let (h, w) = (shape[2], shape[3])
        if h % config.patchSize[0] != 0 || w % config.patchSize[1] != 0 {
            throw FormatError.tensor(path: path, tensor: "input",
                                     detail: "image size \(h)×\(w) is not a multiple of the patch size \(config.patchSize[0])×\(config.patchSize[1])")
        }
        guard h == config.imageSize[0], w == config.imageSize[1] else {
            throw FormatError.tensor(path: path, tensor: "input",
                                     detail: "the model runs at \(config.imageSize[0])×\(config.imageSize[1]), the input is \(h)×\(w) (expected \(want))")
        }
    }
}
