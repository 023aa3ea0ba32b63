import Foundation
import Graph

/// Opens an ONNX file as a `LoadedModel`: the imported graph runs as is; when it is recognised as a
/// ViT, the recovered description carries its parameters (so it converts to any naming).
enum ONNXLoader {
    static func load(_ path: String, hints: ConfigHints, naming: NamingConvention?) throws -> LoadedModel {
        let imported = try ONNXImporter.load(path, imageSize: hints.imageSize)
        let graph = imported.graph
        var warnings = imported.warnings
        if let swin = try SwinONNX.recover(metadata: graph.metadata, initializers: imported.file.graph.initializers, path: path) {
            var loaded = try SwinCheckpoint.loaded(swin, path: path, format: .onnx, convention: naming ?? .timm, prefix: "", metadata: graph.metadata,
                                                   warnings: warnings, fileSize: imported.file.fileSize)
            loaded.importedGraph = graph
            loaded.registry = .onnx
            return loaded
        }
        // vitopt's own exports are rebuilt from their metadata and checked by running both graphs;
        // other tools' exports are read by structure.
        var (recovered, why): (ViTDescription?, String) = (nil, "")
        if graph.metadata[ConfigSources.metadataKey] != nil {
            (recovered, why) = ONNXDescriptionCheck.recover(imported: graph, initializers: imported.file.graph.initializers, path: path)
        }
        if recovered == nil {
            let (model, reason) = ViTRecognizer.recognize(graph)
            recovered = model
            why = why.isEmpty ? reason : "\(reason); \(why)"
        }
        if recovered == nil, graph.metadata[ConfigSources.metadataKey] == nil {
            // Other tools' exports the structural walk does not follow: derived from the names, checked by running.
            let (model, reason) = ONNXDerivedDescription.derive(graph, fileInitializers: imported.file.graph.initializers, path: path)
            recovered = model
            if model == nil { why = "\(why); derived from its parameter names: \(reason)" }
        }
        // Labels and preprocessing: vitopt's own metadata (its exports carry the config), else config.json beside the file.
        let meta = try ConfigSources.metadataHints(graph.metadata, path: path)
        let sidecar = try? ConfigSources.sidecarHints(for: path)
        if var model = recovered {
            if let labels = meta?.labels ?? sidecar?.labels, labels.count == model.config.numClasses { model.config.labels = labels }
            if let p = hints.preprocessing ?? meta?.preprocessing ?? sidecar?.preprocessing { model.config.preprocessing = p }
            let names = Array(model.sourceNames.values)
            let convention = naming ?? graph.metadata[ConfigSources.namingKey].flatMap(NamingConvention.init(rawValue:)) ?? (names.contains { $0.contains("encoder.layer") || $0.contains("layernorm_before") || $0.hasPrefix("vit.") || $0.contains(".vit.") } ? .hf : .timm)
            var loaded = LoadedModel(path: path, format: .onnx, convention: convention, prefix: "", model: model, metadata: graph.metadata,
                                     warnings: warnings, fileSize: imported.file.fileSize)
            loaded.importedGraph = graph
            loaded.registry = .onnx
            return loaded
        }
        if graph.nodes.contains(where: { $0.op == "MatMulInteger" || $0.op == "ConvInteger" }) {
            warnings.append("\(path) is a dynamically quantized (integer) ONNX graph: it runs as imported; converting it keeps the ONNX initializer names")
        } else if graph.nodes.contains(where: { $0.op == "QuantizeLinear" }) {
            warnings.append("\(path) is a statically quantized (QDQ) ONNX graph: it runs as imported; converting it keeps the ONNX initializer names")
        } else {
            warnings.append("\(path) is not recognised as a ViT (\(why)); it runs, but converting it keeps the ONNX initializer names")
        }
        // The input contract only: image size and channels from the graph input, classes from the output.
        let input = graph.inputs[0]
        let dims = input.shape.dropFirst().compactMap(\.value)
        let infos = try? graph.inferShapes(registry: .onnx)
        let outShape = infos?[graph.outputs[0]]?.shape ?? []
        let classes = outShape.count == 2 ? (outShape[1].value ?? 0) : 0
        let size = dims.count == 3 ? [dims[1], dims[2]] : [1, 1]
        var config = ViTConfig(imageSize: size, patchSize: size, channels: dims.first ?? 3, embedDim: 1, depth: 0, numHeads: 1,
                               mlpHidden: 1, numClasses: classes, preprocessing: hints.preprocessing ?? meta?.preprocessing ?? sidecar?.preprocessing)
        // vitopt's own exports that do not read back as a ViT (int8 ONNX) carry labels and preprocessing in their metadata.
        let labels = meta?.labels ?? sidecar?.labels
        config.labels = labels?.count == classes ? labels : nil
        var loaded = LoadedModel(path: path, format: .onnx, convention: naming ?? .timm, prefix: "",
                                 model: ViTDescription(config: config, tensors: [:]), metadata: graph.metadata, warnings: warnings,
                                 fileSize: imported.file.fileSize)
        loaded.importedGraph = graph
        loaded.registry = .onnx
        loaded.recognized = false
        loaded.rawTensors = imported.file.graph.initializers
        return loaded
    }
}
