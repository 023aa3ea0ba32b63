import Foundation
import Graph

/// What `vitopt inspect` reports about a model file.
public struct ModelReport: Codable, Sendable {
    public var path: String
    public var format: String
    /// For HDF5 files: plain, keras or keras3.
    public var layout: String?
    public var convention: String
    public var imageSize: [Int]
    public var patchSize: [Int]
    public var channels: Int
    public var embedDim: Int
    public var depth: Int
    public var numHeads: Int
    public var mlpHidden: Int
    public var eps: Double
    public var numClasses: Int
    public var numPrefixTokens: Int
    public var classToken: Bool
    public var distToken: Bool
    public var regTokens: Int
    public var globalPool: String
    /// The model family (`ViTConfig.family`) and its MLP activation.
    public var family: String
    public var activation: String
    /// The architectural features beyond a plain ViT (`norm_pre`, no patch bias, LayerScale, …).
    public var features: [String]
    /// Width of the image projection (`image_embeds`), 0 for none.
    public var projectionDim: Int
    public var parameters: Int
    /// Element count per dtype.
    public var dtypes: [String: Int]
    public var fileSize: Int
    public var tensors: Int
    public var extraTensors: [String]
    public var warnings: [String]
    /// The graph, for an imported graph not recognised as a ViT (whose ViT fields are placeholders).
    public var graph: GraphSummary?
    /// A Swin Transformer's config (then the ViT fields describe its first stage).
    public var swin: SwinConfig?

    enum CodingKeys: String, CodingKey {
        case path, format, layout, convention, imageSize = "image_size", patchSize = "patch_size", channels, embedDim = "embed_dim"
        case depth, numHeads = "num_heads", mlpHidden = "mlp_hidden", eps, numClasses = "num_classes"
        case numPrefixTokens = "num_prefix_tokens", classToken = "class_token", distToken = "dist_token"
        case regTokens = "reg_tokens", globalPool = "global_pool", parameters, dtypes, fileSize = "file_size", tensors
        case extraTensors = "extra_tensors", warnings, graph, family, activation, features, projectionDim = "projection_dim", swin
    }

    public init(_ m: LoadedModel) {
        let c = m.model.config
        path = m.path
        format = m.format.rawValue
        layout = m.hdf5Layout?.rawValue
        convention = m.hdf5Layout == .keras ? "hf-tf" : m.convention.rawValue
        imageSize = c.imageSize
        patchSize = c.patchSize
        channels = c.channels
        embedDim = c.embedDim
        depth = c.depth
        numHeads = c.numHeads
        mlpHidden = c.mlpHidden
        eps = c.eps
        numClasses = c.numClasses
        numPrefixTokens = c.numPrefixTokens
        classToken = c.classToken
        distToken = c.distToken
        regTokens = c.regTokens
        globalPool = c.globalPool
        family = c.family
        activation = c.activation
        projectionDim = c.projectionDim
        var f: [String] = []
        if c.normPre { f.append("norm_pre") }
        if !c.patchBias { f.append("no patch bias") }
        if c.layerScale { f.append("LayerScale") }
        if !c.qkvBias { f.append("no qkv bias") }
        if c.fcNorm { f.append("fc_norm") }
        if !c.finalNorm { f.append("no final norm") }
        if c.maskToken { f.append("mask token") }
        if c.pooler { f.append("pooler") }
        if let r = c.rope {
            f.append(r.coordinates == ViTRoPE.centered ? "RoPE (DINOv3, base \(r.temperature))"
                     : "RoPE (EVA\(r.refGrid.map { ", reference grid \($0[0])×\($0[1])" } ?? ""))")
        }
        if !c.absolutePositions { f.append("no position table") }
        if c.mlpNorm { f.append("MLP inner norm") }
        if c.relativeBias == .perBlock { f.append("relative position bias per block") }
        if c.relativeBias == .shared { f.append("shared relative position bias") }
        features = f
        let all = Array(m.model.tensors.values) + Array(m.model.extras.values)
        parameters = m.model.tensors.values.reduce(0) { $0 + $1.count }
        var d: [String: Int] = [:]
        for t in all { d[t.dtype.rawValue, default: 0] += t.count }
        dtypes = d
        fileSize = m.fileSize
        tensors = all.count
        extraTensors = m.model.extras.keys.sorted()
        warnings = m.warnings
        if let s = m.swin {
            swin = s.config
            depth = s.config.depths.reduce(0, +)
            parameters = s.tensors.values.reduce(0) { $0 + $1.count }
            dtypes = s.tensors.values.reduce(into: [:]) { $0[$1.dtype.rawValue, default: 0] += $1.count }
            tensors = s.tensors.count
        }
        if !m.recognized, let g = m.importedGraph {
            graph = GraphSummary(g, registry: m.registry)
            // The file's own initializers: an unrecognised graph has no ViT tensors to count.
            parameters = m.rawTensors.values.reduce(0) { $0 + $1.count }
            dtypes = m.rawTensors.values.reduce(into: [:]) { $0[$1.dtype.rawValue, default: 0] += $1.count }
            tensors = m.rawTensors.count
        }
    }

    /// The report as one JSON object (sorted keys).
    public func json() throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted]
        return String(decoding: try enc.encode(self), as: UTF8.self)
    }

    /// A human-readable summary.
    public var text: String {
        func mb(_ b: Int) -> String { String(format: "%.2f MB", Double(b) / 1e6) }
        let tokens = [classToken ? "class" : nil, distToken ? "distillation" : nil, regTokens > 0 ? "\(regTokens) register" : nil]
            .compactMap { $0 }.joined(separator: " + ")
        let header = [
            "\(path)",
            "  format        \(format)\(layout.map { ", \($0) layout" } ?? "") (\(convention) naming, \(family) family), \(mb(fileSize)), \(tensors) tensors",
        ]
        let parameterLine = "  parameters    \(parameters) (" + dtypes.keys.sorted().map { "\($0): \(dtypes[$0]!)" }.joined(separator: ", ") + ")"
        var lines = graph.map { header + $0.lines + [parameterLine] } ?? header + [
            "  input         \(channels)×\(imageSize[0])×\(imageSize[1]), patch \(patchSize[0])×\(patchSize[1]) → \((imageSize[0] / patchSize[0]) * (imageSize[1] / patchSize[1])) patches",
            "  transformer   width \(embedDim), depth \(depth), \(numHeads) heads, MLP \(mlpHidden) (\(activation)), LayerNorm eps \(eps)\(features.isEmpty ? "" : "; " + features.joined(separator: ", "))",
            "  tokens        \(tokens.isEmpty ? "none" : tokens) (\(numPrefixTokens) prefix), pool \(globalPool)",
            "  head          \(numClasses > 0 ? "\(numClasses) classes" : projectionDim > 0 ? "projection to \(projectionDim) (image_embeds)" : "none (returns hidden states)")",
            parameterLine,
        ]
        if let s = swin {
            lines[3] = "  stages        Swin\(s.isV2 ? " v2" : ""): depths \(s.depths), heads \(s.numHeads), widths \((0..<s.stageCount).map(s.width)), window \(s.windowSize), MLP \(s.mlpHidden), eps \(eps)"
            lines[4] = "  tokens        none; pool avg over the last stage's \(s.grid(stage: s.stageCount - 1).reduce(1, *)) tokens"
        }
        if !extraTensors.isEmpty { lines.append("  extra tensors \(extraTensors.joined(separator: ", "))") }
        for w in warnings { lines.append("  warning: \(w)") }
        return lines.joined(separator: "\n")
    }
}
