import Graph

/// Where the teacher's logits come from during training.
///
/// - `graph`: any `Executor` whose graph maps `pixel_values` to logits — the general runtime (an int8
///   graph on `OpRegistry.int8` drops in unchanged).
/// - `native`: a fp32 ViT run by the training engine's own forward (`TrainableViT` with `trainable:
///   false`: one block's buffers reused, no activations kept) — the same attention and GEMM kernels as
///   the student, faster than the general executor at training batch sizes. With a distillation token
///   its logits are the mean of both heads, as the graph's. The two differ by fp32 rounding only.
public enum DistillTeacher {
    case graph(Executor)
    case native(TrainableViT)

    /// The teacher as a native forward when the training engine supports its architecture, else its graph.
    /// - Throws: graph validation errors.
    public static func automatic(_ model: ViTDescription, threads: Int) throws -> DistillTeacher {
        if let native = try? TrainableViT(model, threads: threads, trainable: false) { return .native(native) }
        return .graph(try Executor(graph: try ViTGraphBuilder.build(model), threads: threads))
    }

    /// `[C, H, W]` of one input image (-1 for a dimension the graph leaves open).
    var imageShape: [Int] {
        switch self {
        case .graph(let e): return e.graph.inputs[0].shape.dropFirst().map { $0.value ?? -1 }
        case .native(let m): return [m.config.channels, m.config.imageSize[0], m.config.imageSize[1]]
        }
    }

    /// A short name for progress output.
    public var runtime: String {
        switch self {
        case .graph: return "graph executor"
        case .native: return "native forward"
        }
    }

    /// The logits for `x[N, C, H, W]` (owned by the teacher until the next call).
    func logits(_ x: Tensor) throws -> Tensor {
        switch self {
        case .graph(let e):
            guard let out = try e.run([e.graph.inputs[0].name: x])[e.graph.outputs[0]] else {
                throw DistillError.mismatch("the teacher graph gives no output '\(e.graph.outputs[0])'")
            }
            return out
        case .native(let m):
            let out = try m.forward(x)
            guard let dist = out.distLogits else { return out.logits }
            let a = out.logits.mutableFloats, b = dist.floats
            for i in 0..<out.logits.count { a[i] = (a[i] + b[i]) * 0.5 }
            return out.logits
        }
    }
}
