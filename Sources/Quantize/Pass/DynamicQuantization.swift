import Foundation
import Graph

/// The dynamic-quantization pass over the IR: every `Linear` whose weight is a constant float
/// initializer becomes an `Int8Linear` (weights symmetric int8 per output channel, activations
/// quantized at run time), unless an exclude pattern names it. Everything else — patch embedding,
/// LayerNorm, softmax, GELU, the attention matmuls — stays fp32. With `fuse`, a LayerNorm or GELU
/// whose output feeds only int8 Linears quantizes that output itself (`LayerNormQuantize`,
/// `GeluQuantize` → `Int8LinearQ`), saving one pass over the activation. Fusion needs per-token
/// activations (a per-tensor range needs the whole matrix first).
///
/// Works on any graph, not only ViT's: it looks at op kinds and initializers, never at names.
public enum DynamicQuantization {
    /// The safetensors `__metadata__` key (and `ModelGraph.metadata` key) describing the scheme.
    public static let metadataKey = "vitopt.quantization"

    public struct Options: Sendable {
        public var activations: ActivationScheme = .perToken
        public var exclude: [ExcludePattern] = []
        public var fuse = true
        /// Already quantized weights by weight initializer name (an int8 file's), used as given.
        public var stored: [String: WeightQuantizer.Quantized] = [:]
        /// When set, quantize exactly the Linears whose weight is named here (an int8 file's layer list).
        public var onlyWeights: Set<String>?
        /// With `activations = .calibrated`: each layer's input quantization by weight name
        /// (`StaticCalibration.measure`, or an int8 file's stored values). Every quantized layer needs one.
        public var calibration: [String: StaticActivation] = [:]
        /// With `activations = .calibrated`: how the ranges were found (written to the metadata).
        public var calibrationMethod: String?
        public init() {}
    }

    /// One quantized layer.
    public struct Layer: Sendable {
        public let node: String
        public let weight: String
        public let outFeatures: Int
        public let inFeatures: Int
        /// SQNR of the int8 weight against the fp32 one, dB.
        public let weightSQNR: Double
        /// The calibrated input quantization (static int8 only).
        public var input: StaticActivation? = nil
    }

    public struct Result: Sendable {
        public var graph: ModelGraph
        public var layers: [Layer]
        /// Linear nodes left in fp32, with the reason.
        public var kept: [(node: String, reason: String)]
        /// Producers fused with activation quantization.
        public var fused: [String]
    }

    static let int8Ops: Set<String> = [Int8LinearKernel.op, Int8LinearQKernel.op, LayerNormQuantizeKernel.op, GeluQuantizeKernel.op]

    /// Runs the pass.
    /// - Throws: `QuantizeError.alreadyQuantized` when the graph has int8 ops, `.pattern` for an exclude
    ///   pattern that matches no Linear (node or weight name), `.unsupportedWeight` for a weight that
    ///   cannot be quantized, `.nothingToQuantize` when no Linear is left to quantize.
    public static func apply(_ input: ModelGraph, options: Options = Options()) throws -> Result {
        if let q = input.nodes.first(where: { int8Ops.contains($0.op) }) {
            throw QuantizeError.alreadyQuantized(path: "\(input.name) (node '\(q.name)' is \(q.op))")
        }
        var g = input
        var layers: [Layer] = [], kept: [(String, String)] = []
        let linears = g.nodes.indices.filter { g.nodes[$0].op == OpKind.linear }
        for p in options.exclude {
            let hit = linears.contains { i in p.matches(layer: g.nodes[i].name, weight: g.nodes[i].inputs.count > 1 ? g.nodes[i].inputs[1] : nil) }
            if !hit {
                let names = linears.map { i -> String in
                    let n = g.nodes[i]
                    guard n.inputs.count > 1, let module = ExcludePattern.moduleName(n.inputs[1]), module != n.name else { return n.name }
                    return "\(n.name) (\(module))"
                }
                let shown = names.prefix(8).joined(separator: ", ") + (names.count > 8 ? ", and \(names.count - 8) more" : "")
                throw QuantizeError.pattern("'\(p.text)' matches no Linear layer of \(input.name); its Linear layers are \(shown)")
            }
        }
        var uses: [String: Int] = [:]
        for n in g.nodes { for v in n.inputs { uses[v, default: 0] += 1 } }
        for i in linears {
            let node = g.nodes[i]
            guard node.inputs.count >= 2 else { continue }
            let wName = node.inputs[1]
            if let only = options.onlyWeights, !only.contains(wName) { kept.append((node.name, "fp32 in the file")); continue }
            if options.exclude.contains(where: { $0.matches(layer: node.name, weight: wName) }) {
                kept.append((node.name, "excluded")); continue
            }
            guard let w = g.initializers[wName] else { kept.append((node.name, "weight is computed, not a constant")); continue }
            if node.inputs.count > 2, g.initializers[node.inputs[2]] == nil { kept.append((node.name, "bias is not a constant")); continue }
            guard uses[wName] == 1 else { kept.append((node.name, "weight '\(wName)' is shared with other nodes")); continue }
            let q: WeightQuantizer.Quantized
            if let s = options.stored[wName] {
                q = s
            } else {
                q = try WeightQuantizer.quantize(w, node: node.name, name: wName)
            }
            guard q.weight.shape == w.shape else {
                throw QuantizeError.unsupportedWeight(node: node.name, tensor: wName, detail: "int8 weight has shape \(q.weight.shape), the layer expects \(w.shape)")
            }
            let bias = node.inputs.count > 2 ? g.initializers[node.inputs[2]] : nil
            let packed = PackedWeights(weight: q.weight, scale: q.scale, bias: bias)
            let scaleName = wName + "_scale", packedName = wName + ".packed"
            g.initializers[wName] = q.weight
            g.initializers[scaleName] = q.scale
            g.initializers[packedName] = packed.tensor
            g.nodes[i] = Node(name: node.name, op: Int8LinearKernel.op,
                              inputs: [node.inputs[0], packedName, wName, scaleName] + node.inputs.dropFirst(2),
                              outputs: node.outputs, attributes: ["activations": .string(options.activations.rawValue)])
            var attributes: [String: Attribute] = ["activations": .string(options.activations.rawValue)]
            if options.activations == .calibrated {
                guard let c = options.calibration[wName] else {
                    throw QuantizeError.calibration("no calibrated input range for node '\(node.name)' (weight '\(wName)')")
                }
                attributes.merge(c.attributes) { _, b in b }
                g.nodes[i].attributes = attributes
            }
            let sqnr = options.stored[wName] == nil ? WeightQuantizer.sqnr(w, WeightQuantizer.dequantize(q.weight, scale: q.scale)) : .nan
            layers.append(Layer(node: node.name, weight: wName, outFeatures: w.shape[0], inFeatures: w.shape[1], weightSQNR: sqnr,
                                input: options.activations == .calibrated ? options.calibration[wName] : nil))
        }
        guard !layers.isEmpty else {
            throw QuantizeError.nothingToQuantize(linears.isEmpty ? "\(input.name) has no Linear layers"
                                                                  : "all \(linears.count) Linear layers of \(input.name) stay fp32")
        }
        let fused = (options.fuse && options.activations != .perTensor) ? fuseProducers(&g) : []
        g.metadata[metadataKey] = describe(options.activations, layers: layers, method: options.calibrationMethod)
        return Result(graph: g, layers: layers, kept: kept, fused: fused)
    }

    /// Rewrites LayerNorm/Gelu producers whose output feeds only `Int8Linear` inputs (per-token, or
    /// static when every consumer has the same calibrated quantization, which the producer then applies).
    static func fuseProducers(_ g: inout ModelGraph) -> [String] {
        var consumers: [String: [Int]] = [:]
        for (i, n) in g.nodes.enumerated() { for v in n.inputs { consumers[v, default: []].append(i) } }
        let outputs = Set(g.outputs)
        var fused: [String] = []
        for p in g.nodes.indices {
            let prod = g.nodes[p]
            guard prod.op == OpKind.layerNorm || prod.op == "Gelu", prod.outputs.count == 1 else { continue }
            let v = prod.outputs[0]
            guard !outputs.contains(v), let users = consumers[v], !users.isEmpty,
                  users.allSatisfy({ g.nodes[$0].op == Int8LinearKernel.op && g.nodes[$0].inputs[0] == v
                                     && g.nodes[$0].inputs.dropFirst().allSatisfy { $0 != v } }) else { continue }
            let first = g.nodes[users[0]]
            guard let scheme = first.string("activations"), scheme != ActivationScheme.perTensor.rawValue,
                  users.allSatisfy({ g.nodes[$0].string("activations") == scheme
                                     && g.nodes[$0].attributes[StaticActivation.scaleKey] == first.attributes[StaticActivation.scaleKey]
                                     && g.nodes[$0].attributes[StaticActivation.zeroPointKey] == first.attributes[StaticActivation.zeroPointKey] })
            else { continue }
            let q = [v + ".q", v + ".scale", v + ".zero_point"]
            var attrs = prod.attributes
            attrs["activations"] = .string(scheme)
            for key in [StaticActivation.scaleKey, StaticActivation.zeroPointKey] { attrs[key] = first.attributes[key] }
            g.nodes[p] = Node(name: prod.name, op: prod.op == OpKind.layerNorm ? LayerNormQuantizeKernel.op : GeluQuantizeKernel.op,
                              inputs: prod.inputs, outputs: q, attributes: attrs)
            for u in users {
                let n = g.nodes[u]
                g.nodes[u] = Node(name: n.name, op: Int8LinearQKernel.op, inputs: q + n.inputs.dropFirst(), outputs: n.outputs,
                                  attributes: n.attributes)
            }
            fused.append(prod.name)
        }
        return fused
    }

    /// The metadata JSON: scheme, activation mode and quantized weight names; for static int8 also the
    /// format version and the calibration method (the values are tensors, see `Int8ModelFile`).
    static func describe(_ a: ActivationScheme, layers: [Layer], method: String? = nil) -> String {
        var obj: [String: Any] = ["scheme": "dynamic-int8", "weights": "int8 symmetric per output channel, scale in <weight>_scale",
                                  "activations": a.rawValue, "layers": layers.map(\.weight)]
        if a == .calibrated {
            obj["scheme"] = Int8ModelFile.staticScheme
            obj["version"] = Int8ModelFile.staticVersion
            obj["inputs"] = "u8 per tensor, scale in <weight>_input_scale (F32 [1]), zero point in <weight>_input_zero_point (U8 [1])"
            if let m = method { obj["calibration"] = m }
        }
        let data = (try? JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
