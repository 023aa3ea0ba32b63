import Foundation
import Graph

/// Reads a Swin Transformer v1 or v2 checkpoint (timm, original Microsoft or transformers names) into a
/// `SwinDescription`: names mapped to timm's, transformers' q, k, v concatenated into `qkv`
/// (bit-exact copies; a v2's absent key bias as zeros), computed buffers dropped, the config from the shapes plus `config.json` or
/// vitopt's metadata for what shapes cannot say (image size, window when clamped, eps, labels).
enum SwinCheckpoint {
    /// - Throws: `FormatError` naming the file and tensor at fault; nothing traps on hostile names,
    ///   shapes or config values.
    static func load(_ tensors: [String: Tensor], metadata: [String: String], path: String, format: ModelFormat,
                     fileSize: Int, hints: ConfigHints, naming: NamingConvention?) throws -> LoadedModel {
        if let why = SwinNames.unsupportedReason(tensors.keys) { throw FormatError.unsupported(path: path, detail: why) }
        let names = tensors.keys.sorted()
        let hf = names.contains { $0.hasPrefix("embeddings.") || $0.hasPrefix("swin.") || $0.hasPrefix("swinv2.") || $0.hasPrefix("encoder.") }
        let v2 = names.contains(where: SwinNames.isV2Name)
        let oldTimm = !hf && tensors["layers.0.downsample.reduction.weight"] != nil
        var canonical: [String: Tensor] = [:]
        var thirds: [String: [Int: (String, Tensor)]] = [:]
        var dropped = 0
        for name in names {
            guard let (c, part) = try SwinNames.canonical(name, oldTimm: oldTimm, path: path) else { dropped += 1; continue }
            let t = tensors[name]!
            if let part {
                if thirds[c, default: [:]][part] != nil { throw FormatError.tensor(path: path, tensor: name, detail: "given twice") }
                thirds[c, default: [:]][part] = (name, t)
                continue
            }
            guard canonical[c] == nil else { throw FormatError.tensor(path: path, tensor: name, detail: "another tensor has the same role (\(c))") }
            canonical[c] = t
        }
        for (c, var parts) in thirds.sorted(by: { $0.key < $1.key }) {
            // Swin v2 has query and value biases only: the key's is zero (keyBiasOmitted)
            if v2, c.hasSuffix(".qkv.bias"), parts[1] == nil, let q = parts[0], q.1.rank == 1, q.1.dtype.isFloatingPoint {
                parts[1] = (q.0, Tensor(zeros: q.1.dtype, shape: q.1.shape))  // in the file's float type (f16/bf16 files too)
            }
            guard let q = parts[0], let k = parts[1], let v = parts[2] else {
                throw FormatError.tensor(path: path, tensor: parts.values.first?.0 ?? c, detail: "query, key and value must all be present")
            }
            for (n, t) in [k, v] where t.shape != q.1.shape || t.dtype != q.1.dtype || t.shape.isEmpty {
                throw FormatError.tensor(path: path, tensor: n, detail: "shape \(t.shape) \(t.dtype.rawValue) differs from the query's \(q.1.shape) \(q.1.dtype.rawValue)")
            }
            guard canonical[c] == nil else { throw FormatError.tensor(path: path, tensor: q.0, detail: "the file also has a packed \(c)") }
            canonical[c] = Tensor.concatenateRows([q.1, k.1, v.1])
        }
        let convention: NamingConvention = naming ?? (hf ? .hf : .timm)
        let config = try resolve(canonical, metadata: metadata, hints: hints, convention: convention, path: path, v2: v2)
        let model = SwinDescription(config: config, tensors: canonical)
        do { try model.validate() } catch let e as ViTError { throw FormatError.config(path: path, detail: e.description) }
        var warnings: [String] = []
        if dropped > 0 { warnings.append("\(dropped) computed buffer(s) (relative_position_index, attn_mask, relative_coords_table) read and recomputed from the config") }
        return try loaded(model, path: path, format: format, convention: convention, prefix: hf && config.numClasses > 0 ? (v2 ? "swinv2." : "swin.") : "",
                          metadata: metadata, warnings: warnings, fileSize: fileSize)
    }

    /// A `LoadedModel` carrying `model` (its `model` field is the input contract only).
    static func loaded(_ model: SwinDescription, path: String, format: ModelFormat, convention: NamingConvention, prefix: String,
                       metadata: [String: String], warnings: [String], fileSize: Int) throws -> LoadedModel {
        let c = model.config
        var standIn = ViTConfig(imageSize: c.imageSize, patchSize: [c.patchSize, c.patchSize], channels: c.channels, embedDim: c.embedDim,
                                depth: 0, numHeads: c.numHeads[0], mlpHidden: c.mlpHidden[0], eps: c.eps, numClasses: c.numClasses,
                                family: "swin", labels: c.labels, preprocessing: c.preprocessing)
        standIn.globalPool = "avg"
        do { try standIn.validate() } catch let e as ViTError { throw FormatError.config(path: path, detail: e.description) }
        var loaded = LoadedModel(path: path, format: format, convention: convention, prefix: prefix,
                                 model: ViTDescription(config: standIn, tensors: [:]), metadata: metadata, warnings: warnings,
                                 fileSize: fileSize)
        loaded.swin = model
        return loaded
    }

    /// The config: stages, depths, widths, heads and MLP widths from the shapes; image size, window,
    /// eps and labels from the command line, vitopt's metadata or `config.json`, in that order.
    static func resolve(_ t: [String: Tensor], metadata: [String: String], hints: ConfigHints, convention: NamingConvention,
                        path: String, v2: Bool = false) throws -> SwinConfig {
        func fail(_ s: String) -> FormatError { .config(path: path, detail: s) }
        guard let pw = t["patch_embed.proj.weight"]?.shape, pw.count == 4, pw[2] == pw[3] else {
            throw fail("the patch embedding 'patch_embed.proj.weight' must be a square-kernel [D, C, P, P] tensor")
        }
        var depths: [Int] = []
        for name in t.keys {
            let p = name.split(separator: ".")
            guard p.count > 3, p[0] == "layers", let s = Int(p[1]), s >= 0, s < SwinConfig.Limits.stages.upperBound else {
                if name.hasPrefix("layers.") { throw FormatError.tensor(path: path, tensor: name, detail: "stage index outside 0..<\(SwinConfig.Limits.stages.upperBound)") }
                continue
            }
            while depths.count <= s { depths.append(0) }
            if p[2] == "blocks", let b = Int(p[3]), b >= 0, b < SwinConfig.Limits.depthPerStage.upperBound { depths[s] = max(depths[s], b + 1) }
        }
        guard !depths.isEmpty, depths.allSatisfy({ $0 > 0 }) else { throw fail("every stage needs blocks (found depths \(depths))") }
        let heads = try (0..<depths.count).map { s -> Int in
            if v2 {
                guard let shape = t["layers.\(s).blocks.0.attn.logit_scale"]?.shape, shape.count == 3, shape[1] == 1, shape[2] == 1 else {
                    throw fail("'layers.\(s).blocks.0.attn.logit_scale' must be [heads, 1, 1]")
                }
                return shape[0]
            }
            guard let shape = t["layers.\(s).blocks.0.attn.relative_position_bias_table"]?.shape, shape.count == 2 else {
                throw fail("'layers.\(s).blocks.0.attn.relative_position_bias_table' must be [(2W-1)², heads]")
            }
            return shape[1]
        }
        let hidden = try (0..<depths.count).map { s -> Int in
            guard let shape = t["layers.\(s).blocks.0.mlp.fc1.weight"]?.shape, shape.count == 2 else { throw fail("'layers.\(s).blocks.0.mlp.fc1.weight' must be 2-D") }
            return shape[0]
        }
        let meta = try SwinConfigFile.fromMetadata(metadata, path: path)
        let file = meta == nil ? try SwinConfigFile.sidecar(for: path) : nil
        let from = meta != nil ? "\(path) (\(SwinConfigFile.metadataKey))" : (file?.source ?? "the config")
        if let h = meta?.numHeads ?? file?.numHeads, h != heads { throw fail("\(from) says num_heads \(h), the bias tables have \(heads)") }
        if let m = meta, m.isV2 != v2 {
            throw fail("\(from) describes a Swin v\(m.isV2 ? 2 : 1), the tensors are a Swin v\(v2 ? 2 : 1)'s")
        }
        if let f = file, let fv2 = f.isV2, fv2 != v2 {
            throw fail("\(from) describes a Swin v\(fv2 ? 2 : 1), the tensors are a Swin v\(v2 ? 2 : 1)'s")
        }
        let rows = t["layers.0.blocks.0.attn.relative_position_bias_table"]?.shape.first ?? 0
        let side = Int(Double(rows).squareRoot().rounded())
        let tableWindow = rows > 0 && side * side == rows && side % 2 == 1 ? (side + 1) / 2 : nil
        guard let window = meta?.windowSize ?? file?.windowSize ?? tableWindow else {
            throw fail(v2 ? "a Swin v2's window size is not in its tensors, and neither the file's metadata nor a config.json beside it gives it"
                          : "cannot infer the window size from a \(rows)-row relative position bias table")
        }
        guard let size = hints.imageSize ?? meta?.imageSize ?? file?.imageSize else {
            throw fail("the image size is not in the file's metadata or a config.json beside it; give it with --source-grid HxW")
        }
        let classes = t["head.fc.weight"]?.shape.first ?? 0
        var labels = meta?.labels ?? file?.labels
        if labels?.count != classes { labels = nil }
        let preprocessing = meta?.preprocessing ?? hints.preprocessing
            ?? (convention == .hf ? .huggingFace(size: size, mean: ViTConfig.Preprocessing.imagenetMean, std: ViTConfig.Preprocessing.imagenetStd)
                                  : .timm(size: size, cropPct: 0.9))
        let config = SwinConfig(imageSize: size, patchSize: pw[2], channels: pw[1], embedDim: pw[0], depths: depths, numHeads: heads,
                                windowSize: window, mlpHidden: hidden, eps: hints.eps ?? meta?.eps ?? file?.eps ?? 1e-5,
                                qkvBias: t["layers.0.blocks.0.attn.qkv.bias"] != nil, numClasses: classes, labels: labels,
                                preprocessing: preprocessing, version: v2 ? 2 : nil,
                                pretrainedWindowSizes: v2 ? (meta?.pretrainedWindowSizes ?? file?.pretrainedWindowSizes).flatMap { p in
                                    p.allSatisfy { $0 == 0 } ? nil : Array(p.prefix(depths.count)) } : nil)
        do { try config.validate() } catch let e as ViTError { throw fail(e.description) }
        return config
    }
}
